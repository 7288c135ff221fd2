package org.camstream.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.imageio.ImageIO;
import org.camstream.testing.LogCapture;
import org.camstream.testing.MediaTools;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.RtspCamera;
import org.camstream.testing.TestServer;
import org.camstream.testing.VideoSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three cameras in one server, each a unit of its own: the test pattern, a real IP camera (Debian's GStreamer
 * RTSP server, with a login and sound), and an MJPEG camera (an ffmpeg input). Every format of every camera
 * decodes at that camera's size; a camera that is killed again and again, or whose IP camera goes away, costs
 * the others not a picture; the IP camera's password is nowhere a viewer or the log can see it.
 *
 * <p>The two tests of the three cameras share one server (its log captured from before its start), so that the
 * second finds its cameras started. It is started by the first of them, after the tests that count every ffmpeg
 * process of this JVM.
 */
@Timeout(value = 300, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class CamerasIT {

    private static final String USER = "cam";
    private static final String PASSWORD = "Rtsp-Pa55word";
    /** The longest gap a viewer of an undisturbed camera may see: 6 frames at 15 fps, well under a restart. */
    private static final long MAX_GAP_MILLIS = 400;

    @TempDir
    static Path dir;

    private static RtspCamera ipCamera;
    private static Path mjpegFile;
    /** Every log line of the JVM from before the three cameras' server started. */
    private static LogCapture log;
    private static TestServer threeCameras;

    @BeforeAll
    static void cameras() throws IOException {
        RtspCamera.assumeAvailable();
        ipCamera = RtspCamera.builder().size(640, 360).fps(15).login(USER, PASSWORD).audio().start();
        // An MJPEG recording, played in a loop by the camera's ffmpeg input: a camera of codec mjpeg.
        mjpegFile = dir.resolve("desk.avi");
        MediaTools.runOk(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-f", "lavfi", "-i",
                "testsrc2=size=480x272:rate=15", "-t", "4", "-c:v", "mjpeg", "-q:v", "5", mjpegFile.toString()));
    }

    /** The server of the three cameras, started by the first test that asks for it, with the log captured from then. */
    private static TestServer threeCameras() {
        if (threeCameras == null) {
            log = new LogCapture();
            threeCameras = TestServer.start("--width", "320", "--height", "240", "--fps", "15",
                    "--camera.ip.source", "ffmpeg", "--camera.ip.input", ipCamera.urlWithLogin(),
                    "--camera.ip.audio", "input", "--camera.ip.width", "640", "--camera.ip.height", "360",
                    "--camera.desk.source", "ffmpeg", "--camera.desk.input", mjpegFile.toString(),
                    "--camera.desk.codec", "mjpeg", "--camera.desk.width", "480", "--camera.desk.height", "272");
        }
        return threeCameras;
    }

    @AfterAll
    static void stopCameras() {
        if (threeCameras != null) {
            threeCameras.close();
        }
        if (log != null) {
            log.close();
        }
        if (ipCamera != null) {
            ipCamera.close();
        }
    }

    @Test
    @Order(3)
    void everyFormatOfEveryCameraDecodesAtThatCamerasSize() throws Exception {
        TestServer server = threeCameras();
        Map<String, Object> listed = JSON.std.mapFrom(server.get("/api/cameras").body());
        List<?> cameras = (List<?>) listed.get("cameras");
        assertEquals(List.of("main", "desk", "ip"), cameras.stream().map(c -> ((Map<?, ?>) c).get("name")).toList(),
                "the flat settings' camera first, then the sections by name");
        assertEquals("jpeg", ((Map<?, ?>) cameras.get(1)).get("gridMode"), "an MJPEG camera's tiles are stills");

        // A viewer of each camera from the start, as a grid would have: the cameras start together, and each is
        // running by the time its formats are checked.
        try (Watcher mainViewer = Watcher.start(server, "/cam/main/stream.mjpeg");
                Watcher ipViewer = Watcher.start(server, "/cam/ip/stream.mjpeg");
                Watcher deskViewer = Watcher.start(server, "/cam/desk/stream.mjpeg")) {
            for (Object[] camera : new Object[][] {{"main", 320, 240, false}, {"ip", 640, 360, true},
                    {"desk", 480, 272, false}}) {
                String base = "/cam/" + camera[0] + "/";
                int width = (int) camera[1];
                int height = (int) camera[2];
                boolean sound = (boolean) camera[3];
                HttpResponse<byte[]> snapshot = Poll.until(Duration.ofSeconds(40), camera[0] + "'s snapshot",
                        () -> server.get(base + "snapshot.jpg"), r -> r.statusCode() == 200);
                assertSize(snapshot.body(), width, height, base + "snapshot.jpg");
                for (String multipart : List.of("stream.mjpeg", "stream.jpg?fps=2")) {
                    try (MjpegClient client = MjpegClient.open(server.port(), base + multipart)) {
                        assertEquals(200, client.status());
                        assertSize(client.next().body(), width, height, base + multipart);
                    }
                }
                Map<String, Object> h264 = probe(server, base + "stream.h264", "v:0");
                assertEquals(width, ((Number) h264.get("width")).intValue(), base + "stream.h264");
                assertEquals(height, ((Number) h264.get("height")).intValue());
                // One look at the MP4 for both: its picture's size, and whether it has a sound track.
                List<Map<String, Object>> mp4Streams = streams(server, base + "stream.mp4", null);
                Map<String, Object> mp4 = mp4Streams.stream().filter(t -> "video".equals(t.get("codec_type")))
                        .findFirst().orElseThrow(() -> new AssertionError(base + "stream.mp4 has no picture: " + mp4Streams));
                assertEquals(width, ((Number) mp4.get("width")).intValue(), base + "stream.mp4");
                assertEquals(sound, mp4Streams.stream().anyMatch(t -> "audio".equals(t.get("codec_type"))),
                        base + " has sound or not: " + mp4Streams);
                Map<String, Object> hls = probe(server, base + "hls/index.m3u8", "v:0");
                assertEquals(height, ((Number) hls.get("height")).intValue(), base + "hls/index.m3u8");
                try (VideoSocketClient socket = VideoSocketClient.connect(server.port(), base + "ws/video", null)) {
                    VideoSocketClient.Message init = socket.next(30);
                    Map<String, Object> message = JSON.std.mapFrom(init.text());
                    assertEquals("init", message.get("type"));
                    assertEquals(width, ((Number) message.get("width")).intValue(), base + "ws/video");
                    assertEquals(sound, message.get("audio"));
                    assertTrue(socket.next(10).binary().length > 0, "the init segment");
                }
            }
        }
        // The first camera at the root too, as before there were several.
        assertSize(server.get("/snapshot.jpg").body(), 320, 240, "/snapshot.jpg");
        assertSize(server.get("/?action=snapshot_1").body(), 480, 272, "mjpg-streamer's second input");
        assertSize(server.get("/?action=snapshot_2").body(), 640, 360, "mjpg-streamer's third input");

        // The IP camera's password: in no answer a viewer gets, and in no line of the log.
        for (String path : List.of("/api/cameras", "/api/status", "/cam/ip/api/status", "/cam/ip/", "/")) {
            String body = new String(server.get(path).body(), StandardCharsets.UTF_8);
            assertFalse(body.contains(PASSWORD), path + " shows the password");
        }
        assertTrue(log.lines().stream().noneMatch(line -> line.contains(PASSWORD)), "the log shows the password");
        assertTrue(log.lines().stream().anyMatch(line -> line.contains("rtsp://" + USER + ":***@")),
                "the IP camera is logged, masked");
    }

    /**
     * The test pattern's process is killed ten times over; the other two cameras' viewers keep their full rate,
     * with no gap as long as a restart, and so does the IP camera when its server goes away and comes back.
     */
    @Test
    @Order(4)
    void aCameraThatFailsNeverDisturbsTheOthers() throws Exception {
        TestServer server = threeCameras();
        long mainRestarts = number(cameraStatus(server, "main").get("restarts"));
        long ipRestarts = number(cameraStatus(server, "ip").get("restarts"));
        long deskRestarts = number(cameraStatus(server, "desk").get("restarts"));
        try (Watcher ip = Watcher.start(server, "/cam/ip/stream.mjpeg");
                Watcher desk = Watcher.start(server, "/cam/desk/stream.mjpeg");
                Watcher main = Watcher.start(server, "/stream.mjpeg")) {
            Poll.until(Duration.ofSeconds(60), "all three cameras delivering", () -> ip.pictures() > 15
                    && desk.pictures() > 15 && main.pictures() > 15);
            ip.resetGaps();
            desk.resetGaps();
            long ipBefore = ip.pictures();
            long deskBefore = desk.pictures();
            long start = System.nanoTime();
            for (int kill = 0; kill < 10; kill++) {
                long pid = Poll.until(Duration.ofSeconds(30), "the main camera's process",
                        () -> cameraPid(server, "main"), p -> p > 0);
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                Poll.until(Duration.ofSeconds(30), "main back after kill " + kill,
                        () -> cameraPid(server, "main"), p -> p > 0 && p != pid);
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            System.out.printf("10 kills of main in %.1f s: ip %d pictures, longest gap %d ms; desk %d pictures,"
                    + " longest gap %d ms%n", seconds, ip.pictures() - ipBefore, ip.longestGapMillis(),
                    desk.pictures() - deskBefore, desk.longestGapMillis());
            assertTrue(ip.pictures() - ipBefore >= 15 * seconds * 0.85,
                    "the IP camera at full rate: " + (ip.pictures() - ipBefore) + " in " + seconds + " s");
            assertTrue(desk.pictures() - deskBefore >= 15 * seconds * 0.85,
                    "the MJPEG camera at full rate: " + (desk.pictures() - deskBefore) + " in " + seconds + " s");
            // A disturbance would be a restart's length, half a second of backoff and more; a busy machine's
            // scheduling jitter is a few frames.
            assertTrue(ip.longestGapMillis() <= MAX_GAP_MILLIS, "the IP camera's longest gap: "
                    + ip.longestGapMillis() + " ms");
            assertTrue(desk.longestGapMillis() <= MAX_GAP_MILLIS, "the MJPEG camera's longest gap: "
                    + desk.longestGapMillis() + " ms");
            assertEquals(mainRestarts + 10, number(cameraStatus(server, "main").get("restarts")), "ten restarts of main");
            assertEquals(ipRestarts, number(cameraStatus(server, "ip").get("restarts")), "none of the others");
            assertEquals(deskRestarts, number(cameraStatus(server, "desk").get("restarts")));
            assertTrue(ip.failure() == null && desk.failure() == null && main.failure() == null,
                    "every viewer stayed connected");

            // The IP camera's server goes away: its camera is offline, says why without the password, and
            // comes back; the MJPEG camera does not notice.
            desk.resetGaps();
            ipCamera.stop();
            Map<String, Object> offline = Poll.until(Duration.ofSeconds(30), "the IP camera offline",
                    () -> cameraStatus(server, "ip"), c -> c.get("lastError") != null);
            assertFalse(String.valueOf(offline).contains(PASSWORD), "the error shows the password");
            ipCamera.restart();
            long back = ip.pictures();
            Poll.until(Duration.ofSeconds(60), "the IP camera back", () -> ip.pictures() > back + 15);
            assertTrue(desk.longestGapMillis() <= MAX_GAP_MILLIS, "the MJPEG camera's longest gap while the IP camera was"
                    + " away: " + desk.longestGapMillis() + " ms");
        }
    }

    /** Removed on the admin page: its viewers get a clear end, not a hang, and the other camera's go on. */
    @Test
    @Order(2)
    void aRemovedCamerasViewersGetAClearEndAndTheOthersGoOn() throws Exception {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "15",
                "--camera.porch.source", "test", "--camera.porch.width", "320", "--camera.porch.height", "240",
                "--camera.porch.fps", "15");
                Watcher main = Watcher.start(server, "/stream.mjpeg");
                MjpegClient porch = MjpegClient.open(server.port(), "/cam/porch/stream.mjpeg");
                VideoSocketClient socket = VideoSocketClient.connect(server.port(), "/cam/porch/ws/video", null)) {
            porch.next();
            assertEquals("init", JSON.std.mapFrom(socket.next(30).text()).get("type"));
            Poll.until(Duration.ofSeconds(30), "the main camera delivering", () -> main.pictures() > 10);
            main.resetGaps();
            HttpResponse<byte[]> removed = server.send(server.asAdmin("/api/config/cameras/porch")
                    .DELETE().build());
            assertEquals(200, removed.statusCode(), new String(removed.body(), StandardCharsets.UTF_8));
            // The MJPEG viewer's stream ends: the next read finds the end of the connection.
            Poll.until(Duration.ofSeconds(10), "porch's MJPEG stream to end", () -> {
                try {
                    porch.next();
                    return false;
                } catch (IOException | RuntimeException e) {
                    return true;
                }
            });
            Poll.until(Duration.ofSeconds(10), "porch's WebSocket to be closed", () -> socket.closeReason() != null);
            assertEquals(4404, socket.closeReason().getCloseCode().getCode(), socket.closeReason().toString());
            assertEquals(404, server.get("/cam/porch/snapshot.jpg").statusCode());
            assertEquals(404, server.get("/cam/porch/api/status").statusCode());
            long before = main.pictures();
            Poll.until(Duration.ofSeconds(10), "main to go on", () -> main.pictures() > before + 15);
            assertTrue(main.longestGapMillis() <= MAX_GAP_MILLIS, "main's longest gap: " + main.longestGapMillis() + " ms");
            assertTrue(main.failure() == null, "main's viewer stayed");
            Poll.until(Duration.ofSeconds(20), "one camera's processes left",
                    () -> TestServer.ffmpegProcesses().size() <= 2);

            // A camera added at run time chooses its codec then, once.
            HttpResponse<byte[]> badCodec = server.send(addCamera(server, "{\"name\":\"still\",\"codec\":\"vp9\"}"));
            assertEquals(400, badCodec.statusCode());
            assertTrue(new String(badCodec.body(), StandardCharsets.UTF_8).contains("codec"));
            HttpResponse<byte[]> added = server.send(addCamera(server,
                    "{\"name\":\"still\",\"codec\":\"mjpeg\",\"width\":320,\"height\":240,\"fps\":15}"));
            assertEquals(200, added.statusCode(), new String(added.body(), StandardCharsets.UTF_8));
            Poll.until(Duration.ofSeconds(20), "the added camera's snapshot",
                    () -> server.get("/cam/still/snapshot.jpg").statusCode() == 200);
            assertEquals("mjpeg", cameraStatus(server, "still").get("codec"));
        }
    }

    private static HttpRequest addCamera(TestServer server, String json) {
        return server.asAdmin("/api/config/cameras").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    @Test
    @Order(1)
    void twoCamerasOnOneDeviceAreRefusedAndNothingStarts() {
        AssertionError refused = org.junit.jupiter.api.Assertions.assertThrows(AssertionError.class,
                () -> TestServer.start("--source", "v4l2", "--device", "/dev/video0", "--camera.desk.source", "v4l2",
                        "--camera.desk.device", "/dev/video0"));
        assertTrue(refused.getMessage().contains("cameras main and desk are both set to video device /dev/video0"),
                refused.getMessage());
        assertTrue(TestServer.ffmpegProcesses().isEmpty(), "nothing started half-way");
    }

    private static void assertSize(byte[] jpeg, int width, int height, String what) throws IOException {
        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(jpeg));
        assertEquals(width, picture.getWidth(), what);
        assertEquals(height, picture.getHeight(), what);
    }

    private static Map<String, Object> probe(TestServer server, String path, String stream) {
        List<Map<String, Object>> streams = streams(server, path, stream);
        assertFalse(streams.isEmpty(), path + " has no stream " + stream);
        return streams.get(0);
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> streams(TestServer server, String path, String stream) {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error", "-rw_timeout", "20000000",
                // The size is in the first picture: no need to read 5 s of a raw H.264 stream, ffprobe's default.
                "-analyzeduration", "1000000"));
        if (stream != null) {
            command.addAll(List.of("-select_streams", stream));
        }
        command.addAll(List.of("-show_entries", "stream=codec_type,codec_name,width,height", "-of", "json",
                server.uri(path).toString()));
        MediaTools.Result result = MediaTools.runOk(command);
        try {
            return (List<Map<String, Object>>) JSON.std.mapFrom(result.stdoutText()).getOrDefault("streams", List.of());
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cameraStatus(TestServer server, String name) {
        try {
            return (Map<String, Object>) JSON.std.mapFrom(server.get("/cam/" + name + "/api/status").body()).get("camera");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static long cameraPid(TestServer server, String name) {
        Object pid = cameraStatus(server, name).get("pid");
        return pid == null || !"running".equals(cameraStatus(server, name).get("state")) ? 0 : ((Number) pid).longValue();
    }

    private static long number(Object value) {
        return ((Number) value).longValue();
    }

    /** An MJPEG viewer on its own thread, counting pictures and the longest wait between two. */
    private static final class Watcher implements AutoCloseable {
        private final MjpegClient client;
        private final Thread reader;
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final List<Long> arrivals = new CopyOnWriteArrayList<>();
        private volatile long gapsFrom;
        private volatile Throwable failure;

        private Watcher(MjpegClient client) {
            this.client = client;
            this.reader = new Thread(this::read, "watcher");
            reader.setDaemon(true);
        }

        static Watcher start(TestServer server, String path) throws IOException {
            Watcher watcher = new Watcher(MjpegClient.open(server.port(), path));
            watcher.reader.start();
            return watcher;
        }

        private void read() {
            try {
                while (open.get()) {
                    MjpegClient.Part part = client.next();
                    if (!part.headers().containsKey("x-camstream-placeholder")) {
                        arrivals.add(part.receivedNanos());
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (open.get()) {
                    failure = e;
                }
            }
        }

        long pictures() {
            return arrivals.size();
        }

        void resetGaps() {
            gapsFrom = arrivals.isEmpty() ? 0 : arrivals.get(arrivals.size() - 1);
        }

        long longestGapMillis() {
            long longest = 0;
            long previous = gapsFrom;
            for (long at : arrivals) {
                if (at <= gapsFrom) {
                    continue;
                }
                longest = Math.max(longest, at - previous);
                previous = at;
            }
            return TimeUnit.NANOSECONDS.toMillis(longest);
        }

        Throwable failure() {
            return failure;
        }

        @Override
        public void close() throws IOException {
            open.set(false);
            client.close();
        }
    }
}
