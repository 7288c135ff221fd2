package org.camstream.rtsp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;

/**
 * The server's one pair of UDP ports, RTP on an even port and RTCP on the next, from which every UDP client's
 * packets go out, and on which their receiver reports come in. A packet is sent without waiting: when the
 * socket's buffer is full it is dropped and counted, as a network would drop it.
 */
final class UdpPorts implements AutoCloseable {

    /** The largest datagram sent: the payload limit plus the RTP header, well under any path MTU. */
    static final int MAX_DATAGRAM = 1500;
    private static final int SEND_BUFFER = 1 << 20;

    private final DatagramChannel rtp;
    private final DatagramChannel rtcp;
    private final int rtpPort;
    private final ByteBuffer scratch = ByteBuffer.allocateDirect(64 * 1024);
    private final ByteBuffer incoming = ByteBuffer.allocate(MAX_DATAGRAM);

    private UdpPorts(DatagramChannel rtp, DatagramChannel rtcp, int rtpPort) {
        this.rtp = rtp;
        this.rtcp = rtcp;
        this.rtpPort = rtpPort;
    }

    /** Binds {@code port} and {@code port + 1} on every interface; {@code port} must be even. */
    static UdpPorts bind(String host, int port) throws IOException {
        DatagramChannel rtp = DatagramChannel.open();
        DatagramChannel rtcp = null;
        try {
            rtp.setOption(StandardSocketOptions.SO_SNDBUF, SEND_BUFFER);
            rtp.bind(new InetSocketAddress(host, port));
            rtcp = DatagramChannel.open();
            rtcp.bind(new InetSocketAddress(host, port + 1));
            rtp.configureBlocking(false);
            rtcp.configureBlocking(false);
            return new UdpPorts(rtp, rtcp, port);
        } catch (IOException | RuntimeException e) {
            rtp.close();
            if (rtcp != null) {
                rtcp.close();
            }
            throw e;
        }
    }

    void register(Selector selector) throws IOException {
        rtp.register(selector, SelectionKey.OP_READ, this);
        rtcp.register(selector, SelectionKey.OP_READ, this);
    }

    int rtpPort() {
        return rtpPort;
    }

    /** Sends header + payload as one datagram from the RTP port; false when it had to be dropped. */
    boolean sendRtp(ByteBuffer header, ByteBuffer payload, InetSocketAddress to) {
        return send(rtp, header, payload, to);
    }

    boolean sendRtcp(ByteBuffer packet, InetSocketAddress to) {
        return send(rtcp, packet, null, to);
    }

    private boolean send(DatagramChannel channel, ByteBuffer first, ByteBuffer second, InetSocketAddress to) {
        scratch.clear();
        scratch.put(first);
        if (second != null) {
            scratch.put(second);
        }
        scratch.flip();
        try {
            return channel.send(scratch, to) > 0;
        } catch (IOException e) {
            return false; // an unreachable port, a route gone: the datagram is lost, as UDP loses it
        }
    }

    /** Where the next waiting receiver report came from, or null when none waits; its bytes are dropped. */
    InetSocketAddress receive(boolean fromRtcp) {
        incoming.clear();
        try {
            return (InetSocketAddress) (fromRtcp ? rtcp : rtp).receive(incoming);
        } catch (IOException e) {
            return null;
        }
    }

    boolean isRtcp(java.nio.channels.SelectableChannel channel) {
        return channel == rtcp;
    }

    @Override
    public void close() {
        try {
            rtp.close();
        } catch (IOException ignored) {
            // closing
        }
        try {
            rtcp.close();
        } catch (IOException ignored) {
            // closing
        }
    }
}
