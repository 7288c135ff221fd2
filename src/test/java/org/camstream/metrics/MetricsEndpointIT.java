package org.camstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Who may read {@code /metrics}: anyone by default; with a {@code metrics-token}, only a request that brings it
 * (a {@code 401} otherwise); with {@code viewer-auth}, the viewer login, or the token when one is set.
 */
class MetricsEndpointIT {

    private static final String TOKEN = "t0ken-for-the-scraper";
    private static final String VIEWER = "Basic " + Base64.getEncoder().encodeToString(
            "grandma:birdbox".getBytes(StandardCharsets.UTF_8));

    private static HttpResponse<byte[]> get(TestServer server, String path, String authorization) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return server.send(request.build());
    }

    @Test
    void withoutSettingsAnyoneReadsThem() {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240")) {
            HttpResponse<byte[]> metrics = server.get("/metrics");
            assertEquals(200, metrics.statusCode());
            assertEquals("text/plain;version=0.0.4;charset=utf-8",
                    metrics.headers().firstValue("content-type").orElse("").replace(" ", ""),
                    "Prometheus's text format");
            assertTrue(metrics.headers().firstValue("cache-control").orElse("").contains("no-store"));
            String body = new String(metrics.body(), StandardCharsets.UTF_8);
            Exposition e = new Exposition(body);
            assertEquals(0, e.value("camstream_camera_up", "camera", "main"));
            assertEquals("counter", e.types.get("camstream_camera_frames_total"));
            assertEquals(0, e.value("camstream_stream_viewers", "camera", "main", "format", "rtsp"),
                    "the RTSP server's clients too");
            assertEquals(1, new Exposition(new String(server.get("/metrics").body(), StandardCharsets.UTF_8))
                    .value("camstream_camera_state", "camera", "main", "state", "idle"), "a scrape starts no camera");
            assertEquals(0, e.value("camstream_stream_viewers", "camera", "main", "format", "hls"));

            // An HLS player: its first playlist request makes it one, and the camera runs for it.
            assertEquals(200, server.get("/hls/index.m3u8").statusCode());
            Exposition playing = new Exposition(new String(server.get("/metrics").body(), StandardCharsets.UTF_8));
            assertEquals(1, playing.value("camstream_stream_viewers", "camera", "main", "format", "hls"),
                    "the HLS player counts among the viewers");
            assertEquals(1, playing.value("camstream_camera_up", "camera", "main"));
            assertTrue(playing.value("camstream_hls_requests_total", "camera", "main", "kind", "playlist") >= 1);
        }
    }

    @Test
    void withATokenOnlyARequestThatBringsItReadsThem() {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--metrics-token", TOKEN)) {
            HttpResponse<byte[]> anonymous = server.get("/metrics");
            assertEquals(401, anonymous.statusCode());
            assertEquals(Optional.of("Bearer realm=\"camstream metrics\""),
                    anonymous.headers().firstValue("www-authenticate"));
            assertTrue(new String(anonymous.body(), StandardCharsets.UTF_8).contains("metrics-token"));
            assertFalse(new String(anonymous.body(), StandardCharsets.UTF_8).contains(TOKEN), "never the token");
            assertEquals(401, get(server, "/metrics", "Bearer wrong-token").statusCode());
            assertEquals(401, get(server, "/metrics", "Bearer " + TOKEN + "x").statusCode());
            assertEquals(401, server.get("/metrics?token=wrong").statusCode());
            assertEquals(401, get(server, "/metrics", VIEWER).statusCode(), "no viewer login without viewer-auth");

            assertEquals(200, get(server, "/metrics", "Bearer " + TOKEN).statusCode());
            assertEquals(200, get(server, "/metrics", "bearer " + TOKEN).statusCode(), "the scheme has no case");
            assertEquals(200, server.get("/metrics?token=" + TOKEN).statusCode());
            assertEquals(200, server.get("/api/status").statusCode(), "the token guards the metrics only");
            assertFalse(new String(server.get("/api/status").body(), StandardCharsets.UTF_8).contains(TOKEN));
        }
    }

    @Test
    void withTheViewerLoginTheyNeedIt() {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--viewer-auth",
                "--viewer-user", "grandma", "--viewer-password", "birdbox")) {
            HttpResponse<byte[]> anonymous = server.get("/metrics");
            assertEquals(401, anonymous.statusCode());
            assertTrue(anonymous.headers().firstValue("www-authenticate").orElse("").startsWith("Basic"),
                    "the container's login challenge: " + anonymous.headers().map());
            assertEquals(401, get(server, "/metrics", "Bearer " + TOKEN).statusCode(), "no token is set");
            assertEquals(200, get(server, "/metrics", VIEWER).statusCode());
            assertEquals(200, server.send(server.asAdmin("/metrics").build()).statusCode(), "the admin may too");
        }
    }

    @Test
    void withTheViewerLoginAndATokenEitherWill() {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--viewer-auth",
                "--viewer-user", "grandma", "--viewer-password", "birdbox", "--metrics-token", TOKEN)) {
            assertEquals(401, server.get("/metrics").statusCode());
            assertEquals(401, get(server, "/metrics", "Bearer nope").statusCode());
            assertEquals(200, get(server, "/metrics", "Bearer " + TOKEN).statusCode());
            assertEquals(200, server.get("/metrics?token=" + TOKEN).statusCode());
            assertEquals(200, get(server, "/metrics", VIEWER).statusCode());
            assertEquals(401, get(server, "/snapshot.jpg", "Bearer " + TOKEN).statusCode(),
                    "the token opens the metrics, not the streams");
        }
    }
}
