package org.camstream.stream;

import org.camstream.mp4.AudioSample;

/**
 * Where the audio process's AAC frames go: each gets its capture time on the video's clocks
 * ({@link AudioClock}) and waits in the pipeline's {@link AudioInbox} for the next picture's fragment. Called
 * on the audio process's reader thread; takes no lock but the inbox's.
 */
public final class AudioSink implements FrameSink {

    /** 1024 samples at 48 kHz. */
    static final long FRAME_NANOS = 1024L * 1_000_000_000L / 48_000;

    private final AudioInbox inbox;
    private final AudioClock clock;
    private final RateMeter rate = RateMeter.forFrames();
    /** Set by the supervisor's thread when a process ended; the reader's thread resets the clock. */
    private volatile boolean stopped;

    /**
     * @param delayNanos how much earlier than its arrival a frame's sound was captured, beyond the pipe's
     *     bursts: ffmpeg's AAC encoder delay, measured (see the README's Sound section)
     */
    public AudioSink(AudioInbox inbox, long delayNanos) {
        this.inbox = inbox;
        this.clock = new AudioClock(FRAME_NANOS, delayNanos);
    }

    @Override
    public void onFrame(Frame frame) {
        if (stopped) {
            stopped = false;
            clock.reset();
        }
        long capture = clock.captureNanos(frame.captureNanos());
        long epoch = frame.captureEpochMicros() - (frame.captureNanos() - capture) / 1_000;
        rate.mark(frame.captureNanos(), frame.size());
        inbox.put(new AudioSample(frame.bytes(), capture, epoch));
    }

    @Override
    public void onCameraStopped() {
        stopped = true;
    }

    /** The AAC bitrate over the last two seconds. */
    public long measuredBitrate() {
        return rate.bitsPerSecond(System.nanoTime());
    }
}
