package org.camstream.rtp;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;

/** Loopback UDP ports for RTP: an even one free with the odd one after it for RTCP, as RFC 3550 11 pairs them. */
final class UdpPorts {
    private UdpPorts() {}

    /** An even port that is free, with the next one free too, bound for the moment by nothing. */
    static int freePair() {
        for (int attempt = 0; attempt < 100; attempt++) {
            int port;
            try (DatagramChannel probe = bind(0)) {
                port = ((InetSocketAddress) probe.getLocalAddress()).getPort() & ~1;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            if (port < 1024 || port > 65_532) continue;
            try (DatagramChannel rtp = bind(port); DatagramChannel rtcp = bind(port + 1)) {
                return port;
            } catch (IOException taken) {
                // the pair is not free; try another
            }
        }
        throw new AssertionError("no free pair of UDP ports");
    }

    static DatagramChannel bind(int port) throws IOException {
        return DatagramChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    }

    /** Whether a process here has a UDP socket bound to {@code port}, from the kernel's table (Linux). */
    static boolean bound(int port) {
        String local = String.format(Locale.ROOT, ":%04X ", port);
        try {
            for (String line : Files.readAllLines(Path.of("/proc/net/udp"))) {
                String[] fields = line.trim().split("\\s+");
                if (fields.length > 1 && (fields[1] + " ").endsWith(local)) return true;
            }
            return false;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
