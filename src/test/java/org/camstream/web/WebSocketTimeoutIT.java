package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import org.camstream.testing.LogCapture;
import org.camstream.testing.Poll;
import org.camstream.testing.StreamRecorder;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket client that never reads: once a send to it has not completed within the viewer-timeout, it
 * is closed and forgotten, while a viewer that reads goes on.
 */
class WebSocketTimeoutIT {

    @Test
    void aClientThatNeverReadsIsClosedAfterTheTimeout() throws Exception {
        try (LogCapture log = new LogCapture();
                TestServer server = TestServer.start("--viewer-timeout", "2", "--bitrate", "20M");
                StreamRecorder reading = StreamRecorder.webSocket(server.port());
                Socket deaf = new Socket()) {
            deaf.setReceiveBufferSize(4096);
            deaf.connect(new InetSocketAddress("127.0.0.1", server.port()), 5000);
            OutputStream out = deaf.getOutputStream();
            out.write(("GET /ws/video HTTP/1.1\r\nHost: 127.0.0.1:" + server.port() + "\r\nUpgrade: websocket\r\n"
                    + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII))
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = deaf.getInputStream();
            String response = new String(in.readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 101", response, "the handshake succeeds; from here on the client reads nothing");

            Poll.until(Duration.ofSeconds(10), "both WebSocket viewers to be counted", () -> wsViewers(server) == 2);
            long opened = System.nanoTime();
            Poll.until(Duration.ofSeconds(60), "the deaf viewer to be closed", () -> wsViewers(server) == 1);
            double after = (System.nanoTime() - opened) / 1e9;
            assertTrue(log.lines().stream().anyMatch(l -> l.contains("send did not complete in 2.0 s")),
                    "closed for its send timeout, after " + after + " s");

            long before = reading.pictures();
            Poll.until(Duration.ofSeconds(10), "the reading viewer to go on", () -> reading.pictures() > before + 30);
            assertNull(reading.failure());
        }
    }

    @SuppressWarnings("unchecked")
    private static int wsViewers(TestServer server) {
        return ((Number) ((Map<String, Object>) server.status().get("viewers")).get("ws")).intValue();
    }
}
