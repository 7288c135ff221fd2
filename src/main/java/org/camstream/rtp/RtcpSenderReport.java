package org.camstream.rtp;

import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.camstream.mp4.NtpTime;

/**
 * An RTCP compound packet a sender sends now and then on each track (RFC 3550 6.4.1 and 6.5): a sender report
 * (SR), which ties the track's RTP clock to the wall clock and states what was sent, and a source description
 * (SDES) with the CNAME, which every compound packet must carry, and by which a client tells that the video
 * and the audio stream come from one source.
 *
 * @param epochMicros the wall-clock time of the report, sent as a 64-bit NTP timestamp
 * @param rtpTimestamp the same moment on the track's clock, as the client's packets carry it (low 32 bits)
 * @param packetCount RTP packets sent so far (low 32 bits)
 * @param octetCount payload bytes sent so far, headers not counted (low 32 bits)
 * @param cname 1 to 255 printable ASCII characters, the same for both tracks of a camera
 */
public record RtcpSenderReport(int ssrc, long epochMicros, long rtpTimestamp, long packetCount, long octetCount,
        String cname) {

    public static final int SR = 200;
    public static final int SDES = 202;
    /** SDES item type of the canonical name. */
    static final int CNAME = 1;
    private static final int SR_SIZE = 28;

    public RtcpSenderReport {
        if (cname.isEmpty() || cname.length() > 255 || !cname.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw new IllegalArgumentException("a CNAME has 1 to 255 printable ASCII characters");
        }
    }

    /** The compound packet's size in bytes: the SR, and the SDES padded to a multiple of four. */
    public int size() {
        return SR_SIZE + sdesSize(cname.length());
    }

    private static int sdesSize(int cnameLength) {
        // Header, then one chunk: the SSRC, the CNAME item (type, length, text), and the null octet that
        // ends the chunk's items, padded to the next 32-bit boundary.
        return 4 + 4 + ((2 + cnameLength + 1 + 3) & ~3);
    }

    /** Writes the compound packet at {@code dst}'s position and moves it on; the byte order does not matter. */
    public void writeTo(ByteBuffer dst) {
        if (dst.remaining() < size()) throw new BufferOverflowException();
        long ntp = NtpTime.fromEpochMicros(epochMicros);
        dst.put((byte) 0x80).put((byte) SR); // version 2, no padding, no reception report blocks
        putShort(dst, SR_SIZE / 4 - 1); // length in 32-bit words, minus one
        putInt(dst, ssrc);
        putInt(dst, (int) (ntp >>> 32));
        putInt(dst, (int) ntp);
        putInt(dst, (int) rtpTimestamp);
        putInt(dst, (int) packetCount);
        putInt(dst, (int) octetCount);

        int sdes = sdesSize(cname.length());
        dst.put((byte) 0x81).put((byte) SDES); // version 2, one chunk
        putShort(dst, sdes / 4 - 1);
        putInt(dst, ssrc);
        dst.put((byte) CNAME).put((byte) cname.length());
        dst.put(cname.getBytes(StandardCharsets.US_ASCII));
        for (int pad = sdes - 8 - 2 - cname.length(); pad > 0; pad--) {
            dst.put((byte) 0);
        }
    }

    /** The compound packet in a buffer of its own, ready to send. */
    public ByteBuffer toByteBuffer() {
        ByteBuffer bytes = ByteBuffer.allocate(size());
        writeTo(bytes);
        return bytes.flip();
    }

    private static void putShort(ByteBuffer dst, int v) {
        dst.put((byte) (v >>> 8)).put((byte) v);
    }

    private static void putInt(ByteBuffer dst, int v) {
        dst.put((byte) (v >>> 24)).put((byte) (v >>> 16)).put((byte) (v >>> 8)).put((byte) v);
    }
}
