package org.camstream.hls;

import java.util.ArrayList;
import java.util.List;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.stream.VideoTrack;

/**
 * A media segment: the parts from one keyframe to the next segment's, on one track. Immutable: the segmenter
 * makes a new instance whenever a part is added or the segment closes, so a published playlist version never
 * changes under a reader.
 *
 * @param discontinuity the segment follows a change of track (a new init segment) or a gap in the pictures
 * @param discontinuitySequence how many discontinuities came before it in this run, itself included
 * @param closed whether the segment is complete, i.e. has an {@code EXTINF}
 */
public record HlsSegment(long msn, VideoTrack track, boolean discontinuity, long discontinuitySequence,
        List<HlsPart> parts, boolean closed) {

    public HlsSegment {
        parts = List.copyOf(parts);
    }

    static HlsSegment open(long msn, VideoTrack track, boolean discontinuity, long discontinuitySequence) {
        return new HlsSegment(msn, track, discontinuity, discontinuitySequence, List.of(), false);
    }

    HlsSegment with(HlsPart part) {
        List<HlsPart> more = new ArrayList<>(parts.size() + 1);
        more.addAll(parts);
        more.add(part);
        return new HlsSegment(msn, track, discontinuity, discontinuitySequence, more, false);
    }

    HlsSegment close() {
        return new HlsSegment(msn, track, discontinuity, discontinuitySequence, parts, true);
    }

    public long durationTicks() {
        long ticks = 0;
        for (HlsPart part : parts) {
            ticks += part.durationTicks();
        }
        return ticks;
    }

    public double durationSeconds() {
        return durationTicks() / (double) FragmentTimeline.TIMESCALE;
    }

    public long size() {
        long bytes = 0;
        for (HlsPart part : parts) {
            bytes += part.size();
        }
        return bytes;
    }

    /**
     * The wall-clock time of its start, for {@code EXT-X-PROGRAM-DATE-TIME}: its first picture's place on the
     * timeline, so that the next segment's date is this one's plus its EXTINF, to the microsecond, even when the
     * first picture came a stall late and lasts longer for it.
     */
    public long startEpochMicros() {
        return parts.get(0).startEpochMicros();
    }

    public HlsPart lastPart() {
        return parts.isEmpty() ? null : parts.get(parts.size() - 1);
    }
}
