package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * How the HTTP streams reach the socket. At 2 fps a picture that waited in a buffer for the next one to push it
 * out would arrive half a second late; a picture is one write per viewer, not one per 8 KB; and the shared
 * transcoder hands a picture on as soon as it is encoded.
 */
class StreamWritesIT {

    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    /** Far below the 500 ms between pictures, far above what a busy machine adds. */
    private static final double LATE_MS = 250;

    @Test
    void mjpegPicturesArriveWholeAtOnceWithoutChunkedFraming() throws IOException {
        try (TestServer server = TestServer.start("--codec", "mjpeg", "--fps", "2", "--width", "1280", "--height", "720");
                MjpegClient client = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            assertEquals("close", client.headers().get("connection"), "the stream ends with its connection");
            assertNull(client.headers().get("transfer-encoding"), "no chunked framing around the pictures");
            client.next(); // the latest picture, offered on connecting: up to 500 ms old
            List<Double> latencies = latencies(client, 4);
            for (double latency : latencies) {
                assertTrue(latency < LATE_MS, "each picture arrives whole when it is captured: " + latencies + " ms");
            }
        }
    }

    @Test
    void transcodedPicturesAreNotHeldBackByTheEncoder() throws IOException {
        // At 5 fps every picture an encoder's frame threads held back would add 200 ms.
        try (TestServer server = TestServer.start("--codec", "h264", "--fps", "5", "--width", "1280", "--height", "720");
                MjpegClient client = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            Poll.until(Duration.ofSeconds(20), "a transcoded picture", () -> {
                try {
                    return client.next() != null;
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            client.next();
            List<Double> latencies = latencies(client, 5);
            latencies.sort(null);
            double median = latencies.get(latencies.size() / 2);
            assertTrue(median < 150, "decoding and encoding again take a few ms, not pictures: " + latencies + " ms");
        }
    }

    /** The next {@code count} pictures' capture-to-arrival times, in ms. */
    private static List<Double> latencies(MjpegClient client, int count) throws IOException {
        List<Double> latencies = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            MjpegClient.Part part = client.next();
            double arrivedMs = System.currentTimeMillis() - (System.nanoTime() - part.receivedNanos()) / 1e6;
            assertTrue(part.body().length > 0 && part.body()[part.body().length - 1] == (byte) 0xD9, "a whole JPEG");
            latencies.add(arrivedMs - 1000 * part.timestamp());
        }
        return latencies;
    }

    @Test
    void mp4FragmentsArriveWholeAtOnce() throws IOException {
        try (TestServer server = TestServer.start("--codec", "h264", "--fps", "2", "--width", "640", "--height", "360");
                MjpegClient client = MjpegClient.open(server.port(), "/stream.mp4")) {
            assertEquals("close", client.headers().get("connection"));
            assertNull(client.headers().get("transfer-encoding"));
            DataInputStream in = new DataInputStream(client.body());
            long connected = System.nanoTime();
            List<Double> latencies = new ArrayList<>();
            double captured = Double.NaN;
            while (latencies.size() < 4) {
                int size = in.readInt();
                String type = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
                byte[] body = in.readNBytes(size - 8);
                if (type.equals("prft")) {
                    ByteBuffer b = ByteBuffer.wrap(body);
                    long seconds = b.getInt(8) & 0xFFFFFFFFL;
                    long fraction = b.getInt(12) & 0xFFFFFFFFL;
                    captured = (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000.0 + fraction * 1000.0 / 4294967296.0;
                } else if (type.equals("mdat") && System.nanoTime() - connected > 1_500_000_000L) {
                    latencies.add(System.currentTimeMillis() - captured); // the cached GOP came first, all at once
                }
            }
            for (double latency : latencies) {
                assertTrue(latency < LATE_MS, "each fragment arrives whole when it is captured: " + latencies + " ms");
            }
        }
    }

    @Test
    void aPictureIsOneWritePerViewer() throws Exception {
        Path io = Path.of("/proc/self/io");
        try (TestServer server = TestServer.start("--codec", "mjpeg", "--width", "1280", "--height", "720")) {
            List<MjpegClient> viewers = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    viewers.add(MjpegClient.open(server.port(), "/stream.mjpeg"));
                }
                long pictures = 0;
                long bytes = 0;
                long writesBefore = writeCalls(io);
                for (int round = 0; round < 30; round++) { // about a second of pictures for each viewer
                    for (MjpegClient viewer : viewers) {
                        bytes += viewer.next().body().length;
                        pictures++;
                    }
                }
                long writes = writeCalls(io) - writesBefore;
                // This JVM's other writes (the log, the camera's pipe) are few; 8 KB pieces would be 5 or more.
                assertTrue(writes < 2.0 * pictures, String.format(Locale.ROOT,
                        "%d write calls for %d pictures of %.0f KB on average", writes, pictures, bytes / 1024.0 / pictures));
            } finally {
                for (MjpegClient viewer : viewers) {
                    viewer.close();
                }
            }
        }
    }

    /** Write system calls of this process so far (the server runs in it). */
    private static long writeCalls(Path io) throws IOException {
        for (String line : Files.readAllLines(io)) {
            if (line.startsWith("syscw:")) {
                return Long.parseLong(line.substring(6).trim());
            }
        }
        throw new IOException("no syscw in " + io);
    }
}
