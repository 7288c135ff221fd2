package org.camstream.mp4;

/**
 * Where one sample sits on the track timeline, in {@link FragmentTimeline#TIMESCALE} ticks:
 * its decode time (the fragment's baseMediaDecodeTime) and its duration, never zero.
 */
public record SampleTiming(long decodeTime, int duration) {
    public SampleTiming {
        if (decodeTime < 0) throw new IllegalArgumentException("decodeTime = " + decodeTime);
        if (duration < 1) throw new IllegalArgumentException("duration = " + duration);
    }
}
