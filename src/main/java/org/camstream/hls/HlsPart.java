package org.camstream.hls;

import java.util.List;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.stream.Mp4Chunk;

/**
 * One LL-HLS partial segment: a run of whole frames, held as the very fMP4 fragments every other viewer gets.
 * Its bytes are those fragments one after the other, so a part costs references, not a copy: each fragment
 * has its own {@code moof} with its own sequence number and {@code tfdt}, which is a valid fMP4 media
 * segment for a player that reads parts, a whole segment, or both.
 *
 * <p>Numbered across the whole run rather than within its segment, so the next part's name is known before
 * anyone knows whether the next frame starts a new segment: that is what a preload hint must name.
 */
public record HlsPart(long index, long msn, int indexInSegment, List<Mp4Chunk> chunks, long durationTicks,
        long size) {

    public HlsPart {
        chunks = List.copyOf(chunks);
        if (chunks.isEmpty()) {
            throw new IllegalArgumentException("a part holds at least one frame");
        }
    }

    /** Whether a decoder can start here: the part begins with a keyframe. */
    public boolean independent() {
        return chunks.get(0).isKeyframe();
    }

    /** The wall-clock time its first picture has on the timeline, for {@code EXT-X-PROGRAM-DATE-TIME}. */
    public long startEpochMicros() {
        return chunks.get(0).timelineEpochMicros();
    }

    public double durationSeconds() {
        return durationTicks / (double) FragmentTimeline.TIMESCALE;
    }
}
