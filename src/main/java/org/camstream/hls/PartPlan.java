package org.camstream.hls;

import org.camstream.mp4.FragmentTimeline;

/**
 * How pictures are cut into parts and segments, from the camera's frame rate at the start of a run.
 *
 * <ul>
 *   <li>A part holds whole frames, about {@link #PART_SECONDS}: 6 at 30 fps, 1 at 5 fps or less.</li>
 *   <li>{@code PART-TARGET} is half a frame more than that, rounded up to a millisecond, so that the timing jitter of a frame does not make
 *       a part longer than the target the playlist promises. A part also closes early when one more frame of
 *       the usual length would overrun the target.</li>
 *   <li>A segment closes at the first keyframe once it holds a second of pictures: {@link #SEGMENT_SECONDS}
 *       on the timeline less a quarter of a frame, or as many frames as the camera makes in that time. A
 *       camera with a keyframe every 30 frames at 30 fps makes segments of 1.000 s give or take the jitter of
 *       its capture times, which on a busy machine is tens of milliseconds; such a segment should not wait
 *       for the next keyframe and become 2 s long.</li>
 * </ul>
 */
public record PartPlan(int framesPerPart, long frameTicks, long partTargetTicks, long minSegmentTicks,
        int framesPerSegment) {

    public static final double PART_SECONDS = 0.2;
    public static final double SEGMENT_SECONDS = 1.0;

    public static PartPlan forFrameRate(double fps) {
        if (!(fps > 0)) {
            throw new IllegalArgumentException("fps = " + fps);
        }
        long frame = Math.max(1, Math.round(FragmentTimeline.TIMESCALE / fps));
        int frames = (int) Math.max(1, Math.round(PART_SECONDS * fps));
        // Whole milliseconds, so that the playlist's decimals are exact and PART-HOLD-BACK is exactly three.
        long target = ceilTo(frames * frame + frame / 2, FragmentTimeline.TIMESCALE / 1000);
        long segment = Math.round(SEGMENT_SECONDS * FragmentTimeline.TIMESCALE) - frame / 4;
        return new PartPlan(frames, frame, target, segment, (int) Math.max(1, Math.round(SEGMENT_SECONDS * fps)));
    }

    private static long ceilTo(long value, long step) {
        return (value + step - 1) / step * step;
    }

    public double partTargetSeconds() {
        return partTargetTicks / (double) FragmentTimeline.TIMESCALE;
    }

    /**
     * RFC 8216bis 6.2.5.2: how far beyond the last part a blocking request may reach before it is a
     * {@code 400}; three divided by the part target when that is under a second, else three.
     */
    public double advancePartLimit() {
        double target = partTargetSeconds();
        return target < 1 ? 3 / target : 3;
    }
}
