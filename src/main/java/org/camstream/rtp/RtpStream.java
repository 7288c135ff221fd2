package org.camstream.rtp;

import java.nio.ByteBuffer;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one client's RTP stream of one track has of its own: its SSRC, its next sequence number and its
 * timestamp offset (RFC 3550 5.1 wants both to start at random values), and the counts its sender reports
 * state. Everything else of a packet is the shared {@link RtpPayload}.
 *
 * <p>Not thread-safe: one client's sender writes its headers and reports, one at a time.
 */
public final class RtpStream {
    private static final long MASK_32 = 0xffff_ffffL;

    private final int ssrc;
    private final long timestampOffset;
    private int sequence;
    private long packets;
    private long octets;

    /**
     * @param firstSequence the first packet's sequence number (its low 16 bits)
     * @param timestampOffset added to every timestamp before it is sent (its low 32 bits count)
     */
    public RtpStream(int ssrc, int firstSequence, long timestampOffset) {
        this.ssrc = ssrc;
        this.sequence = firstSequence & 0xffff;
        this.timestampOffset = timestampOffset & MASK_32;
    }

    /** A stream with a random SSRC, first sequence number and timestamp offset. */
    public static RtpStream random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new RtpStream(random.nextInt(), random.nextInt(), random.nextInt());
    }

    public int ssrc() {
        return ssrc;
    }

    /** The sequence number the next packet gets: what an RTSP PLAY answer's RTP-Info states as {@code seq}. */
    public int nextSequence() {
        return sequence;
    }

    public long timestampOffset() {
        return timestampOffset;
    }

    /**
     * The timestamp this client's packets carry for {@code timestamp} on the track's clock, as an unsigned
     * 32-bit value: what RTP-Info states as {@code rtptime}, and what a sender report states.
     */
    public long rtpTimestamp(long timestamp) {
        return (timestamp + timestampOffset) & MASK_32;
    }

    /**
     * Writes {@code packet}'s header for this client at {@code dst}'s position, moving it on, and counts the
     * packet as sent: the caller sends the header and then {@link RtpPayload#payload()}.
     */
    public void writeHeader(ByteBuffer dst, RtpPayload packet) {
        packet.writeHeader(dst, sequence, timestampOffset, ssrc);
        sequence = (sequence + 1) & 0xffff;
        packets++;
        octets += packet.size();
    }

    /** RTP packets this stream has written headers for. */
    public long packets() {
        return packets;
    }

    /** Payload bytes of those packets, headers not counted (RFC 3550 6.4.1). */
    public long octets() {
        return octets;
    }

    /**
     * This stream's sender report at {@code nowEpochMicros}, with the RTP timestamp of that moment
     * extrapolated from {@code latest} (the track's last picture or sound sent).
     */
    public RtcpSenderReport senderReport(RtpTime latest, long nowEpochMicros, String cname) {
        return new RtcpSenderReport(ssrc, nowEpochMicros, rtpTimestamp(latest.timestampAt(nowEpochMicros)), packets,
                octets, cname);
    }
}
