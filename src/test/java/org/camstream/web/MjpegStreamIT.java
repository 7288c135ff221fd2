package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The JPEG endpoints of a running server whose test camera encodes JPEG natively, at the default 1280x720 and
 * 30 fps. (JPEG viewers of an H.264 camera go through the shared transcoder: see VideoStreamIT.)
 */
class MjpegStreamIT {

    private static final int WIDTH = 1280;
    private static final int HEIGHT = 720;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--codec", "mjpeg", "--viewer-timeout", "3");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void twentyViewersEachGetAtLeastNinetyPercentOfTheCameraRate() throws Exception {
        int viewers = 20;
        long windowNanos = TimeUnit.SECONDS.toNanos(5);
        ExecutorService pool = Executors.newFixedThreadPool(viewers);
        try {
            CountDownLatch connected = new CountDownLatch(viewers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ViewerResult>> results = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                boolean keepAll = i == 0;
                results.add(pool.submit(() -> watch(connected, go, windowNanos, keepAll)));
            }
            assertTrue(connected.await(30, TimeUnit.SECONDS), "viewers connected and got a first frame");
            assertEquals(1, TestServer.ffmpegProcesses().size(), "one camera process, whatever the viewer count");
            long framesBefore = number(server.camera().get("frames"));
            go.countDown();
            List<ViewerResult> done = new ArrayList<>();
            for (Future<ViewerResult> result : results) {
                done.add(result.get(60, TimeUnit.SECONDS));
            }
            long cameraFrames = number(server.camera().get("frames")) - framesBefore;

            assertTrue(cameraFrames >= 0.8 * 30 * 5, "the camera ran near 30 fps: " + cameraFrames + " in 5 s");
            for (ViewerResult r : done) {
                assertTrue(r.parts >= 0.9 * cameraFrames,
                        "a viewer got " + r.parts + " of the camera's " + cameraFrames + " frames");
            }
            // Each part parsed by its Content-Length; ImageIO decodes them at the configured size.
            for (byte[] jpeg : done.get(0).kept) {
                assertSize(jpeg);
            }
            for (ViewerResult r : done) {
                assertSize(r.last);
            }
        } finally {
            pool.shutdownNow();
        }
    }

    private static ViewerResult watch(CountDownLatch connected, CountDownLatch go, long windowNanos, boolean keepAll)
            throws Exception {
        try (MjpegClient client = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            client.next();
            connected.countDown();
            go.await();
            long end = System.nanoTime() + windowNanos;
            ViewerResult result = new ViewerResult();
            double previousTimestamp = 0;
            while (true) {
                MjpegClient.Part part = client.next();
                if (part.receivedNanos() > end) {
                    break;
                }
                assertEquals("image/jpeg", part.headers().get("content-type"));
                assertTrue(part.timestamp() > previousTimestamp, "X-Timestamp increases");
                previousTimestamp = part.timestamp();
                result.parts++;
                result.last = part.body();
                if (keepAll) {
                    result.kept.add(part.body());
                }
            }
            return result;
        }
    }

    private static final class ViewerResult {
        int parts;
        byte[] last;
        final List<byte[]> kept = new ArrayList<>();
    }

    @Test
    void aViewerThatStopsReadingDoesNotSlowTheOthersAndIsClosed() throws Exception {
        // A tiny receive buffer makes the stalled viewer's socket fill up within a second or two.
        MjpegClient stalled = MjpegClient.open(server.port(), "GET", "/stream.mjpeg", 4096);
        assertEquals(200, stalled.status());
        long stallStart = System.nanoTime();
        int viewers = 3;
        ExecutorService pool = Executors.newFixedThreadPool(viewers);
        try {
            CountDownLatch connected = new CountDownLatch(viewers);
            CountDownLatch go = new CountDownLatch(1);
            List<Future<ViewerResult>> results = new ArrayList<>();
            for (int i = 0; i < viewers; i++) {
                results.add(pool.submit(() -> watch(connected, go, TimeUnit.SECONDS.toNanos(6), false)));
            }
            assertTrue(connected.await(30, TimeUnit.SECONDS));
            long framesBefore = number(server.camera().get("frames"));
            go.countDown();
            List<ViewerResult> done = new ArrayList<>();
            for (Future<ViewerResult> result : results) {
                done.add(result.get(60, TimeUnit.SECONDS));
            }
            long cameraFrames = number(server.camera().get("frames")) - framesBefore;
            for (ViewerResult r : done) {
                assertTrue(r.parts >= 0.9 * cameraFrames,
                        "with a stalled viewer, a viewer got " + r.parts + " of " + cameraFrames + " frames");
            }
        } finally {
            pool.shutdownNow();
        }
        // The stalled viewer was dropped by the server the viewer-timeout (3 s here) after its socket stopped
        // taking data.
        Poll.until(Duration.ofSeconds(20), "the stalled viewer to be closed",
                () -> viewers("mjpeg") == 0);
        assertTrue(System.nanoTime() - stallStart >= TimeUnit.SECONDS.toNanos(3),
                "not closed before 3 s of stall");
        InputStream body = stalled.body();
        stalled.socket().setSoTimeout(10_000);
        byte[] buffer = new byte[65536];
        long drained = 0;
        for (int n; (n = body.read(buffer)) >= 0; ) {
            drained += n;
        }
        assertTrue(drained > 0, "it had received some frames before stalling");
        stalled.close();
    }

    @Test
    void snapshotIsAJpegAtTheConfiguredSize() throws IOException {
        HttpResponse<byte[]> response = server.get("/snapshot.jpg");
        assertEquals(200, response.statusCode());
        assertEquals("image/jpeg", response.headers().firstValue("content-type").orElse(""));
        assertEquals(String.valueOf(response.body().length),
                response.headers().firstValue("content-length").orElse(""));
        assertSize(response.body());
    }

    /**
     * A HEAD answers what a GET would: on an idle camera it starts the camera and waits for a picture as a GET
     * does, then answers 200 with the picture's type and length and no body.
     */
    @Test
    void headOfASnapshotOnAnIdleCameraAnswersWhatTheGetWould() throws Exception {
        try (TestServer idle = TestServer.start("--width", "320", "--height", "240", "--idle-stop", "1")) {
            Poll.until(Duration.ofSeconds(10), "the camera to be idle",
                    () -> "idle".equals(idle.camera().get("state")));
            HttpResponse<byte[]> head = idle.send(HttpRequest.newBuilder(idle.uri("/snapshot.jpg"))
                    .method("HEAD", HttpRequest.BodyPublishers.noBody()).build());
            assertEquals(200, head.statusCode(), "the HEAD started the camera, as a GET does");
            assertEquals("image/jpeg", head.headers().firstValue("content-type").orElse(""));
            assertTrue(Long.parseLong(head.headers().firstValue("content-length").orElse("0")) > 100,
                    head.headers().map().toString());
            assertEquals(0, head.body().length);
            HttpResponse<byte[]> get = idle.get("/snapshot.jpg");
            assertEquals(200, get.statusCode());
            assertEquals(head.headers().firstValue("content-type"), get.headers().firstValue("content-type"));
        }
    }

    @Test
    void stillsStreamDeliversAboutTheRequestedRate() throws IOException {
        try (MjpegClient client = MjpegClient.open(server.port(), "/stream.jpg?fps=2")) {
            assertEquals(200, client.status());
            assertEquals("multipart/x-mixed-replace;boundary=frame", client.headers().get("content-type"));
            MjpegClient.Part first = client.next();
            long end = first.receivedNanos() + TimeUnit.SECONDS.toNanos(5);
            List<Double> stamps = new ArrayList<>();
            stamps.add(first.timestamp());
            while (true) {
                MjpegClient.Part part = client.next();
                if (part.receivedNanos() > end) {
                    break;
                }
                stamps.add(part.timestamp());
                assertSize(part.body());
            }
            int frames = stamps.size() - 1;
            assertTrue(frames >= 8 && frames <= 12, "about 10 stills in 5 s at 2 fps, got " + frames);
            for (int i = 1; i < stamps.size(); i++) {
                double gap = stamps.get(i) - stamps.get(i - 1);
                assertTrue(gap > 0.35 && gap < 0.75, "stills about 0.5 s apart, got " + gap);
            }
        }
    }

    @Test
    void invalidStillsRatesAreRejectedWithAClearMessage() throws IOException {
        for (String fps : List.of("abc", "0", "0.05", "31", "1000", "NaN", "-2", "")) {
            HttpResponse<byte[]> response = server.get("/stream.jpg?fps=" + fps);
            assertEquals(400, response.statusCode(), "fps=" + fps);
            assertEquals("application/json;charset=UTF-8", response.headers().firstValue("content-type").orElse(""));
            Map<String, Object> error = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(response.body());
            assertTrue(String.valueOf(error.get("error")).startsWith("fps must be a number from 0.1 to 30.0"),
                    "message: " + error);
        }
    }

    @Test
    void streamsSendTheAgreedHeadersAndHeadHasNoBody() throws IOException {
        for (String path : List.of("/stream.mjpeg", "/stream.jpg")) {
            try (MjpegClient client = MjpegClient.open(server.port(), "HEAD", path, null)) {
                assertEquals(200, client.status());
                Map<String, String> headers = client.headers();
                assertEquals("multipart/x-mixed-replace;boundary=frame", headers.get("content-type"));
                assertEquals("no-store, no-cache, must-revalidate, max-age=0", headers.get("cache-control"));
                assertEquals("no-cache", headers.get("pragma"));
                assertEquals("no", headers.get("x-accel-buffering"));
                client.socket().setSoTimeout(5000);
                assertEquals(-1, client.socket().getInputStream().read(), "HEAD has no body");
            }
        }
        try (MjpegClient client = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            assertEquals("multipart/x-mixed-replace;boundary=frame", client.headers().get("content-type"));
            assertEquals("no-store, no-cache, must-revalidate, max-age=0", client.headers().get("cache-control"));
            assertEquals("no-cache", client.headers().get("pragma"));
            assertEquals("no", client.headers().get("x-accel-buffering"));
            MjpegClient.Part part = client.next();
            assertTrue(part.headers().get("x-timestamp").matches("\\d{10}\\.\\d{6}"),
                    "Unix seconds with six decimals: " + part.headers().get("x-timestamp"));
            double ageSeconds = System.currentTimeMillis() / 1000.0 - part.timestamp();
            assertTrue(ageSeconds > -1 && ageSeconds < 5, "the timestamp is the capture time, " + ageSeconds + " s ago");
        }
    }

    @Test
    void statusReportsCameraViewersAndJvm() throws IOException {
        try (MjpegClient client = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            client.next();
            Poll.until(Duration.ofSeconds(10), "the camera's measured rate",
                    () -> ((Number) server.camera().get("measuredFps")).doubleValue() > 20);
            Map<String, Object> status = server.status();
            @SuppressWarnings("unchecked")
            Map<String, Object> camera = (Map<String, Object>) status.get("camera");
            assertEquals("test", camera.get("source"));
            assertEquals("running", camera.get("state"));
            assertEquals(WIDTH, number(camera.get("width")));
            assertEquals(HEIGHT, number(camera.get("height")));
            assertEquals(30.0, ((Number) camera.get("configuredFps")).doubleValue());
            assertTrue(camera.containsKey("restarts") && camera.containsKey("lastError"));
            assertTrue(viewers("mjpeg") >= 1);
            assertTrue(number(status.get("framesSent")) > 0);
            assertTrue(number(status.get("bytesSent")) > 0);
            assertNotNull(status.get("framesDropped"));
            assertTrue(((Number) status.get("uptimeSeconds")).doubleValue() > 0);
            @SuppressWarnings("unchecked")
            Map<String, Object> jvm = (Map<String, Object>) status.get("jvm");
            assertTrue(number(jvm.get("heapUsedBytes")) > 0 && number(jvm.get("heapMaxBytes")) > 0);
        }
    }

    @Test
    void theViewerPageListsEveryStream() {
        HttpResponse<byte[]> page = server.get("/");
        assertEquals(200, page.statusCode());
        String html = new String(page.body(), StandardCharsets.UTF_8);
        for (String link : List.of("snapshot.jpg", "stream.mjpeg", "stream.jpg?fps=2", "stream.h264", "stream.mp4",
                "api/status")) {
            assertTrue(html.contains("href=\"" + link + "\""), link);
        }
        assertEquals(403, server.get("/org/camstream/launcher/Main.class").statusCode(),
                "the launcher class at the WAR's root is not served");
    }

    @SuppressWarnings("unchecked")
    private static long viewers(String format) {
        return number(((Map<String, Object>) server.status().get("viewers")).get(format));
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    private static void assertSize(byte[] jpeg) throws IOException {
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertNotNull(image, "ImageIO decodes the frame");
        assertEquals(WIDTH, image.getWidth());
        assertEquals(HEIGHT, image.getHeight());
    }
}
