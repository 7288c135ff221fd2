package org.camstream.mp4;

import java.util.Objects;
import org.camstream.codec.h264.AccessUnit;

/**
 * The fragmented MP4 muxer of one live stream: numbers fragments and places them on the
 * timeline. One per stream, not per viewer; the fragments it makes are shared by all viewers,
 * each of whom starts with {@link InitSegment} and then a keyframe fragment.
 *
 * <p>Not thread-safe: feed it from the one thread that reads the source.
 */
public final class Fmp4Muxer {
    private final FragmentTimeline timeline;
    private int sequenceNumber;

    public Fmp4Muxer(FragmentTimeline timeline) {
        this.timeline = Objects.requireNonNull(timeline, "timeline");
    }

    /**
     * The fragment of the next access unit, captured at {@code captureEpochMicros} on the wall
     * clock (for 'prft') and at {@code monotonicNanos} on a monotonic clock (for the timeline).
     */
    public Fragment mux(AccessUnit au, long captureEpochMicros, long monotonicNanos) {
        SampleTiming timing = timeline.next(monotonicNanos);
        return FragmentWriter.write(++sequenceNumber, timing, captureEpochMicros, au);
    }
}
