package org.camstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.camstream.testing.MediaTools;
import org.camstream.testing.NginxRtmp;
import org.camstream.testing.Poll;
import org.camstream.testing.StreamRecorder;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Publishing to a real relay: Debian's nginx with libnginx-mod-rtmp, started by the test on a free port.
 * The relay serves the stream back (read with ffprobe), goes away while camstream's own viewer watches, and
 * comes back, and publishing resumes by itself; the time that takes is printed as the republish time.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class PublishIT {

    private static final int WIDTH = 640;
    private static final int HEIGHT = 360;
    private static final int FPS = 30;
    private static final String PASSWORD = "Relay-Pa55word";
    private static final String KEY = "stream-key-0123456789";
    private static final String OTHER_KEY = "second-key-9876543210";
    /**
     * Short, so that the test does not wait out a real backoff. {@code -Dpublish.retry=5} measures the republish
     * time with the default instead.
     */
    private static final String RETRY = System.getProperty("publish.retry", "0.5");

    @TempDir
    Path dir;

    @BeforeAll
    static void needsNginx() {
        NginxRtmp.assumeInstalled();
    }

    @Test
    void publishesSurvivesTheRelayGoingAwayAndResumesByItself() throws Exception {
        try (NginxRtmp nginx = NginxRtmp.start(dir.resolve("nginx"))) {
            String url = nginx.url("live", KEY).replace("rtmp://", "rtmp://camstream:" + PASSWORD + "@");
            String shown = "rtmp://camstream:***@127.0.0.1:" + nginx.port() + "/live/***";
            try (TestServer server = TestServer.start("--width", String.valueOf(WIDTH), "--height",
                    String.valueOf(HEIGHT), "--fps", String.valueOf(FPS), "--idle-stop", "0.5",
                    "--publish", url, "--publish-retry", RETRY)) {

                // Published with nobody watching camstream itself: the publisher's lease runs the camera.
                Map<String, Object> first = Poll.until(Duration.ofSeconds(30), "publishing to nginx",
                        () -> publisher(server), p -> "publishing".equals(p.get("state")) && number(p, "frames") > 0);
                assertEquals(shown, first.get("url"));
                assertEquals("flv", first.get("format"));
                assertReadBack(nginx.url("live", KEY));
                Map<String, Object> publishing = Poll.until(Duration.ofSeconds(10), "a bitrate",
                        () -> publisher(server), p -> number(p, "bitrate") > 0);
                assertEquals(WIDTH, number(publishing, "width"));
                Map<String, Object> camera = server.camera();
                assertEquals("running", camera.get("state"), "the camera runs for the relay alone");
                assertNoSecrets(server);

                try (StreamRecorder viewer = StreamRecorder.h264(server.port())) {
                    Poll.until(Duration.ofSeconds(15), "the H.264 viewer's first second", () -> viewer.pictures() > FPS);

                    // The relay goes away. The viewer goes on at the full rate while the publisher retries.
                    long restartsBefore = number(publisher(server), "restarts");
                    nginx.stop();
                    long downAt = System.nanoTime();
                    long picturesAtDown = viewer.pictures();
                    Map<String, Object> failing = Poll.until(Duration.ofSeconds(60),
                            "five failed attempts to reach the stopped relay", () -> publisher(server),
                            p -> p.get("lastError") != null && number(p, "restarts") >= restartsBefore + 5);
                    double seconds = (System.nanoTime() - downAt) / 1e9;
                    double rate = (viewer.pictures() - picturesAtDown) / seconds;
                    System.out.printf("Viewer rate while the relay was away: %.1f fps over %.1f s (camera %d fps)%n",
                            rate, seconds, FPS);
                    assertTrue(rate >= 0.8 * FPS, "the viewer slowed down to " + rate + " fps while the relay was away");
                    assertTrue(viewer.longGaps().isEmpty(), "the viewer stalled: " + viewer.longGaps());
                    String error = (String) failing.get("lastError");
                    assertTrue(error.contains("ffmpeg exited with status"), error);
                    assertNotNull(failing.get("lastErrorAt"));
                    assertTrue(List.of("retrying", "starting").contains(failing.get("state")), failing.toString());
                    assertNoSecrets(server);

                    // The relay comes back on the same port: publishing resumes by itself.
                    nginx.startAgain();
                    long upAt = System.nanoTime();
                    Poll.until(Duration.ofSeconds(40), "publishing to resume", () -> publisher(server),
                            p -> "publishing".equals(p.get("state")));
                    long republishMillis = (System.nanoTime() - upAt) / 1_000_000;
                    System.out.printf("Republish time: %d ms from nginx accepting connections again to the first"
                            + " frames reaching it (publish-retry %s s, down %.1f s)%n", republishMillis, RETRY,
                            (upAt - downAt) / 1e9);
                    assertTrue(republishMillis < 5_000 + 1000 * Double.parseDouble(RETRY),
                            "republishing took " + republishMillis + " ms");
                    assertReadBack(nginx.url("live", KEY));
                    assertTrue(viewer.pictures() > picturesAtDown + FPS, "the viewer is still receiving");
                    assertEquals(null, viewer.failure());
                }

                // A new relay through the settings API applies at once, and the camera does not restart for it.
                Map<String, Object> cameraBefore = server.camera();
                HttpResponse<byte[]> put = server.send(server.asAdmin("/api/config")
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString(JSON.std.asString(
                                Map.of("publish", nginx.url("other", OTHER_KEY))))).build());
                assertEquals(200, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
                @SuppressWarnings("unchecked")
                Map<String, Object> masked = (Map<String, Object>) JSON.std.mapFrom(put.body()).get("masked");
                assertEquals("rtmp://127.0.0.1:" + nginx.port() + "/other/***", masked.get("publish"),
                        "the page is given the relays masked");
                Poll.until(Duration.ofSeconds(20), "publishing to the new relay", () -> publisher(server),
                        p -> ("rtmp://127.0.0.1:" + nginx.port() + "/other/***").equals(p.get("url"))
                                && "publishing".equals(p.get("state")));
                assertReadBack(nginx.url("other", OTHER_KEY));
                Map<String, Object> cameraAfter = server.camera();
                assertEquals(cameraBefore.get("since"), cameraAfter.get("since"), "the camera was restarted");
                assertEquals(cameraBefore.get("restarts"), cameraAfter.get("restarts"));

                // A new picture size is a new stream for the relay: the publisher starts again on the new track.
                HttpResponse<byte[]> resized = server.send(server.asAdmin("/api/config")
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"width\":480,\"height\":270}")).build());
                assertEquals(200, resized.statusCode(), new String(resized.body(), StandardCharsets.UTF_8));
                Poll.until(Duration.ofSeconds(30), "publishing at the new size", () -> publisher(server),
                        p -> "publishing".equals(p.get("state")) && number(p, "width") == 480);
                assertReadBack(nginx.url("other", OTHER_KEY), 480, 270);

                HttpResponse<byte[]> refused = server.send(server.asAdmin("/api/config")
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"publish\":\"http://relay/live/x\"}")).build());
                assertEquals(400, refused.statusCode());
                Map<String, Object> problem = JSON.std.mapFrom(refused.body());
                assertEquals("publish", problem.get("field"));
            }
            Poll.until(Duration.ofSeconds(15), "every ffmpeg to end with the server",
                    () -> TestServer.ffmpegProcesses().isEmpty());
        }
    }

    @Test
    void anMjpegCameraIsPublishedThroughTheTranscoderItKeepsRunning() throws Exception {
        try (NginxRtmp nginx = NginxRtmp.start(dir.resolve("nginx"));
                TestServer server = TestServer.start("--codec", "mjpeg", "--width", String.valueOf(WIDTH), "--height",
                        String.valueOf(HEIGHT), "--fps", "15", "--idle-stop", "0.5", "--publish",
                        nginx.url("live", KEY))) {
            Poll.until(Duration.ofSeconds(30), "publishing the transcoded H.264", () -> publisher(server),
                    p -> "publishing".equals(p.get("state")));
            assertReadBack(nginx.url("live", KEY));
            @SuppressWarnings("unchecked")
            Map<String, Object> transcoder = (Map<String, Object>) server.status().get("transcoder");
            assertEquals("running", transcoder.get("state"), "the relay's lease keeps the transcoder running");
        }
        Poll.until(Duration.ofSeconds(15), "every ffmpeg to end with the server",
                () -> TestServer.ffmpegProcesses().isEmpty());
    }

    /** The relay serves what camstream publishes: H.264 at the camera's size. */
    private static void assertReadBack(String url) throws Exception {
        assertReadBack(url, WIDTH, HEIGHT);
    }

    private static void assertReadBack(String url, int width, int height) throws Exception {
        String json = MediaTools.ffprobe("-rw_timeout", "15000000", "-analyzeduration", "1000000",
                "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "json", url);
        @SuppressWarnings("unchecked")
        Map<String, Object> stream = ((List<Map<String, Object>>) JSON.std.mapFrom(json).get("streams")).get(0);
        assertEquals("h264", stream.get("codec_name"));
        assertEquals(width, ((Number) stream.get("width")).intValue());
        assertEquals(height, ((Number) stream.get("height")).intValue());
    }

    private static void assertNoSecrets(TestServer server) {
        String status = new String(server.get("/api/status").body(), StandardCharsets.UTF_8);
        assertFalse(status.contains(PASSWORD), "the status shows the password: " + status);
        assertFalse(status.contains(KEY), "the status shows the stream key: " + status);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> publisher(TestServer server) {
        List<Map<String, Object>> publish = (List<Map<String, Object>>) server.status().get("publish");
        assertEquals(1, publish.size(), publish.toString());
        return publish.get(0);
    }

    private static long number(Map<String, Object> map, String key) {
        Object value = map.get(key);
        return value instanceof Number n ? n.longValue() : -1;
    }
}
