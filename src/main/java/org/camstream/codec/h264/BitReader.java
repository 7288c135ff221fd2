package org.camstream.codec.h264;

import java.util.Objects;

/**
 * Reads the bits of an RBSP out of NAL unit bytes, dropping emulation prevention bytes (the
 * {@code 03} of {@code 00 00 03}) on the fly, so a NAL unit is never unescaped into a copy.
 *
 * <p>Not thread-safe; cheap to create (no buffers of its own).
 */
public final class BitReader {
    private final byte[] data;
    private final int end;
    private int pos; // index of the next byte to load
    private int zeros; // consecutive 0x00 bytes just loaded, to spot emulation prevention
    private int current; // the byte being read, already unescaped
    private int bitsLeft; // unread bits of current
    private long bitsRead;

    public BitReader(byte[] data, int offset, int length) {
        Objects.checkFromIndexSize(offset, length, data.length);
        this.data = data;
        this.pos = offset;
        this.end = offset + length;
    }

    /** A reader of the RBSP of {@code nal}: everything after its one-byte header. */
    public static BitReader ofPayload(NalUnit nal) {
        return new BitReader(nal.array(), nal.arrayOffset() + 1, nal.size() - 1);
    }

    /** u(n): the next {@code n} bits as an unsigned number; {@code 0 <= n <= 31}. */
    public int u(int n) throws BitstreamException {
        if (n < 0 || n > 31) throw new IllegalArgumentException("n = " + n);
        int value = 0;
        while (n > 0) {
            if (bitsLeft == 0) load(n);
            int take = Math.min(n, bitsLeft);
            int shift = bitsLeft - take;
            value = (value << take) | ((current >> shift) & ((1 << take) - 1));
            bitsLeft -= take;
            n -= take;
            bitsRead += take;
        }
        return value;
    }

    /** u(32), which does not fit an int. */
    public long u32() throws BitstreamException {
        return ((long) u(16) << 16) | u(16);
    }

    /** u(1) as a boolean. */
    public boolean flag() throws BitstreamException {
        return u(1) == 1;
    }

    /** ue(v), for elements that the standard bounds below 2^31 - 1. */
    public int ue() throws BitstreamException {
        long value = ueLong();
        if (value > Integer.MAX_VALUE) throw new BitstreamException("ue(v) too large: " + value);
        return (int) value;
    }

    /** ue(v) over its whole range, up to 2^32 - 2. */
    public long ueLong() throws BitstreamException {
        int leadingZeros = 0;
        while (u(1) == 0) {
            // 32 or more leading zeros give values no syntax element may take.
            if (++leadingZeros > 31) throw new BitstreamException("ue(v) with more than 31 leading zero bits");
        }
        return (1L << leadingZeros) - 1 + u(leadingZeros);
    }

    /** se(v): ue(v) mapped 0, 1, -1, 2, -2 ... */
    public int se() throws BitstreamException {
        long k = ueLong();
        long value = (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
        if (value > Integer.MAX_VALUE || value < Integer.MIN_VALUE) {
            throw new BitstreamException("se(v) out of range: " + value);
        }
        return (int) value;
    }

    /** Skips {@code n} bits. */
    public void skip(long n) throws BitstreamException {
        while (n > 0) {
            int step = (int) Math.min(n, 31);
            u(step);
            n -= step;
        }
    }

    /** Bits consumed so far, not counting emulation prevention bytes. */
    public long bitsRead() {
        return bitsRead;
    }

    public boolean isByteAligned() {
        return bitsLeft == 0;
    }

    private void load(int wanted) throws BitstreamException {
        if (pos >= end) {
            throw new BitstreamException("out of data: needed " + wanted + " more bits after bit " + bitsRead);
        }
        int b = data[pos++] & 0xff;
        if (zeros >= 2 && b == 0x03) {
            zeros = 0;
            if (pos >= end) {
                // A trailing 03 after 00 00 is legal (cabac_zero_word); it still carries no bits.
                throw new BitstreamException("out of data: needed " + wanted + " more bits after bit " + bitsRead);
            }
            b = data[pos++] & 0xff;
        }
        zeros = b == 0 ? zeros + 1 : 0;
        current = b;
        bitsLeft = 8;
    }
}
