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
        Slot slot = next(monotonicNanos);
        return FragmentWriter.write(slot.sequenceNumber(), slot.timing(), captureEpochMicros, au);
    }

    /** The video timeline, which the audio track is placed by. */
    public FragmentTimeline timeline() {
        return timeline;
    }

    /** A fragment's number and place on the timeline, for writing it later with {@link FragmentWriter}. */
    public record Slot(int sequenceNumber, SampleTiming timing) {
    }

    /**
     * Numbers and places the next access unit without writing its fragment yet: the server writes a
     * fragment only when a viewer first needs it, but every picture must take its place on the timeline.
     */
    public Slot next(long monotonicNanos) {
        return new Slot(++sequenceNumber, timeline.next(monotonicNanos));
    }
}
