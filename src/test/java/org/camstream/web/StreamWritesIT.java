package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * How the HTTP streams reach the socket. At 2 fps a picture that waited in a buffer for the next one to push it
 * out would arrive half a second late; and a picture is one write per viewer, not one per 8 KB.
 */
class StreamWritesIT {

    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;
    /** Far below the 500 ms between pictures, far above what a busy machine adds. */
    private static final double LATE_MS = 250;

    @Test
    void mjpegPicturesArriveWholeAtOnceWithoutChunkedFraming() throws IOException {
        try (TestServer server = TestServer.start("--codec", "mjpeg", "--fps", "2", "--width", "1280", "--height", "720");
                Socket socket = new Socket("127.0.0.1", server.port())) {
            InputStream in = request(socket, "/stream.mjpeg");
            Map<String, String> head = readHead(in);
            assertEquals("close", head.get("connection"), "the stream ends with its connection");
            assertNull(head.get("transfer-encoding"), "no chunked framing around the pictures");
            List<Double> latencies = new ArrayList<>();
            for (int part = 0; part < 5; part++) {
                Map<String, String> headers = readHead(in);
                int length = Integer.parseInt(headers.get("content-length"));
                double captured = Double.parseDouble(headers.get("x-timestamp"));
                byte[] jpeg = in.readNBytes(length);
                double arrived = System.currentTimeMillis() / 1000.0;
                assertTrue(length > 20_000, "pictures larger than Tomcat's 8 KB buffer: " + length);
                assertEquals((byte) 0xD9, jpeg[length - 1], "a whole JPEG");
                assertEquals("", readLine(in), "the part's closing CRLF");
                if (part > 0) { // the first is the latest picture, offered on connecting: up to 500 ms old
                    latencies.add(1000 * (arrived - captured));
                }
            }
            for (double latency : latencies) {
                assertTrue(latency < LATE_MS, "each picture arrives whole when it is captured: " + latencies + " ms");
            }
        }
    }

    @Test
    void mp4FragmentsArriveWholeAtOnce() throws IOException {
        try (TestServer server = TestServer.start("--codec", "h264", "--fps", "2", "--width", "640", "--height", "360");
                Socket socket = new Socket("127.0.0.1", server.port())) {
            DataInputStream in = new DataInputStream(request(socket, "/stream.mp4"));
            Map<String, String> head = readHead(in);
            assertEquals("close", head.get("connection"));
            assertNull(head.get("transfer-encoding"));
            long connected = System.nanoTime();
            List<Double> latencies = new ArrayList<>();
            double captured = Double.NaN;
            while (latencies.size() < 4) {
                int size = in.readInt();
                String type = new String(in.readNBytes(4), StandardCharsets.US_ASCII);
                byte[] body = in.readNBytes(size - 8);
                if (type.equals("prft")) {
                    java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(body);
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
            List<Socket> sockets = new ArrayList<>();
            List<InputStream> streams = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    Socket socket = new Socket("127.0.0.1", server.port());
                    sockets.add(socket);
                    InputStream in = request(socket, "/stream.mjpeg");
                    readHead(in);
                    streams.add(in);
                }
                long pictures = 0;
                long writesBefore = writeCalls(io);
                long bytes = 0;
                for (int round = 0; round < 30; round++) { // about a second of pictures for each viewer
                    for (InputStream in : streams) {
                        Map<String, String> headers = readHead(in);
                        int length = Integer.parseInt(headers.get("content-length"));
                        bytes += in.readNBytes(length).length;
                        readLine(in);
                        pictures++;
                    }
                }
                long writes = writeCalls(io) - writesBefore;
                // This JVM's other writes (the log, the camera's pipe) are few; 8 KB pieces would be 10 per picture.
                assertTrue(writes < 2.0 * pictures, String.format(Locale.ROOT,
                        "%d write calls for %d pictures of %.0f KB on average", writes, pictures, bytes / 1024.0 / pictures));
            } finally {
                for (Socket socket : sockets) {
                    socket.close();
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

    private static InputStream request(Socket socket, String path) throws IOException {
        socket.setSoTimeout(10_000);
        socket.getOutputStream().write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        return new java.io.BufferedInputStream(socket.getInputStream());
    }

    /** Lines up to an empty one, as lower-case header names and values; a status line is kept under "". */
    private static Map<String, String> readHead(InputStream in) throws IOException {
        Map<String, String> headers = new LinkedHashMap<>();
        String line;
        while (!(line = readLine(in)).isEmpty() || headers.isEmpty()) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("HTTP/")) {
                headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
            } else if (!line.isEmpty()) {
                headers.put("", line);
            }
        }
        return headers;
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\n') {
            if (c < 0) {
                throw new IOException("the stream ended");
            }
            if (c != '\r') {
                line.append((char) c);
            }
        }
        return line.toString();
    }
}
