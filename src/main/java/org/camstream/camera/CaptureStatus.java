package org.camstream.camera;

import java.time.Instant;
import org.camstream.process.ProcessError;
import org.camstream.process.ProcessState;
import org.camstream.process.ProcessStatus;

/**
 * A capture process (a camera, a transcoder, a sound source) for status pages: its supervision, what it was set
 * to make, and what it made.
 *
 * @param source what the process reads, such as {@code test} or {@code rpicam}
 */
public record CaptureStatus(String source, ProcessStatus process, Format format, Counts counts) {

    /** What the process was set to make: the picture size and rate. */
    public record Format(int width, int height, double fps) {
    }

    /**
     * @param measuredFps samples per second over the last seconds, 0 while none come
     * @param samples samples delivered since the server started
     * @param discarded samples the parser threw away, damaged or out of place
     */
    public record Counts(double measuredFps, long samples, long discarded) {
    }

    public ProcessState state() {
        return process.state();
    }

    public Instant since() {
        return process.since();
    }

    public ProcessError lastError() {
        return process.lastError();
    }

    public ProcessError previousError() {
        return process.previousError();
    }

    public int restarts() {
        return process.restarts();
    }

    public Instant retryAt() {
        return process.retryAt();
    }

    /** Whether samples are arriving: the process is running and has delivered its first. */
    public boolean isLive() {
        return process.state() == ProcessState.RUNNING;
    }
}
