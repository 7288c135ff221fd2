package org.camstream.mp4;

/**
 * Turns the capture times of successive frames into sample decode times and durations for a
 * live fragmented MP4 track, one sample per fragment.
 *
 * <p>The catch: a fragment must state its sample's duration when it is written, but in a live
 * stream the duration (the time until the next frame) is not known until the next frame arrives.
 * The scheme:
 *
 * <ul>
 *   <li>Decode times are contiguous: each sample starts where the previous one ended, so the
 *       decode time is always the sum of all previous durations and a player's buffer has no
 *       holes to stall on.
 *   <li>A sample's duration is the expected frame interval (a running average of observed
 *       intervals, starting at the nominal one, each clamped to between half and twice the
 *       average so that stalls and bursts barely move it) plus the drift so far: how far the timeline is
 *       behind the frame's capture time. The next sample therefore starts at about its capture
 *       time; in steady state each duration comes out as the interval that just passed, so the
 *       timeline trails capture time by at most the jitter of one interval.
 *   <li>Durations are at least 1 tick and at most a maximum. A frame that would need a longer duration
 *       to put the next one on time came after a gap (the camera stopped, restarted or stalled): the gap
 *       is forgiven whole rather than stretched over that frame, which gets the usual interval and says
 *       {@link SampleTiming#afterGap()}. So no sample spans a gap: an LL-HLS part, whose target is the
 *       maximum, holds any sample, a live player is not left a gap behind the camera, and after the gap
 *       the timeline resumes at normal speed. Drift the other way (frames arriving faster than the
 *       timeline ran) is carried: samples get short durations until the timeline is back on time.
 * </ul>
 *
 * <p>Time comes from a monotonic clock, so wall clock steps (NTP, DST) cannot break the timeline.
 * Not thread-safe: one timeline per track, fed in decode order.
 */
public final class FragmentTimeline {
    /** Ticks per second of the video track: the usual 90 kHz of MPEG video. */
    public static final int TIMESCALE = 90_000;
    /**
     * One second: longer than any interval a live camera should have between frames. The camera's own
     * timeline has a shorter maximum, its HLS part target (see {@code camera.CapturePath}).
     */
    public static final int DEFAULT_MAX_DURATION = TIMESCALE;
    private static final int AVERAGE_SHIFT = 4; // running average weight 1/16: smooth, yet follows rate changes in a second or so

    private final int nominalDuration;
    private volatile int maxDuration; // set from another thread by limit(); read once a sample

    private boolean started;
    private long firstNanos;
    private long previousNanos;
    private long averageFixed; // average interval in ticks << AVERAGE_SHIFT
    private long decodeTime; // end of the last sample: the next sample's decode time
    private long forgiven; // ticks of capture time the timeline gave up after gaps

    /** A timeline expecting frames every {@code nominalDuration} ticks, with the default maximum. */
    public FragmentTimeline(int nominalDuration) {
        this(nominalDuration, DEFAULT_MAX_DURATION);
    }

    public FragmentTimeline(int nominalDuration, int maxDuration) {
        if (nominalDuration < 1 || maxDuration < nominalDuration) {
            throw new IllegalArgumentException("nominal " + nominalDuration + ", max " + maxDuration);
        }
        this.nominalDuration = nominalDuration;
        this.maxDuration = maxDuration;
    }

    /** A timeline for a source expected to run at {@code framesPerSecond}, with the default maximum. */
    public static FragmentTimeline forFrameRate(double framesPerSecond) {
        return forFrameRate(framesPerSecond, DEFAULT_MAX_DURATION);
    }

    /**
     * A timeline for a source expected to run at {@code framesPerSecond} whose samples last at most
     * {@code maxDuration} ticks (no less than a frame).
     */
    public static FragmentTimeline forFrameRate(double framesPerSecond, int maxDuration) {
        int nominal = nominalDuration(framesPerSecond);
        return new FragmentTimeline(nominal, Math.max(nominal, maxDuration));
    }

    /**
     * A new maximum, for a new frame rate; from any thread, taking effect at the next sample. The nominal
     * interval stays what it was: the running average follows the camera's real rate within a second.
     */
    public void limit(int maxDuration) {
        if (maxDuration < 1) {
            throw new IllegalArgumentException("max " + maxDuration);
        }
        this.maxDuration = maxDuration;
    }

    private static int nominalDuration(double framesPerSecond) {
        if (!(framesPerSecond > 0)) throw new IllegalArgumentException("fps = " + framesPerSecond);
        long nominal = Math.round(TIMESCALE / framesPerSecond);
        return (int) Math.max(1, Math.min(DEFAULT_MAX_DURATION, nominal));
    }

    /** Places the next sample, captured at {@code monotonicNanos} (e.g. from System.nanoTime()). */
    public SampleTiming next(long monotonicNanos) {
        if (!started) {
            started = true;
            firstNanos = monotonicNanos;
            previousNanos = monotonicNanos;
            averageFixed = (long) nominalDuration << AVERAGE_SHIFT;
            decodeTime = nominalDuration;
            return new SampleTiming(0, nominalDuration);
        }
        int max = maxDuration;
        long interval = ticks(monotonicNanos - previousNanos);
        previousNanos = monotonicNanos;
        long average = averageFixed >> AVERAGE_SHIFT;
        long drift = ticks(monotonicNanos - firstNanos) - forgiven - decodeTime; // > 0: the timeline is behind
        if (average + drift > max) {
            // A gap. Stretching this sample over it would make it longer than any part, and leave every live
            // player as far behind as the gap was long; forgiven, the gap is skipped. Nor is the gap a frame
            // interval: the average stays as it was.
            forgiven += drift;
            int duration = (int) Math.max(1, Math.min(max, average));
            SampleTiming timing = new SampleTiming(decodeTime, duration, true);
            decodeTime += duration;
            return timing;
        }
        // A stall or a burst moves the average by a sixteenth of at most one average interval, so
        // one long gap does not leave every later sample short while the average recovers.
        averageFixed += clamp(interval, Math.max(1, average / 2), Math.min(max, 2 * average)) - average;
        long duration = Math.min(max, Math.max(1, (averageFixed >> AVERAGE_SHIFT) + drift));
        SampleTiming timing = new SampleTiming(decodeTime, (int) duration, false, drift);
        decodeTime += duration;
        return timing;
    }

    /**
     * Where something captured at {@code monotonicNanos} belongs on this timeline, in ticks: its time since the
     * first sample, less the time given up after gaps. The audio track is placed by it. Long.MIN_VALUE before
     * the first sample.
     */
    public long ticksAt(long monotonicNanos) {
        return started ? ticks(monotonicNanos - firstNanos) - forgiven : Long.MIN_VALUE;
    }

    /** The decode time the next sample will get. */
    public long decodeTime() {
        return decodeTime;
    }

    private static long ticks(long nanos) {
        // 90000 / 1e9 = 9 / 100000, rounded to the nearest tick: flooring would turn a steady
        // 33333333 ns into 2999 ticks and make durations wobble by a tick for no reason.
        return Math.floorDiv(nanos * 9 + 50_000, 100_000);
    }

    private static long clamp(long v, long min, long max) {
        return Math.max(min, Math.min(max, v));
    }
}
