package org.camstream.hls;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.camstream.mp4.InitSegment;

/**
 * One version of the HLS stream, as it was right after one part was completed: the segments kept in memory
 * (oldest first; the last may still be open) and what the playlist says about them. Immutable, so that a
 * reader never sees it change, and its playlist is rendered once however many requests it answers.
 *
 * @param version the index of the last completed part, or -1 before the first
 * @param targetDurationSeconds {@code EXT-X-TARGETDURATION}: the longest segment of the run so far, rounded to the
 *     nearest second and at least one; of the whole run, not of the segments kept, since RFC 8216bis 6.2.1 does
 *     not let it change. A camera restart cuts the open segment short rather than lengthen it.
 */
public record HlsSnapshot(String runId, long version, List<HlsSegment> segments, PartPlan plan,
        int targetDurationSeconds, Rendered rendered) {

    /** The playlist text, rendered on first use by whoever asks first. */
    static final class Rendered {
        private volatile byte[] bytes;
    }

    public HlsSnapshot {
        segments = List.copyOf(segments);
    }

    static HlsSnapshot of(String runId, long version, List<HlsSegment> segments, PartPlan plan, int target) {
        return new HlsSnapshot(runId, version, segments, plan, target, new Rendered());
    }

    public byte[] playlist() {
        byte[] bytes = rendered.bytes;
        if (bytes == null) {
            bytes = PlaylistWriter.write(this).getBytes(StandardCharsets.UTF_8);
            rendered.bytes = bytes; // two threads may render it at once; they write the same bytes
        }
        return bytes;
    }

    /** The index the next part will have: what {@code EXT-X-PRELOAD-HINT} names. */
    public long nextPartIndex() {
        return version + 1;
    }

    /** The segment of the latest part, or null before the first part. */
    public HlsSegment liveSegment() {
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (!segments.get(i).parts().isEmpty()) {
                return segments.get(i);
            }
        }
        return null;
    }

    public boolean hasClosedSegment() {
        return segments.stream().anyMatch(HlsSegment::closed);
    }

    /** How many complete segments this version holds. */
    public int closedSegments() {
        return (int) segments.stream().filter(HlsSegment::closed).count();
    }

    /** Whether segment {@code msn} is complete in this version (or a later one is). */
    public boolean hasSegment(long msn) {
        return segments.stream().anyMatch(s -> s.closed() && s.msn() >= msn);
    }

    /** Whether part {@code part} of segment {@code msn} exists in this version, or a part of a later segment. */
    public boolean hasPart(long msn, int part) {
        HlsSegment live = liveSegment();
        if (live == null) {
            return false;
        }
        if (live.msn() > msn) {
            return true;
        }
        // A closed segment with fewer parts than asked for does not satisfy the request: the next segment's
        // first part does, so a client asking one past the end waits for it instead of spinning.
        return live.msn() == msn && live.lastPart().indexInSegment() >= part;
    }

    public HlsSegment closedSegment(long msn) {
        for (HlsSegment segment : segments) {
            if (segment.msn() == msn) {
                return segment.closed() ? segment : null;
            }
        }
        return null;
    }

    public HlsPart part(long index) {
        for (HlsSegment segment : segments) {
            for (HlsPart part : segment.parts()) {
                if (part.index() == index) {
                    return part;
                }
            }
        }
        return null;
    }

    /** The init segment of a track generation that a kept segment uses, or null. */
    public InitSegment init(long generation) {
        for (HlsSegment segment : segments) {
            if (segment.track().generation() == generation) {
                return segment.track().init();
            }
        }
        return null;
    }

    /** The oldest part kept, or -1 when there is none. */
    public long oldestPartIndex() {
        for (HlsSegment segment : segments) {
            if (!segment.parts().isEmpty()) {
                return segment.parts().get(0).index();
            }
        }
        return -1;
    }
}
