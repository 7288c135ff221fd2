package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.camstream.testing.Poll;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 1000 viewers come and go across every format, a third of them leaving with a TCP reset, some before the
 * first byte. Afterwards the server's threads and file descriptors are back where they were, within a few,
 * and its heap after a full collection has not grown. The server runs from the WAR with a 64 MB heap.
 */
class ChurnIT {

    private static final int CYCLES = 1000;
    private static final int AT_ONCE = 8;
    private static final List<String> KINDS = List.of("mjpeg", "stills", "h264", "mp4", "ws", "snapshot", "status");

    @TempDir
    Path dataDir;

    @Test
    void athousandViewersComeAndGoAndLeaveNothingBehind() throws Exception {
        try (WarProcess server = WarProcess.start(dataDir, "--width", "640", "--height", "360", "--bitrate", "800k",
                "--idle-stop", "120")) {
            churn(server, 140); // every kind of viewer once at this concurrency: pools and caches reach their size
            settle(server);
            int threads = server.threads();
            Map<String, Integer> names = server.threadNames();
            int fds = server.fileDescriptors();
            long heap = server.heapAfterGc();

            AtomicInteger completed = churn(server, CYCLES);
            assertEquals(CYCLES, completed.get(), "every cycle got its answer");
            settle(server);
            int threadsAfter = server.threads();
            int fdsAfter = server.fileDescriptors();
            long heapAfter = server.heapAfterGc();
            String figures = String.format("threads %d -> %d, file descriptors %d -> %d, heap after GC %.1f -> %.1f MB",
                    threads, threadsAfter, fds, fdsAfter, heap / 1e6, heapAfter / 1e6);
            if (Math.abs(threadsAfter - threads) > 4) {
                figures += "; Java threads before " + names + ", after " + server.threadNames();
            }
            System.out.println("Churn of " + CYCLES + " viewers: " + figures);
            assertTrue(Math.abs(threadsAfter - threads) <= 4, figures);
            assertTrue(Math.abs(fdsAfter - fds) <= 4, figures);
            assertTrue(heapAfter - heap < 3_000_000, figures);
            assertTrue(server.process().isAlive());
        }
    }

    /**
     * Waits until the server counts no viewer, and until Tomcat's WebSocket timer threads, which it replaces
     * each time the last WebSocket closes and which end within a second of being told to, have ended.
     */
    @SuppressWarnings("unchecked")
    private static void settle(WarProcess server) {
        Poll.until(Duration.ofSeconds(30), "every viewer to be gone", () -> {
            Map<String, Object> viewers = (Map<String, Object>) server.status().get("viewers");
            return viewers.values().stream().mapToInt(v -> ((Number) v).intValue()).sum() == 0;
        });
        Poll.until(Duration.ofSeconds(30), "Tomcat's stopping WebSocket timers to end", () -> {
            try {
                return server.threadNames().keySet().stream().noneMatch(n -> n.endsWith("- stopping"));
            } catch (IOException | InterruptedException e) {
                throw new AssertionError(e);
            }
        });
    }

    private static AtomicInteger churn(WarProcess server, int cycles) throws Exception {
        AtomicInteger completed = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(AT_ONCE);
        try {
            List<Future<?>> results = new ArrayList<>();
            for (int i = 0; i < cycles; i++) {
                int cycle = i;
                results.add(pool.submit(() -> {
                    cycle(server.port(), KINDS.get(cycle % KINDS.size()), cycle);
                    completed.incrementAndGet();
                    return null;
                }));
            }
            for (Future<?> result : results) {
                result.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        return completed;
    }

    /** One viewer: connects, reads a little of its format, and leaves, every third one with a reset. */
    private static void cycle(int port, String kind, int number) throws IOException {
        boolean reset = number % 3 == 0;
        boolean early = number % 10 == 7; // leaves right after asking, before any answer
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            OutputStream out = socket.getOutputStream();
            out.write(request(kind, port).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (early) {
                return;
            }
            InputStream in = socket.getInputStream();
            String statusLine = readLine(in);
            if (!statusLine.startsWith("HTTP/1.1 200") && !statusLine.startsWith("HTTP/1.1 101")) {
                throw new IOException(kind + " answered " + statusLine);
            }
            int want = switch (kind) {
                case "status", "snapshot" -> 100;
                default -> 16 * 1024;
            };
            byte[] buffer = new byte[8192];
            int got = 0;
            while (got < want) {
                int n = in.read(buffer, 0, Math.min(buffer.length, want - got));
                if (n < 0) {
                    break;
                }
                got += n;
            }
        }
    }

    private static String request(String kind, int port) {
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        return switch (kind) {
            case "mjpeg" -> "GET /stream.mjpeg HTTP/1.1\r\n" + host + "\r\n";
            case "stills" -> "GET /stream.jpg?fps=5 HTTP/1.1\r\n" + host + "\r\n";
            case "h264" -> "GET /stream.h264 HTTP/1.1\r\n" + host + "\r\n";
            case "mp4" -> "GET /stream.mp4 HTTP/1.1\r\n" + host + "\r\n";
            case "snapshot" -> "GET /snapshot.jpg HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
            case "status" -> "GET /api/status HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
            case "ws" -> "GET /ws/video HTTP/1.1\r\n" + host + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII))
                    + "\r\n\r\n";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
