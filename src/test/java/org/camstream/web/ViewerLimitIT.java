package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.StreamRecorder;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/** {@code max-viewers}: one stream more is a 503 with Retry-After, and the viewers inside are untouched. */
class ViewerLimitIT {

    @Test
    void streamsOverTheLimitAreRefusedAndTheViewersInsideGoOn() throws Exception {
        try (TestServer server = TestServer.start("--max-viewers", "3", "--width", "640", "--height", "360");
                StreamRecorder mjpeg = StreamRecorder.multipart(server.port(), "/stream.mjpeg");
                StreamRecorder h264 = StreamRecorder.h264(server.port());
                StreamRecorder ws = StreamRecorder.webSocket(server.port())) {
            List<StreamRecorder> inside = List.of(mjpeg, h264, ws);
            Poll.until(Duration.ofSeconds(20), "the three viewers' pictures", () -> inside.stream()
                    .allMatch(v -> v.pictures() > 3));

            for (String path : List.of("/stream.mjpeg", "/stream.jpg?fps=1", "/stream.h264", "/stream.mp4")) {
                try (MjpegClient refused = MjpegClient.open(server.port(), path)) {
                    assertEquals(503, refused.status(), path);
                    assertEquals("10", refused.headers().get("retry-after"), path);
                    assertEquals("close", refused.headers().get("connection"), path);
                    assertTrue(refused.headers().get("content-type").startsWith("application/json"), path);
                    byte[] body = refused.body().readNBytes(Integer.parseInt(refused.headers().get("content-length")));
                    Map<String, Object> error = JSON.std.mapFrom(body);
                    assertEquals(503, ((Number) error.get("status")).intValue());
                    assertTrue(String.valueOf(error.get("error")).contains("max-viewers"), error.toString());
                }
            }
            CompletionException refusedSocket = org.junit.jupiter.api.Assertions.assertThrows(CompletionException.class,
                    () -> HttpClient.newHttpClient().newWebSocketBuilder()
                            .buildAsync(URI.create("ws://127.0.0.1:" + server.port() + "/ws/video"),
                                    new WebSocket.Listener() { })
                            .join());
            WebSocketHandshakeException handshake = (WebSocketHandshakeException) refusedSocket.getCause();
            assertEquals(503, handshake.getResponse().statusCode());

            assertEquals(200, server.get("/snapshot.jpg").statusCode(), "a live snapshot needs no place");
            assertEquals(200, server.get("/api/status").statusCode());
            @SuppressWarnings("unchecked")
            Map<String, Object> limits = (Map<String, Object>) server.status().get("limits");
            assertEquals(3, ((Number) limits.get("maxViewers")).intValue());
            assertEquals(3, ((Number) limits.get("admittedViewers")).intValue());

            long[] before = inside.stream().mapToLong(StreamRecorder::pictures).toArray();
            Poll.until(Duration.ofSeconds(10), "the viewers inside to go on", () -> mjpeg.pictures() > before[0] + 10
                    && h264.pictures() > before[1] + 10 && ws.pictures() > before[2] + 10);
            for (StreamRecorder viewer : inside) {
                assertEquals(null, viewer.failure(), viewer.name());
            }

            mjpeg.close();
            HttpResponse<byte[]> admitted = Poll.until(Duration.ofSeconds(10), "a place to come free",
                    () -> server.get("/stream.jpg?fps=abc"), r -> true);
            assertEquals(400, admitted.statusCode(), "a bad request is answered before it takes a place");
            try (MjpegClient next = Poll.until(Duration.ofSeconds(10), "the freed place to be taken",
                    () -> open(server, "/stream.mjpeg"), c -> c.status() == 200)) {
                assertTrue(next.next().body().length > 0);
            }
        }
    }

    private static MjpegClient open(TestServer server, String path) {
        try {
            MjpegClient client = MjpegClient.open(server.port(), path);
            if (client.status() != 200) {
                client.close();
            }
            return client;
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
