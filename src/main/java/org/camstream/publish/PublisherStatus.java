package org.camstream.publish;

import java.time.Instant;
import java.util.List;
import org.camstream.process.ProcessError;
import org.camstream.process.ProcessStatus;

/**
 * A snapshot of one relay publisher for {@code /api/status}. Every text in it has its secrets masked.
 *
 * @param url the relay's URL as {@link org.camstream.config.PublishUrl} shows it
 * @param process its ffmpeg's supervision: since when in which state, restarts, errors, pid, recent output
 * @param size the picture size being published, or null before the first keyframe
 */
public record PublisherStatus(String url, String format, PublisherState state, ProcessStatus process,
        Delivery delivery, Size size) {

    /**
     * What reaches the relay.
     *
     * @param bitrate bits per second reaching the relay, over the last two seconds
     * @param frames pictures the current ffmpeg has written to the relay
     * @param bytes bytes the current ffmpeg has written to the relay
     * @param droppedFrames fragments skipped, since the server started, because ffmpeg did not keep up
     */
    public record Delivery(long bitrate, long frames, long bytes, long droppedFrames) {
    }

    public record Size(int width, int height) {
    }

    public Instant since() {
        return process.since();
    }

    public int restarts() {
        return process.restarts();
    }

    /** The trouble the publisher is in now; null while it publishes. */
    public ProcessError lastError() {
        return process.lastError();
    }

    public ProcessError previousError() {
        return process.previousError();
    }

    /** When the next try is due, while {@code state} is {@link PublisherState#RETRYING}. */
    public Instant retryAt() {
        return process.retryAt();
    }

    public Long pid() {
        return process.pid();
    }

    public List<String> recentLog() {
        return process.output().recent();
    }

    public long frames() {
        return delivery.frames();
    }

    public long bytes() {
        return delivery.bytes();
    }
}
