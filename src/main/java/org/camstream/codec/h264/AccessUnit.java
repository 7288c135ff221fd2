package org.camstream.codec.h264;

import java.io.IOException;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * The NAL units of one coded picture, in stream order. Immutable.
 *
 * <p>Writers put the NAL units straight into a caller's array or stream, in either framing, so a
 * muxer needs no intermediate copy.
 */
public final class AccessUnit {
    private static final byte[] START_CODE = {0, 0, 0, 1};

    private final NalUnit[] nalUnits;
    private final List<NalUnit> view;
    private final int payloadSize;
    private final boolean keyframe;

    private AccessUnit(NalUnit[] nalUnits) {
        this.nalUnits = nalUnits;
        this.view = Collections.unmodifiableList(Arrays.asList(nalUnits));
        int size = 0;
        boolean idr = false;
        for (NalUnit nal : nalUnits) {
            Objects.requireNonNull(nal, "nal unit");
            size = Math.addExact(size, nal.size());
            idr |= nal.isIdr();
        }
        this.payloadSize = size;
        this.keyframe = idr;
    }

    public static AccessUnit of(List<NalUnit> nalUnits) {
        return new AccessUnit(nalUnits.toArray(new NalUnit[0]));
    }

    public static AccessUnit of(NalUnit... nalUnits) {
        return new AccessUnit(nalUnits.clone());
    }

    /** Takes ownership of {@code nalUnits} without copying. */
    static AccessUnit wrap(NalUnit[] nalUnits) {
        return new AccessUnit(nalUnits);
    }

    /**
     * Reads one access unit written in Annex B form, such as {@link #writeAnnexB(byte[], int)} produces.
     * The NAL units are views of {@code annexB}, not copies, so the caller must never change the array
     * afterwards. Bytes before the first start code are ignored.
     */
    public static AccessUnit fromAnnexB(byte[] annexB) {
        java.util.ArrayList<NalUnit> nals = new java.util.ArrayList<>();
        int start = -1;
        int i = 0;
        while (i + 2 < annexB.length) {
            if (annexB[i] == 0 && annexB[i + 1] == 0 && annexB[i + 2] == 1) {
                if (start >= 0) {
                    addTrimmed(nals, annexB, start, i);
                }
                start = i + 3;
                i += 3;
            } else {
                i++;
            }
        }
        if (start >= 0) {
            addTrimmed(nals, annexB, start, annexB.length);
        }
        return new AccessUnit(nals.toArray(new NalUnit[0]));
    }

    /** Adds {@code data[from..to)} minus the zero bytes that belong to the next start code. */
    private static void addTrimmed(List<NalUnit> nals, byte[] data, int from, int to) {
        int end = to;
        while (end > from && data[end - 1] == 0) {
            end--;
        }
        if (end > from) {
            nals.add(NalUnit.wrap(data, from, end - from));
        }
    }

    /** All NAL units, in stream order. Unmodifiable. */
    public List<NalUnit> nalUnits() {
        return view;
    }

    /** True when the picture is an IDR picture: a decoder can start here (given SPS and PPS). */
    public boolean isKeyframe() {
        return keyframe;
    }

    /** True when there is at least one slice of a picture. */
    public boolean hasPicture() {
        for (NalUnit nal : nalUnits) if (nal.isVcl()) return true;
        return false;
    }

    /** The first SPS in this access unit, or null. */
    public NalUnit sps() {
        return first(NalUnit.SPS);
    }

    /** The first PPS in this access unit, or null. */
    public NalUnit pps() {
        return first(NalUnit.PPS);
    }

    private NalUnit first(int type) {
        for (NalUnit nal : nalUnits) if (nal.type() == type) return nal;
        return null;
    }

    /** Sum of the NAL unit sizes, without any framing. */
    public int payloadSize() {
        return payloadSize;
    }

    /** Bytes written by {@code writeAnnexB}: each NAL unit after a 4-byte start code. */
    public int annexBSize() {
        return payloadSize + 4 * nalUnits.length;
    }

    /** Bytes written by {@code writeAvcc}: each NAL unit after a 4-byte length. */
    public int avccSize() {
        return payloadSize + 4 * nalUnits.length;
    }

    /** Writes all NAL units with 4-byte start codes; returns the offset after the last byte. */
    public int writeAnnexB(byte[] dst, int offset) {
        checkRoom(dst, offset, annexBSize());
        for (NalUnit nal : nalUnits) {
            System.arraycopy(START_CODE, 0, dst, offset, 4);
            offset = nal.copyTo(dst, offset + 4);
        }
        return offset;
    }

    /**
     * This access unit written in Annex B form into a new array, and read back as views of that array: the one
     * copy of the bytes that viewers share, and NAL units that cost no second copy and no second scan.
     */
    public AnnexB toAnnexB() {
        byte[] bytes = new byte[annexBSize()];
        NalUnit[] views = new NalUnit[nalUnits.length];
        int offset = 0;
        for (int i = 0; i < nalUnits.length; i++) {
            NalUnit nal = nalUnits[i];
            System.arraycopy(START_CODE, 0, bytes, offset, 4);
            offset += 4;
            views[i] = NalUnit.wrap(bytes, offset, nal.size());
            offset = nal.copyTo(bytes, offset);
        }
        return new AnnexB(bytes, new AccessUnit(views));
    }

    /** The Annex B bytes of an access unit, and the access unit as views of them. */
    public record AnnexB(byte[] bytes, AccessUnit accessUnit) {
    }

    public void writeAnnexB(OutputStream out) throws IOException {
        for (NalUnit nal : nalUnits) {
            out.write(START_CODE);
            nal.writeTo(out);
        }
    }

    /** Writes all NAL units, each after its 4-byte big-endian length; returns the offset after. */
    public int writeAvcc(byte[] dst, int offset) {
        checkRoom(dst, offset, avccSize());
        for (NalUnit nal : nalUnits) {
            offset = writeLength(dst, offset, nal.size());
            offset = nal.copyTo(dst, offset);
        }
        return offset;
    }

    public void writeAvcc(OutputStream out) throws IOException {
        byte[] length = new byte[4];
        for (NalUnit nal : nalUnits) {
            writeLength(length, 0, nal.size());
            out.write(length);
            nal.writeTo(out);
        }
    }

    private static int writeLength(byte[] dst, int offset, int value) {
        dst[offset] = (byte) (value >>> 24);
        dst[offset + 1] = (byte) (value >>> 16);
        dst[offset + 2] = (byte) (value >>> 8);
        dst[offset + 3] = (byte) value;
        return offset + 4;
    }

    private static void checkRoom(byte[] dst, int offset, int size) {
        if (offset < 0 || size > dst.length - offset) {
            throw new IndexOutOfBoundsException("need " + size + " bytes at " + offset + " of " + dst.length);
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof AccessUnit other && Arrays.equals(nalUnits, other.nalUnits);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(nalUnits);
    }

    @Override
    public String toString() {
        StringBuilder types = new StringBuilder();
        for (NalUnit nal : nalUnits) {
            if (types.length() > 0) types.append(',');
            types.append(nal.type());
        }
        return "AccessUnit[" + (keyframe ? "key, " : "") + "types=" + types + ", bytes=" + payloadSize + "]";
    }
}
