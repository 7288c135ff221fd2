package org.camstream.rtsp;

import java.net.InetSocketAddress;
import org.camstream.rtp.RtpStream;
import org.camstream.rtp.RtpTime;
import org.camstream.rtp.RtpTrack;

/**
 * One track of one session as it goes out: how (its {@link Transport}, and for UDP the client's two ports), its
 * own {@link RtpStream} (SSRC, sequence, timestamp offset, counts), the last moment sent, for the sender
 * reports, and the packets a full UDP socket dropped. Changed on the server's thread only.
 */
final class TrackOut {

    private final RtpTrack track;
    private final Transport transport;
    private final RtpStream stream;
    private final InetSocketAddress rtpTarget;
    private final InetSocketAddress rtcpTarget;
    private final int firstSequence;
    private volatile long dropped;
    private RtpTime latest;
    private long lastReportNanos;
    private boolean reported;

    TrackOut(RtpTrack track, Transport transport, RtpStream stream, InetSocketAddress client) {
        this.track = track;
        this.transport = transport;
        this.stream = stream;
        this.firstSequence = stream.nextSequence();
        this.rtpTarget = transport.tcp() ? null : new InetSocketAddress(client.getAddress(), transport.rtp());
        this.rtcpTarget = transport.tcp() ? null : new InetSocketAddress(client.getAddress(), transport.rtcp());
    }

    RtpTrack track() {
        return track;
    }

    Transport transport() {
        return transport;
    }

    RtpStream stream() {
        return stream;
    }

    InetSocketAddress rtpTarget() {
        return rtpTarget;
    }

    InetSocketAddress rtcpTarget() {
        return rtcpTarget;
    }

    int firstSequence() {
        return firstSequence;
    }

    void dropped() {
        dropped++;
    }

    long droppedPackets() {
        return dropped;
    }

    void sent(RtpTime time) {
        if (time != null) {
            latest = time;
        }
    }

    /** The last moment sent, or null before the first packet. */
    RtpTime latest() {
        return latest;
    }

    /** A report is due every {@code intervalNanos}, and at once after the first packets. */
    boolean reportDue(long nowNanos, long intervalNanos) {
        return latest != null && (!reported || nowNanos - lastReportNanos >= intervalNanos);
    }

    void reported(long nowNanos) {
        reported = true;
        lastReportNanos = nowNanos;
    }
}
