package org.camstream.mp4;

/**
 * Where one sample sits on the track timeline, in {@link FragmentTimeline#TIMESCALE} ticks: its decode time
 * (the fragment's baseMediaDecodeTime) and its duration, never zero; and whether the timeline skipped a gap
 * in capture just before it, so that its capture time is later than the samples before it say.
 */
public record SampleTiming(long decodeTime, int duration, boolean afterGap) {
    public SampleTiming {
        if (decodeTime < 0) throw new IllegalArgumentException("decodeTime = " + decodeTime);
        if (duration < 1) throw new IllegalArgumentException("duration = " + duration);
    }

    /** A sample that follows the one before it without a gap. */
    public SampleTiming(long decodeTime, int duration) {
        this(decodeTime, duration, false);
    }
}
