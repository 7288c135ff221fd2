package org.camstream.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The one camera process: started by viewers, restarted when it dies, stopped when nobody watches or the server
 * ends. The camera encodes JPEG here, so that JPEG viewers need no transcoder and the camera is the only process.
 */
class CameraSupervisionIT {

    @AfterEach
    void noCameraProcessOutlivesATest() {
        Poll.until(Duration.ofSeconds(10), "no ffmpeg left running", () -> TestServer.ffmpegProcesses().isEmpty());
    }

    @Test
    void aCrashedCameraIsRestartedAndViewersKeepReceiving() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg", "--width", "640", "--height", "360");
                MjpegClient viewer = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            viewer.next();
            List<ProcessHandle> before = TestServer.ffmpegProcesses();
            assertEquals(1, before.size());
            before.get(0).destroyForcibly();
            double killedAt = System.currentTimeMillis() / 1000.0;

            // Frames captured after the crash reach the same connection.
            MjpegClient.Part part;
            do {
                part = viewer.next();
            } while (part.timestamp() < killedAt + 0.5);

            Map<String, Object> camera = server.camera();
            assertEquals(1, ((Number) camera.get("restarts")).intValue());
            assertNull(camera.get("lastError"), "the camera runs again, so the crash is no longer its state");
            @SuppressWarnings("unchecked")
            Map<String, Object> previous = (Map<String, Object>) camera.get("previousError");
            assertTrue(String.valueOf(previous.get("message")).contains("killed by signal 9"), String.valueOf(previous));
            assertNotNull(previous.get("at"));
            List<ProcessHandle> after = TestServer.ffmpegProcesses();
            assertEquals(1, after.size(), "exactly one camera process again");
            assertTrue(after.get(0).pid() != before.get(0).pid());
        }
    }

    @Test
    void theCameraStopsTheIdleTimeAfterTheLastViewerLeaves() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg", "--width", "320", "--height", "240",
                "--idle-stop", "2")) {
            assertEquals("idle", server.camera().get("state"));
            assertTrue(TestServer.ffmpegProcesses().isEmpty(), "no process before the first viewer");
            long left;
            try (MjpegClient viewer = MjpegClient.open(server.port(), "/stream.mjpeg")) {
                viewer.next();
                assertEquals(1, TestServer.ffmpegProcesses().size());
                left = System.nanoTime();
            }
            Poll.until(Duration.ofSeconds(20), "the camera to go idle",
                    () -> "idle".equals(server.camera().get("state")) && TestServer.ffmpegProcesses().isEmpty());
            long idleAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - left);
            assertTrue(idleAfter >= 1_900, "kept running for the idle period, stopped after " + idleAfter + " ms");

            // A snapshot of an idle camera starts it and waits for a picture.
            assertEquals(200, server.get("/snapshot.jpg").statusCode());
            assertEquals(1, TestServer.ffmpegProcesses().size());
        }
    }

    @Test
    void stoppingTheServerStopsTheCamera() throws Exception {
        TestServer server = TestServer.start("--codec", "mjpeg", "--width", "320", "--height", "240");
        try (MjpegClient viewer = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            viewer.next();
            assertEquals(1, TestServer.ffmpegProcesses().size());
            server.close();
            assertTrue(TestServer.ffmpegProcesses().isEmpty(), "close() returns after the camera process ended");
        }
    }

    @Test
    void undeployingTheWebappStopsTheCamera() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg", "--width", "320", "--height", "240");
                MjpegClient viewer = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            viewer.next();
            assertEquals(1, TestServer.ffmpegProcesses().size());
            server.server().undeploy();
            assertTrue(TestServer.ffmpegProcesses().isEmpty(), "undeploy returns after the camera process ended");
            assertEquals(404, server.get("/api/status").statusCode(), "the application is gone, Tomcat is not");
        }
    }
}
