package org.camstream.mp4;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * The part of a movie fragment before its sample data: the 'prft' boxes and the 'moof', a few hundred bytes,
 * copied so that a recording or a clip can move the fragment on its timeline without touching the shared bytes
 * of the pictures. Moving changes the times in place ('tfdt' and 'prft' media time, per track); the sizes stay,
 * so the fragment keeps its length.
 */
public final class FragmentHeader {

    private static final int PRFT = BoxWriter.fourcc("prft");
    private static final int MOOF = BoxWriter.fourcc("moof");
    private static final int TRAF = BoxWriter.fourcc("traf");
    private static final int TFHD = BoxWriter.fourcc("tfhd");
    private static final int TFDT = BoxWriter.fourcc("tfdt");
    private static final int TRUN = BoxWriter.fourcc("trun");
    private static final int MDAT = BoxWriter.fourcc("mdat");

    private final byte[] head;
    private final int mdatPayload;

    private FragmentHeader(byte[] head, int mdatPayload) {
        this.head = head;
        this.mdatPayload = mdatPayload;
    }

    /**
     * The header of the fragment in {@code bytes}: everything up to and including the 'mdat' box's own header.
     *
     * @throws IllegalArgumentException when the bytes are not a fragment of the kind {@link FragmentWriter} writes
     */
    public static FragmentHeader of(ByteBuffer bytes) {
        ByteBuffer b = bytes.duplicate();
        int start = b.position();
        int at = start;
        while (at + 8 <= b.limit()) {
            long size = Integer.toUnsignedLong(b.getInt(at));
            int type = b.getInt(at + 4);
            if (type == MDAT) {
                byte[] head = new byte[at + 8 - start];
                b.position(start);
                b.get(head);
                return new FragmentHeader(head, (int) (size - 8));
            }
            if (size < 8 || at + size > b.limit()) {
                break;
            }
            at += (int) size;
        }
        throw new IllegalArgumentException("not a movie fragment: no 'mdat' in " + (b.limit() - start) + " bytes");
    }

    /** The header's length in bytes; the sample data follows it in the fragment. */
    public int length() {
        return head.length;
    }

    /** The length of the sample data after the header. */
    public int payloadLength() {
        return mdatPayload;
    }

    /** The video track's decode time, from its 'tfdt'. */
    public long decodeTime(int trackId) {
        int tfdt = tfdt(trackId);
        return tfdt < 0 ? -1 : readTime(tfdt);
    }

    /**
     * Moves the track's times by {@code delta} (in the track's timescale): its 'tfdt', and the media time of its
     * 'prft'. A track the fragment does not carry is left as it is.
     */
    public void shift(int trackId, long delta) {
        int tfdt = tfdt(trackId);
        if (tfdt >= 0) {
            writeTime(tfdt, readTime(tfdt) + delta);
        }
        ByteBuffer b = ByteBuffer.wrap(head);
        for (int at = 0; at + 8 <= head.length; ) {
            int size = b.getInt(at);
            int type = b.getInt(at + 4);
            if (type == PRFT && b.get(at + 8) == 1 && b.getInt(at + 12) == trackId) {
                b.putLong(at + 24, b.getLong(at + 24) + delta);
            }
            if (type == MOOF || size < 8) {
                break;
            }
            at += size;
        }
    }

    /**
     * Makes room for {@code extra} bytes at the start of the video track's one sample (the parameter sets of a
     * picture whose track changed within a clip): the sample's size, the sample data after it, and the 'mdat' grow.
     * The caller writes the extra bytes right after this header, before the payload.
     */
    public void growVideoSample(int extra) {
        ByteBuffer b = ByteBuffer.wrap(head);
        int moof = find(b, 0, head.length, MOOF);
        int moofEnd = moof + b.getInt(moof);
        for (int traf = find(b, moof + 8, moofEnd, TRAF); traf >= 0;
                traf = find(b, traf + b.getInt(traf), moofEnd, TRAF)) {
            int trafEnd = traf + b.getInt(traf);
            int tfhd = find(b, traf + 8, trafEnd, TFHD);
            int trun = find(b, traf + 8, trafEnd, TRUN);
            if (tfhd < 0 || trun < 0) {
                continue;
            }
            int flags = b.getInt(trun + 8) & 0xFFFFFF;
            int at = trun + 16;
            if (b.getInt(tfhd + 12) == InitSegment.TRACK_ID) {
                if ((flags & 0x000200) == 0) {
                    throw new IllegalArgumentException("the video 'trun' gives no sample size");
                }
                at += (flags & 0x000001) != 0 ? 4 : 0;
                at += (flags & 0x000004) != 0 ? 4 : 0;
                at += (flags & 0x000100) != 0 ? 4 : 0;
                b.putInt(at, b.getInt(at) + extra);
            } else if ((flags & 0x000001) != 0) {
                b.putInt(at, b.getInt(at) + extra); // the other track's data follows the picture in 'mdat'
            }
        }
        int mdat = head.length - 8;
        b.putInt(mdat, b.getInt(mdat) + extra);
    }

    /** The bytes, as they are now. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(head).asReadOnlyBuffer();
    }

    public byte[] toByteArray() {
        return head.clone();
    }

    /** The offset of the 'tfdt' box of a track in the head, or -1. */
    private int tfdt(int trackId) {
        ByteBuffer b = ByteBuffer.wrap(head);
        int moof = find(b, 0, head.length, MOOF);
        if (moof < 0) {
            return -1;
        }
        int moofEnd = moof + b.getInt(moof);
        for (int traf = find(b, moof + 8, moofEnd, TRAF); traf >= 0;
                traf = find(b, traf + b.getInt(traf), moofEnd, TRAF)) {
            int trafEnd = traf + b.getInt(traf);
            int tfhd = find(b, traf + 8, trafEnd, TFHD);
            if (tfhd >= 0 && b.getInt(tfhd + 12) == trackId) {
                return find(b, traf + 8, trafEnd, TFDT);
            }
        }
        return -1;
    }

    private long readTime(int tfdt) {
        ByteBuffer b = ByteBuffer.wrap(head);
        return b.get(tfdt + 8) == 1 ? b.getLong(tfdt + 12) : Integer.toUnsignedLong(b.getInt(tfdt + 12));
    }

    private void writeTime(int tfdt, long time) {
        ByteBuffer b = ByteBuffer.wrap(head);
        if (b.get(tfdt + 8) == 1) {
            b.putLong(tfdt + 12, time);
        } else {
            b.putInt(tfdt + 12, (int) time);
        }
    }

    /** The first box of {@code type} in {@code [from, to)}, or -1. */
    private static int find(ByteBuffer b, int from, int to, int type) {
        for (int at = from; at + 8 <= to; ) {
            int size = b.getInt(at);
            if (b.getInt(at + 4) == type) {
                return at;
            }
            if (size < 8) {
                return -1;
            }
            at += size;
        }
        return -1;
    }

    @Override
    public String toString() {
        return "FragmentHeader[" + head.length + " bytes, payload " + mdatPayload + ", " + Arrays.hashCode(head) + "]";
    }
}
