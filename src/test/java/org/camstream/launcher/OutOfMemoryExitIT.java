package org.camstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.camstream.launcher.ConnectionFlood.Kind;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.camstream.testing.WarProcess;

/**
 * When the heap runs out, {@code java -jar camstream.war} exits, with status 3 and a line that says why, so that
 * systemd's Restart=on-failure starts it again, instead of staying alive with a dead acceptor. The exhaustion is
 * real: the server runs with a heap far below what its connection limits are sized for (16 MB instead of 64 MB,
 * and without -XX:+ExitOnOutOfMemoryError), and WebSocket viewers are opened until it gives: at about 43 KB each
 * they are the dearest connection (an MJPEG viewer costs about 10 KB, and 360 of them fit in 16 MB).
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class OutOfMemoryExitIT {

    @Test
    void runningOutOfHeapEndsTheProcess() throws Exception {
        WarProcess server = WarProcess.start(List.of("-Xmx16m", "-XX:+UseSerialGC", "-Xss256k"), "--width", "640",
                "--height", "360", "--max-viewers", "1000");
        String webSocket = "GET /ws/video HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: b29tLWV4aXQtdGVzdDEyMw==\r\n"
                + "Origin: http://127.0.0.1:" + server.port() + "\r\n\r\n";
        Process process = server.process();
        try (ConnectionFlood flood = new ConnectionFlood(server.port(), 0)) {
            flood.openRaw(Kind.READER, 1, webSocket);
            long camera = Poll.until(Duration.ofSeconds(30), "the camera process", () -> cameraPid(server),
                    pid -> pid > 0);
            ProcessHandle ffmpeg = ProcessHandle.of(camera).orElseThrow();

            // Viewers, and more whenever the server has closed some, until the process is gone.
            Poll.until(Duration.ofSeconds(150), "the server to run out of heap and exit", () -> {
                flood.checkHealthy();
                if (process.isAlive() && flood.open(Kind.READER) + flood.notConnected(Kind.READER) < 450) {
                    try {
                        flood.openRaw(Kind.READER, 50, webSocket);
                    } catch (java.io.IOException e) {
                        // no more sockets for now; the next round tries again
                    }
                }
                return !process.isAlive();
            });
            String log = server.log();
            System.out.println(log.lines().filter(l -> l.startsWith("camstream: terminating")).findFirst()
                    .orElse("(no termination line)"));
            assertEquals(Main.EXIT_ON_VM_ERROR, process.exitValue(), "the exit status; the log:\n" + log);
            assertTrue(log.contains("camstream: terminating the JVM after a fatal error")
                    && log.contains("java.lang.OutOfMemoryError"), "the log says why:\n" + log);
            // The camera process does not outlive the JVM: its connection to it is gone.
            Poll.until(Duration.ofSeconds(20), "the camera process " + camera + " to end", () -> !ffmpeg.isAlive());
        } finally {
            server.close();
        }
    }

    private static long cameraPid(WarProcess server) {
        try {
            Map<String, Object> status = JSON.std.mapFrom(server.get("/api/status"));
            Object pid = ((Map<?, ?>) status.get("camera")).get("pid");
            return Optional.ofNullable((Number) pid).map(Number::longValue).orElse(0L);
        } catch (java.io.IOException e) {
            return 0;
        }
    }
}
