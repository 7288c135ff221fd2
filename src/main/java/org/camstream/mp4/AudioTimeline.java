package org.camstream.mp4;

import java.util.ArrayList;
import java.util.List;

/**
 * Places AAC frames on the audio track so that they play with the pictures captured at the same moment.
 *
 * <p>Each frame's ideal place is its capture time on the video timeline ({@link FragmentTimeline#ticksAt}),
 * in ticks of the sample rate. Frames are laid end to end, because a player's buffer must have no holes; when
 * the place reached drifts more than half a frame from the ideal one (the sound card's clock is not the
 * system's, or frames were lost), a frame is dropped or a frame of silence inserted, so the two tracks never
 * drift apart by more than half a frame (10.7 ms at 48 kHz) plus the jitter of the capture times.
 *
 * <p>Audio loss is not video loss: while no frame has arrived for {@code lossNanos} (the audio process died,
 * or has not started yet), the track is filled with silence up to the end of each picture, so a player whose
 * buffer needs both tracks goes on showing pictures. When frames come again they are placed as above.
 *
 * <p>Not thread-safe: called from the one thread that muxes the video.
 */
public final class AudioTimeline {

    public static final int SAMPLES_PER_FRAME = 1024;
    /** Beyond this gap the track jumps instead of filling it with silence: after a long stall, say. */
    private static final int MAX_FILL_FRAMES = 100;

    private final int sampleRate;
    private final byte[] silence;
    private final long lossNanos;

    private boolean started;
    private long next; // the next sample's decode time, in ticks of the sample rate
    private boolean heard;
    private long lastHeardNanos;
    // Written by the muxing thread only; volatile for the status, which reads them from another.
    private volatile long dropped;
    private volatile long filled;

    /**
     * @param silence one raw AAC frame that decodes to silence, in the track's format
     * @param lossNanos how long without frames before the audio counts as lost and is filled with silence
     */
    public AudioTimeline(int sampleRate, byte[] silence, long lossNanos) {
        this.sampleRate = sampleRate;
        this.silence = silence.clone();
        this.lossNanos = lossNanos;
    }

    /**
     * The audio to go into the fragment of the picture at {@code video}, from the frames that arrived since
     * the last call (oldest first); null when there is none to add.
     *
     * @param nowNanos the monotonic time now, to tell lost audio from late audio
     */
    public AudioRun place(List<AudioSample> arrived, FragmentTimeline videoTimeline, SampleTiming video,
            long videoCaptureEpochMicros, long nowNanos) {
        List<byte[]> samples = new ArrayList<>(arrived.size() + 2);
        long runStart = -1;
        long runEpoch = 0;
        if (!started) {
            started = true;
            next = toAudio(video.decodeTime());
        }
        for (AudioSample frame : arrived) {
            heard = true;
            lastHeardNanos = Math.max(lastHeardNanos, frame.captureNanos());
            long ideal = toAudio(videoTimeline.ticksAt(frame.captureNanos()));
            long error = next - ideal; // > 0: this frame would play later than it was captured
            if (ideal < 0 || error > SAMPLES_PER_FRAME / 2) {
                dropped++;
                continue;
            }
            if (error < -(long) SAMPLES_PER_FRAME * MAX_FILL_FRAMES) {
                next = ideal; // too long a gap to fill: the track jumps, and a player skips it
                error = 0;
            }
            for (; error < -SAMPLES_PER_FRAME / 2; error += SAMPLES_PER_FRAME) {
                if (runStart < 0) runStart = next;
                samples.add(silence);
                next += SAMPLES_PER_FRAME;
                filled++;
            }
            if (runStart < 0) {
                runStart = next;
            }
            if (runEpoch == 0) {
                runEpoch = frame.captureEpochMicros() - micros(next - runStart);
            }
            samples.add(frame.data());
            next += SAMPLES_PER_FRAME;
        }
        if (!heard || nowNanos - lastHeardNanos > lossNanos) {
            long end = toAudio(video.decodeTime() + video.duration());
            if (end - next > (long) SAMPLES_PER_FRAME * MAX_FILL_FRAMES) {
                next = end - SAMPLES_PER_FRAME;
            }
            while (next + SAMPLES_PER_FRAME <= end) {
                if (runStart < 0) runStart = next;
                samples.add(silence);
                next += SAMPLES_PER_FRAME;
                filled++;
            }
        }
        if (samples.isEmpty()) {
            return null;
        }
        if (runEpoch == 0) {
            long offsetTicks = runStart * FragmentTimeline.TIMESCALE / sampleRate - video.decodeTime();
            runEpoch = videoCaptureEpochMicros + offsetTicks * 1_000_000L / FragmentTimeline.TIMESCALE;
        }
        return new AudioRun(runStart, runEpoch, samples);
    }

    /** Frames given up because they came too late for their place, or the track was ahead. */
    public long dropped() {
        return dropped;
    }

    /** Frames of silence put in for audio that was lost or missing. */
    public long filled() {
        return filled;
    }

    private long toAudio(long videoTicks) {
        return Math.floorDiv(videoTicks * sampleRate, FragmentTimeline.TIMESCALE);
    }

    private long micros(long audioTicks) {
        return audioTicks * 1_000_000L / sampleRate;
    }
}
