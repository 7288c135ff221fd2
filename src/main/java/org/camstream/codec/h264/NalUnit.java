package org.camstream.codec.h264;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Objects;

/**
 * One H.264 NAL unit: its bytes without any start code or length prefix, so the first byte is the
 * NAL header. Immutable.
 *
 * <p>Parsers create a NAL unit as a view into an array they never touch again (several NAL units
 * of one access unit may share one array), so no bytes are copied twice. Callers outside this
 * package can only build one from a copy, and can only read the bytes through copies or a
 * read-only view.
 */
public final class NalUnit {
    public static final int UNSPECIFIED = 0;
    public static final int SLICE = 1;
    public static final int SLICE_DATA_PARTITION_A = 2;
    public static final int SLICE_DATA_PARTITION_B = 3;
    public static final int SLICE_DATA_PARTITION_C = 4;
    public static final int IDR = 5;
    public static final int SEI = 6;
    public static final int SPS = 7;
    public static final int PPS = 8;
    public static final int AUD = 9;
    public static final int END_OF_SEQUENCE = 10;
    public static final int END_OF_STREAM = 11;
    public static final int FILLER = 12;
    public static final int SPS_EXTENSION = 13;
    public static final int PREFIX = 14;
    public static final int SUBSET_SPS = 15;
    public static final int DEPTH_PARAMETER_SET = 16;
    public static final int SLICE_AUXILIARY = 19;
    public static final int SLICE_EXTENSION = 20;

    private final byte[] data;
    private final int offset;
    private final int length;

    private NalUnit(byte[] data, int offset, int length) {
        this.data = data;
        this.offset = offset;
        this.length = length;
    }

    /** Returns a NAL unit holding a copy of {@code bytes}, which start with the NAL header. */
    public static NalUnit of(byte[] bytes) {
        return of(bytes, 0, bytes.length);
    }

    /** Returns a NAL unit holding a copy of {@code bytes[offset..offset+length)}. */
    public static NalUnit of(byte[] bytes, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, bytes.length);
        if (length == 0) throw new IllegalArgumentException("a NAL unit has at least its header byte");
        return new NalUnit(Arrays.copyOfRange(bytes, offset, offset + length), 0, length);
    }

    /**
     * Wraps without copying. Only for arrays the caller hands over for good: nothing may write to
     * {@code data[offset..offset+length)} afterwards.
     */
    static NalUnit wrap(byte[] data, int offset, int length) {
        return new NalUnit(data, offset, length);
    }

    /** nal_unit_type: the low five bits of the header. */
    public int type() {
        return data[offset] & 0x1f;
    }

    /** nal_ref_idc: 0 means no other picture refers to this one. */
    public int refIdc() {
        return (data[offset] >> 5) & 0x03;
    }

    /** The number of bytes, header included. */
    public int size() {
        return length;
    }

    /** Byte {@code index} of the NAL unit; index 0 is the header. */
    public byte byteAt(int index) {
        Objects.checkIndex(index, length);
        return data[offset + index];
    }

    /** A coded slice of a picture (types 1 to 5), as opposed to parameter sets, SEI and so on. */
    public boolean isVcl() {
        int type = type();
        return type >= SLICE && type <= IDR;
    }

    public boolean isIdr() {
        return type() == IDR;
    }

    /** A read-only view of the bytes; position 0, limit {@link #size()}. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(data, offset, length).slice().asReadOnlyBuffer();
    }

    public byte[] toByteArray() {
        return Arrays.copyOfRange(data, offset, offset + length);
    }

    /** Copies all bytes into {@code dst} at {@code dstOffset}; returns the offset after them. */
    public int copyTo(byte[] dst, int dstOffset) {
        System.arraycopy(data, offset, dst, dstOffset, length);
        return dstOffset + length;
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(data, offset, length);
    }

    // Package-private access for readers in this package (BitReader), never handed out.
    byte[] array() {
        return data;
    }

    int arrayOffset() {
        return offset;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof NalUnit other
                && Arrays.equals(data, offset, offset + length, other.data, other.offset, other.offset + other.length);
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (int i = offset, end = offset + length; i < end; i++) h = 31 * h + data[i];
        return h;
    }

    @Override
    public String toString() {
        return "NalUnit[type=" + type() + ", size=" + length + "]";
    }
}
