package org.camstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.camstream.testing.FreePorts;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Debian's real Prometheus scrapes camstream's {@code /metrics}, and its HTTP API's query shows the camera's frame
 * counter rising while someone watches; {@code promtool check metrics} accepts the exposition. Once without a
 * token, once with a {@code metrics-token} that Prometheus sends from its scrape configuration's
 * {@code authorization}, while a job without it is refused.
 */
class PrometheusIT {

    private static final String TOKEN = "scrape-me-4f1c9a";
    private static final Duration DEADLINE = Duration.ofSeconds(60);

    @BeforeAll
    static void prometheusIsInstalled() {
        Prometheus.assumeInstalled();
    }

    private static String job(String name, TestServer server, String token) {
        return "  - job_name: " + name + "\n    metrics_path: /metrics\n"
                + "    static_configs:\n      - targets: ['127.0.0.1:" + server.port() + "']\n"
                + (token == null ? "" : "    authorization:\n      credentials: '" + token + "'\n");
    }

    @Test
    void prometheusSeesTheCamerasFramesRiseAndPromtoolAcceptsTheExposition() throws Exception {
        // Recording, sound and a relay that is not there, so that their families are scraped and checked too.
        String relay = "rtmp://127.0.0.1:" + FreePorts.tcp() + "/live/stream-key-9a7f";
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "10",
                "--record", "continuous", "--audio", "test", "--publish", relay);
                Watching viewer = Watching.h264(server);
                Prometheus prometheus = Prometheus.start(job("camstream", server, null))) {
            framesRise(prometheus, "camstream");
            assertEquals(1.0, Poll.until(DEADLINE, "the h264 viewer in Prometheus", () -> prometheus.value(
                    "camstream_stream_viewers{job=\"camstream\",camera=\"main\",format=\"h264\"}"), v -> v != null),
                    "the viewer the test holds: " + prometheus.targets());
            assertEquals(1.0, prometheus.value("camstream_camera_up{camera=\"main\"}"));
            assertEquals(1.0, prometheus.value("camstream_camera_state{camera=\"main\",state=\"running\"}"));
            Poll.until(DEADLINE, "the frame rate, from rate()", () -> prometheus.value(
                    "rate(camstream_camera_frames_total{camera=\"main\"}[5s])"), v -> v != null && v > 1);
            Poll.until(DEADLINE, "the recording's bytes", () -> prometheus.value(
                    "camstream_recording_written_bytes_total{camera=\"main\"}"), v -> v != null && v > 0);
            assertEquals(1.0, prometheus.value("camstream_recording_up{camera=\"main\"}"));
            assertTrue(prometheus.value("camstream_recordings_disk_free_bytes") > 0);
            assertTrue(prometheus.value("jvm_memory_used_bytes{job=\"camstream\",area=\"heap\"}") > 0);
            double level = Poll.until(DEADLINE, "the test tone's level", () -> prometheus.value(
                    "camstream_audio_level_dbfs{camera=\"main\"}"), v -> v != null);
            assertTrue(level < 0 && level > -60, "the tone is loud: " + level + " dBFS");
            assertEquals(1.0, prometheus.value("camstream_audio_up{camera=\"main\"}"));
            assertEquals(0.0, Poll.until(DEADLINE, "the relay that is not there", () -> prometheus.value(
                    "camstream_relay_up{camera=\"main\",relay=\"0\"}"), v -> v != null));
            java.util.List<java.util.Map<String, Object>> relays = prometheus.query("camstream_relay_info");
            assertEquals(1, relays.size(), relays.toString());
            assertFalse(relays.toString().contains("stream-key-9a7f"), "the stream key is masked: " + relays);

            HttpResponse<byte[]> metrics = server.get("/metrics");
            assertEquals(200, metrics.statusCode());
            Prometheus.Check check = Prometheus.check(metrics.body());
            assertEquals(0, check.exitStatus(), "promtool check metrics: " + check.output());
        }
    }

    @Test
    void withAMetricsTokenPrometheusScrapesWithItsCredentialsAndAJobWithoutThemIsRefused() throws Exception {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "10",
                "--metrics-token", TOKEN);
                Watching viewer = Watching.h264(server);
                Prometheus prometheus = Prometheus.start(job("camstream", server, TOKEN)
                        + job("camstream-without-token", server, null))) {
            framesRise(prometheus, "camstream");
            Poll.until(DEADLINE, "the job without the token to be scraped and refused",
                    () -> prometheus.value("up{job=\"camstream-without-token\"}"), v -> v != null && v == 0);
            String targets = prometheus.targets();
            assertTrue(targets.contains("401"), "Prometheus says why: " + targets);
            assertEquals(null, prometheus.value("camstream_camera_frames_total{job=\"camstream-without-token\"}"));

            HttpResponse<byte[]> metrics = server.send(HttpRequest.newBuilder(server.uri("/metrics"))
                    .header("Authorization", "Bearer " + TOKEN).build());
            assertEquals(200, metrics.statusCode());
            Prometheus.Check check = Prometheus.check(metrics.body());
            assertEquals(0, check.exitStatus(), "promtool check metrics: " + check.output());
        }
    }

    /** Polls the query API, no fixed sleeps, until the camera's frame counter is there and then higher. */
    private static void framesRise(Prometheus prometheus, String job) {
        String frames = "camstream_camera_frames_total{job=\"" + job + "\",camera=\"main\"}";
        try {
            double first = Poll.until(DEADLINE, frames + " above 0", () -> prometheus.value(frames),
                    v -> v != null && v > 0);
            Poll.until(DEADLINE, frames + " above " + first, () -> prometheus.value(frames),
                    v -> v != null && v > first);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "\ntargets: " + prometheus.targets() + "\nlog: "
                    + prometheus.log(), e);
        }
        assertEquals(1.0, prometheus.value("up{job=\"" + job + "\"}"));
    }

    /** A viewer of {@code /stream.h264} that reads and throws away what it gets, until closed. */
    static final class Watching implements AutoCloseable {
        private final InputStream body;
        private final Thread reader;

        private Watching(InputStream body) {
            this.body = body;
            this.reader = new Thread(() -> {
                byte[] buffer = new byte[64 * 1024];
                try {
                    while (body.read(buffer) >= 0) {
                        // thrown away
                    }
                } catch (IOException closed) {
                    // closed by the test
                }
            }, "metrics-test-viewer");
            reader.setDaemon(true);
            reader.start();
        }

        static Watching h264(TestServer server) throws IOException, InterruptedException {
            HttpResponse<InputStream> response = HttpClient.newHttpClient().send(
                    HttpRequest.newBuilder(server.uri("/stream.h264")).build(), HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode(), "/stream.h264");
            return new Watching(response.body());
        }

        @Override
        public void close() throws IOException {
            body.close();
        }
    }
}
