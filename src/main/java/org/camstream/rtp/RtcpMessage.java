package org.camstream.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * What a client sent on a track's RTCP channel, read without trusting a byte of it: the types of the packets
 * in the compound packet (receiver reports, a BYE when it leaves, feedback), and the SSRC of the first.
 * Anything that is not a well-formed compound packet (RFC 3550 6.1 and A.2: every packet version 2, of an
 * RTCP type, and their lengths adding up to the datagram's) is {@link #NOT_RTCP}; reading never throws.
 *
 * <p>Immutable.
 */
public final class RtcpMessage {
    public static final int SR = 200;
    public static final int RR = 201;
    public static final int SDES = 202;
    public static final int BYE = 203;
    public static final int APP = 204;

    /** A compound packet holding more is still read through, but only this many types are kept. */
    static final int MAX_TYPES = 16;
    /** What garbage, an RTP packet or a truncated compound packet reads as. */
    public static final RtcpMessage NOT_RTCP = new RtcpMessage(List.of(), false, -1);

    private final List<Integer> types;
    private final boolean bye;
    private final long ssrc;

    private RtcpMessage(List<Integer> types, boolean bye, long ssrc) {
        this.types = types;
        this.bye = bye;
        this.ssrc = ssrc;
    }

    /** Reads the bytes from {@code bytes}' position to its limit, without moving the position. */
    public static RtcpMessage read(ByteBuffer bytes) {
        int start = bytes.position();
        int end = bytes.limit();
        if (end - start < 4) return NOT_RTCP;
        List<Integer> types = new ArrayList<>(2);
        boolean bye = false;
        long ssrc = -1;
        int at = start;
        while (at < end) {
            if (end - at < 4) return NOT_RTCP;
            int first = bytes.get(at) & 0xff;
            int type = bytes.get(at + 1) & 0xff;
            // Types 192 to 223 are RTCP's (RFC 5761 4): RTP payload types 64 to 95 with the marker bit, which
            // no RTP stream may use, so an RTP packet sent here is told apart by this.
            if (first >>> 6 != 2 || type < 192 || type > 223) return NOT_RTCP;
            int size = (((bytes.get(at + 2) & 0xff) << 8 | (bytes.get(at + 3) & 0xff)) + 1) * 4;
            if (size > end - at) return NOT_RTCP;
            boolean padded = (first & 0x20) != 0;
            if (padded && at + size != end) return NOT_RTCP; // only the last packet may be padded
            if (types.size() < MAX_TYPES) types.add(type);
            bye |= type == BYE;
            if (ssrc < 0 && size >= 8 && (type != BYE || (first & 0x1f) > 0)) {
                ssrc = (long) (bytes.get(at + 4) & 0xff) << 24 | (bytes.get(at + 5) & 0xff) << 16
                        | (bytes.get(at + 6) & 0xff) << 8 | (bytes.get(at + 7) & 0xff);
            }
            at += size;
        }
        return new RtcpMessage(List.copyOf(types), bye, ssrc);
    }

    public boolean isRtcp() {
        return !types.isEmpty();
    }

    /** Whether the client said goodbye (RFC 3550 6.6): it leaves, and its session can end now. */
    public boolean hasBye() {
        return bye;
    }

    /** Whether a packet of {@code type} ({@link #RR}, {@link #BYE}, ...) is among the first {@value #MAX_TYPES}. */
    public boolean has(int type) {
        return types.contains(type);
    }

    /** The packet types, in order; at most {@value #MAX_TYPES}. */
    public List<Integer> types() {
        return types;
    }

    /** The first packet's SSRC, the sender's own, as an unsigned value; -1 when it names none. */
    public long ssrc() {
        return ssrc;
    }

    @Override
    public String toString() {
        return isRtcp() ? "RtcpMessage" + types : "RtcpMessage[not RTCP]";
    }
}
