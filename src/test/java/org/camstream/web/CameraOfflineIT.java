package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import javax.imageio.ImageIO;
import org.camstream.testing.FakeRpicam;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.camstream.testing.VideoSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A camera that fails, as a viewer sees it: streams answer at once; MJPEG and stills viewers see a
 * placeholder once a second that says why, and the camera again when it is back; the snapshot is a 503 with
 * Retry-After, never a placeholder; the status says since when and why. The camera is the fake rpicam-vid,
 * told to fail by a control file.
 */
class CameraOfflineIT {

    @RegisterExtension
    final FakeRpicam rpicam = new FakeRpicam();
    private final Path control = rpicam.control();

    @Test
    void jpegViewersSeeWhyTheCameraIsOfflineAndThenTheCameraAgain() throws Exception {
        Path broken = Files.createFile(control.resolve("broken"));
        try (TestServer server = TestServer.start("--source", "rpicam", "--codec", "mjpeg", "--width", "640",
                "--height", "480")) {
            long asked = System.nanoTime();
            try (MjpegClient mjpeg = MjpegClient.open(server.port(), "/stream.mjpeg");
                    MjpegClient stills = MjpegClient.open(server.port(), "/stream.jpg?fps=2")) {
                assertTrue(System.nanoTime() - asked < 3_000_000_000L, "the headers came at once");
                assertEquals(200, mjpeg.status());

                MjpegClient.Part first = mjpeg.next();
                MjpegClient.Part second = mjpeg.next();
                for (MjpegClient.Part part : new MjpegClient.Part[] {first, second, stills.next()}) {
                    assertEquals("camera offline", part.headers().get("x-camstream-placeholder"));
                    BufferedImage picture = ImageIO.read(new ByteArrayInputStream(part.body()));
                    assertEquals(640, picture.getWidth(), "at the stream's size");
                    assertEquals(480, picture.getHeight());
                }
                double gap = second.timestamp() - first.timestamp();
                assertTrue(gap > 0.6 && gap < 1.8, "once a second, got " + gap + " s between placeholders");

                Map<String, Object> camera = server.camera();
                assertEquals("restarting", camera.get("state"));
                assertTrue(String.valueOf(camera.get("lastError")).contains("sensor stopped answering"),
                        String.valueOf(camera.get("lastError")));
                Instant since = Instant.parse((String) camera.get("since"));
                assertTrue(since.isBefore(Instant.now().plusSeconds(1)));
                assertNotNull(camera.get("lastErrorAt"));
                assertNotNull(camera.get("retryAt"));

                HttpResponse<byte[]> snapshot = server.get("/snapshot.jpg");
                assertEquals(503, snapshot.statusCode(), "a snapshot is never a placeholder");
                assertTrue(snapshot.headers().firstValue("content-type").orElse("").startsWith("application/json"));
                int retryAfter = Integer.parseInt(snapshot.headers().firstValue("retry-after").orElseThrow());
                assertTrue(retryAfter >= 1 && retryAfter <= 30, "Retry-After " + retryAfter);
                Map<String, Object> body = JSON.std.mapFrom(snapshot.body());
                assertEquals(503, ((Number) body.get("status")).intValue());
                assertTrue(String.valueOf(body.get("error")).contains("sensor stopped answering"), body.toString());
                HttpResponse<byte[]> head = server.send(HttpRequest.newBuilder(server.uri("/snapshot.jpg"))
                        .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
                assertEquals(503, head.statusCode());

                Files.delete(broken);
                MjpegClient.Part live = Poll.until(Duration.ofSeconds(25), "a camera picture on the same connection",
                        () -> next(mjpeg), part -> !part.headers().containsKey("x-camstream-placeholder"));
                BufferedImage picture = ImageIO.read(new ByteArrayInputStream(live.body()));
                assertEquals(640, picture.getWidth());
                MjpegClient.Part liveStill = Poll.until(Duration.ofSeconds(10), "a camera picture in the stills",
                        () -> next(stills), part -> !part.headers().containsKey("x-camstream-placeholder"));
                assertNotNull(liveStill);

                camera = server.camera();
                assertEquals("running", camera.get("state"));
                assertNull(camera.get("lastError"), "the trouble is over");
                assertTrue(String.valueOf(camera.get("previousError")).contains("sensor stopped answering"));
                assertEquals(200, server.get("/snapshot.jpg").statusCode());
            }
        }
    }

    @Test
    void videoViewersGetTheirHeadersAtOnceAndWordsInsteadOfPictures() throws Exception {
        Files.createFile(control.resolve("broken"));
        try (TestServer server = TestServer.start("--source", "rpicam", "--width", "640", "--height", "480")) {
            long asked = System.nanoTime();
            try (MjpegClient h264 = MjpegClient.open(server.port(), "/stream.h264");
                    MjpegClient mp4 = MjpegClient.open(server.port(), "/stream.mp4");
                    VideoSocketClient ws = VideoSocketClient.connect(server.port(), null)) {
                assertTrue(System.nanoTime() - asked < 3_000_000_000L, "the headers came at once");
                assertEquals(200, h264.status());
                assertEquals("video/h264", h264.headers().get("content-type"));
                assertEquals(200, mp4.status());
                Poll.until(Duration.ofSeconds(10), "the camera to fail", () -> "restarting".equals(
                        server.camera().get("state")));
                h264.socket().setSoTimeout(1_500);
                assertNoBytes(h264.body());

                VideoSocketClient.Message message = ws.next(10);
                while (!message.isText() || !message.text().contains("\"status\"")) {
                    message = ws.next(10);
                }
                Map<String, Object> status = JSON.std.mapFrom(message.text());
                assertEquals("restarting", status.get("state"));
                assertTrue(String.valueOf(status.get("lastError")).contains("sensor stopped answering"));
                assertNotNull(status.get("since"));
                assertNotNull(status.get("retryAt"));
            }
        }
    }

    private static MjpegClient.Part next(MjpegClient client) {
        try {
            return client.next();
        } catch (IOException e) {
            throw new AssertionError("the viewer's stream broke: " + e, e);
        }
    }

    /** Nothing arrives: a raw H.264 viewer is never sent a made-up picture. */
    private static void assertNoBytes(InputStream body) throws IOException {
        try {
            int b = body.read();
            assertFalse(b >= 0, "a byte arrived while the camera was offline");
        } catch (java.net.SocketTimeoutException e) {
            // nothing within the timeout, as it should be
        }
    }
}
