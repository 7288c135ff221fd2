package org.camstream.mp4;

/**
 * Where one sample sits on the track timeline, in {@link FragmentTimeline#TIMESCALE} ticks: its decode time
 * (the fragment's baseMediaDecodeTime) and its duration, never zero; whether the timeline skipped a gap
 * in capture just before it, so that its capture time is later than the samples before it say; and its
 * {@code lag}: how much later than its decode time it was captured, on the timeline's own count. A picture that
 * comes after a stall shorter than a gap (a camera that restarts in a fifth of a second) starts where the one
 * before ended, a stall's length before it was captured, and lasts that much longer: so its wall-clock place on
 * the timeline is its capture time less its lag. Negative after a burst, when the timeline runs ahead.
 */
public record SampleTiming(long decodeTime, int duration, boolean afterGap, long lag) {
    public SampleTiming {
        if (decodeTime < 0) throw new IllegalArgumentException("decodeTime = " + decodeTime);
        if (duration < 1) throw new IllegalArgumentException("duration = " + duration);
    }

    /** A sample that follows the one before it without a gap, captured at its decode time. */
    public SampleTiming(long decodeTime, int duration) {
        this(decodeTime, duration, false, 0);
    }

    /** A sample captured at its decode time. */
    public SampleTiming(long decodeTime, int duration, boolean afterGap) {
        this(decodeTime, duration, afterGap, 0);
    }

    /** The lag in microseconds: what to take from the capture time for the time of its place on the timeline. */
    public long lagMicros() {
        return Math.floorDiv(lag * 1_000_000L, FragmentTimeline.TIMESCALE);
    }
}
