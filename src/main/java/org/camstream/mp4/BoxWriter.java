package org.camstream.mp4;

import org.camstream.codec.h264.NalUnit;

/**
 * Writes ISO BMFF boxes into one preallocated array: a box's size is patched in when it ends, so
 * nesting costs nothing. Big-endian throughout, as the format is.
 */
final class BoxWriter {
    private final byte[] buf;
    private int pos;

    BoxWriter(byte[] buf) {
        this.buf = buf;
    }

    static int fourcc(String type) {
        if (type.length() != 4) throw new IllegalArgumentException(type);
        return type.charAt(0) << 24 | type.charAt(1) << 16 | type.charAt(2) << 8 | type.charAt(3);
    }

    /** Starts a box; returns its offset, to pass to {@link #end(int)}. */
    int start(int type) {
        int at = pos;
        u32(0);
        u32(type);
        return at;
    }

    /** Starts a full box: version and 24 bits of flags after the type. */
    int startFull(int type, int version, int flags) {
        int at = start(type);
        u8(version);
        u24(flags);
        return at;
    }

    void end(int at) {
        int size = pos - at;
        buf[at] = (byte) (size >>> 24);
        buf[at + 1] = (byte) (size >>> 16);
        buf[at + 2] = (byte) (size >>> 8);
        buf[at + 3] = (byte) size;
    }

    BoxWriter u8(int v) {
        buf[pos++] = (byte) v;
        return this;
    }

    BoxWriter u16(int v) {
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    BoxWriter u24(int v) {
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    BoxWriter u32(long v) {
        buf[pos++] = (byte) (v >>> 24);
        buf[pos++] = (byte) (v >>> 16);
        buf[pos++] = (byte) (v >>> 8);
        buf[pos++] = (byte) v;
        return this;
    }

    BoxWriter u64(long v) {
        u32(v >>> 32);
        return u32(v);
    }

    BoxWriter zeros(int count) {
        // A fresh Java array is already zeroed, but the writer does not assume it was fresh.
        for (int i = 0; i < count; i++) buf[pos++] = 0;
        return this;
    }

    BoxWriter bytes(byte[] src) {
        System.arraycopy(src, 0, buf, pos, src.length);
        pos += src.length;
        return this;
    }

    BoxWriter nal(NalUnit nal) {
        pos = nal.copyTo(buf, pos);
        return this;
    }

    int position() {
        return pos;
    }
}
