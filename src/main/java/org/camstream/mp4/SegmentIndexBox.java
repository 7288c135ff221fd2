package org.camstream.mp4;

import java.util.List;

/**
 * The 'sidx' box (ISO/IEC 14496-12 8.16.3), version 1: where each subsegment of a fragmented file starts and
 * how long it lasts, so that a player seeks by reading one box instead of every fragment's header, and knows
 * the file's duration at once. A recording writes it into the room it kept after its init segment, once the
 * file is complete; a clip writes it before its fragments.
 */
public final class SegmentIndexBox {

    private static final int SIDX = BoxWriter.fourcc("sidx");
    private static final int FREE = BoxWriter.fourcc("free");
    /** The box without references: header, version and flags, and the fixed fields of version 1. */
    static final int FIXED_SIZE = 8 + 4 + 4 + 4 + 8 + 8 + 2 + 2;
    static final int REFERENCE_SIZE = 12;

    /**
     * One subsegment: a run of fragments that starts with a keyframe.
     *
     * @param size its bytes
     * @param duration its duration in the track's timescale
     */
    public record Subsegment(long size, long duration) {
        public Subsegment {
            if (size <= 0 || size > 0x7FFF_FFFFL || duration < 0 || duration > 0xFFFF_FFFFL) {
                throw new IllegalArgumentException("subsegment of " + size + " bytes and " + duration + " ticks");
            }
        }
    }

    private SegmentIndexBox() {
    }

    /** The size of a 'sidx' with {@code references} subsegments. */
    public static int size(int references) {
        return FIXED_SIZE + REFERENCE_SIZE * references;
    }

    /**
     * A 'sidx' for the track {@code trackId}, of {@code subsegments} that start {@code firstOffset} bytes after
     * the box, followed by a 'free' box of {@code padding} bytes (0, or 8 and more) that fills the room kept for
     * it. The subsegments then start {@code padding} bytes after the 'sidx', so {@code firstOffset} is that.
     */
    public static byte[] write(int trackId, int timescale, long earliestPresentationTime,
            List<Subsegment> subsegments, int padding) {
        if (subsegments.size() > 0xFFFF || padding != 0 && padding < 8) {
            throw new IllegalArgumentException(subsegments.size() + " references, padding " + padding);
        }
        byte[] bytes = new byte[size(subsegments.size()) + padding];
        BoxWriter w = new BoxWriter(bytes);
        int sidx = w.startFull(SIDX, 1, 0);
        w.u32(trackId).u32(timescale).u64(earliestPresentationTime).u64(padding);
        w.u16(0).u16(subsegments.size());
        for (Subsegment s : subsegments) {
            w.u32((int) s.size()); // reference_type 0: media
            w.u32((int) s.duration());
            w.u32(0x9000_0000); // starts_with_SAP 1, SAP_type 1 (an IDR picture), SAP_delta_time 0
        }
        w.end(sidx);
        if (padding > 0) {
            int free = w.start(FREE);
            w.zeros(padding - 8);
            w.end(free);
        }
        return bytes;
    }

    /** A 'free' box of {@code size} bytes: the room a recording keeps for its 'sidx'. */
    public static byte[] room(int size) {
        byte[] bytes = new byte[size];
        BoxWriter w = new BoxWriter(bytes);
        int free = w.start(FREE);
        w.zeros(size - 8);
        w.end(free);
        return bytes;
    }
}
