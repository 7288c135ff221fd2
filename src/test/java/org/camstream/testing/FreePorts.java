package org.camstream.testing;

import java.io.IOException;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Ports nobody listens on now, for the servers a test starts: a TCP one, and an even UDP pair for RTP and RTCP. */
public final class FreePorts {

    private FreePorts() {
    }

    public static int tcp() {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** An even port whose next is free too, both for UDP. */
    public static int udpPair() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (DatagramSocket any = new DatagramSocket(0)) {
                int port = any.getLocalPort() & ~1;
                if (port < 1024) {
                    continue;
                }
                any.close();
                try (DatagramSocket rtp = new DatagramSocket(new InetSocketAddress(port));
                        DatagramSocket rtcp = new DatagramSocket(new InetSocketAddress(port + 1))) {
                    return port;
                } catch (IOException taken) {
                    // try another
                }
            } catch (IOException e) {
                throw new AssertionError(e);
            }
        }
        throw new AssertionError("no free pair of UDP ports");
    }
}
