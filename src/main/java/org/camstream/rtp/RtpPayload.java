package org.camstream.rtp;

import java.nio.ByteBuffer;
import java.util.Objects;

/**
 * One RTP packet without the fields that differ between clients: its track, marker bit and timestamp (on the
 * track's clock, before a client's random offset), and the payload. The payload is a slice of the one array
 * its picture's packets were written into, shared read-only by every client; a client sends its own
 * {@link #writeHeader 12-byte header} and then the payload, in one gathering write.
 *
 * <p>Immutable.
 */
public final class RtpPayload {
    /** An RTP header without CSRCs or extension: what {@link #writeHeader} writes. */
    public static final int HEADER_SIZE = 12;
    private static final int VERSION_2 = 0x80;

    private final RtpTrack track;
    private final boolean marker;
    private final long timestamp;
    private final byte[] bytes;
    private final int offset;
    private final int length;

    /** Takes {@code bytes[offset..offset+length)} as the payload, without copying: nothing may write there again. */
    RtpPayload(RtpTrack track, boolean marker, long timestamp, byte[] bytes, int offset, int length) {
        this.track = Objects.requireNonNull(track, "track");
        Objects.checkFromIndexSize(offset, length, bytes.length);
        this.marker = marker;
        this.timestamp = timestamp;
        this.bytes = bytes;
        this.offset = offset;
        this.length = length;
    }

    public RtpTrack track() {
        return track;
    }

    public int payloadType() {
        return track.payloadType();
    }

    /** For video, the last packet of a picture; for sound, a packet that ends an AAC frame. */
    public boolean marker() {
        return marker;
    }

    /** The timestamp on the track's clock (90 kHz, or the sample rate), before a client's offset. */
    public long timestamp() {
        return timestamp;
    }

    /** The payload's size in bytes, without the header. */
    public int size() {
        return length;
    }

    /**
     * A read-only view of the payload, of its own, so that clients sending the same packet at once do not
     * move each other's position. No bytes are copied.
     */
    public ByteBuffer payload() {
        return ByteBuffer.wrap(bytes, offset, length).slice().asReadOnlyBuffer();
    }

    /**
     * Writes this packet's RTP header (RFC 3550 5.1: version 2, no padding, extension or CSRC) for one client
     * at {@code dst}'s position, and moves the position past it. Byte by byte, so the buffer's byte order does
     * not matter.
     *
     * @param sequenceNumber the client's sequence number for this packet; its low 16 bits are sent
     * @param timestampOffset the client's random offset; the timestamp sent is {@code (timestamp +
     *     timestampOffset) mod 2^32}
     * @throws java.nio.BufferOverflowException with fewer than {@link #HEADER_SIZE} bytes remaining
     */
    public void writeHeader(ByteBuffer dst, int sequenceNumber, long timestampOffset, int ssrc) {
        if (dst.remaining() < HEADER_SIZE) throw new java.nio.BufferOverflowException();
        int rtpTimestamp = (int) (timestamp + timestampOffset);
        dst.put((byte) VERSION_2);
        dst.put((byte) ((marker ? 0x80 : 0) | track.payloadType()));
        dst.put((byte) (sequenceNumber >>> 8)).put((byte) sequenceNumber);
        putInt(dst, rtpTimestamp);
        putInt(dst, ssrc);
    }

    private static void putInt(ByteBuffer dst, int v) {
        dst.put((byte) (v >>> 24)).put((byte) (v >>> 16)).put((byte) (v >>> 8)).put((byte) v);
    }

    /** The array the payload lives in: the tests check that every client's packets come from the same one. */
    byte[] sharedArray() {
        return bytes;
    }

    @Override
    public String toString() {
        return "RtpPayload[" + track + ", ts=" + timestamp + (marker ? ", marker" : "") + ", " + length + " bytes]";
    }
}
