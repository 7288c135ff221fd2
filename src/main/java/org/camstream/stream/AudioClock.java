package org.camstream.stream;

/**
 * Capture times for the frames of a sound card, from the times they arrive. Frames arrive in bursts (ffmpeg
 * and the pipe buffer), but they were captured evenly, one every {@code frameNanos}. Frame k was captured at
 * {@code base + k * frameNanos - delayNanos}, where {@code base} is the earliest arrival less k frames seen
 * so far: the frame that came fastest tells best when capture began, since none can arrive before it was
 * captured. {@code delayNanos} is what the encoder holds back (its priming and look-ahead).
 *
 * <p>The base may creep later by 500 ppm, for a sound card whose clock runs slower than the system's; after
 * a second in which every frame came more than 20 ms later than the base says (samples lost in an overrun),
 * it jumps to that second's earliest. Not thread-safe: one reader thread calls it.
 */
final class AudioClock {

    private static final long JUMP_NANOS = 20_000_000L;

    private final long frameNanos;
    private final long delayNanos;
    private final long creepNanos;
    private final int window;
    private boolean started;
    private long frames;
    private long base;
    private long windowMin;
    private int inWindow;

    AudioClock(long frameNanos, long delayNanos) {
        this.frameNanos = frameNanos;
        this.delayNanos = delayNanos;
        this.creepNanos = Math.max(1, frameNanos / 2000);
        this.window = (int) Math.max(1, 1_000_000_000L / frameNanos);
    }

    /** The capture time of the frame that arrived at {@code arrivalNanos}, the next in the stream. */
    long captureNanos(long arrivalNanos) {
        long k = frames++;
        long candidate = arrivalNanos - k * frameNanos;
        if (!started) {
            started = true;
            base = candidate;
            windowMin = Long.MAX_VALUE;
        } else {
            base = Math.min(base + creepNanos, candidate);
        }
        windowMin = Math.min(windowMin, candidate);
        if (++inWindow == window) {
            if (windowMin - base > JUMP_NANOS) {
                base = windowMin;
            }
            windowMin = Long.MAX_VALUE;
            inWindow = 0;
        }
        return base + k * frameNanos - delayNanos;
    }

    /** A new process: its frames start a new count. */
    void reset() {
        started = false;
        frames = 0;
        inWindow = 0;
    }
}
