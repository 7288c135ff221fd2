package org.camstream.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.RtspCamera;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * A camera whose input URL holds a password: the password is on no command line of the programs camstream runs
 * for it (ffprobe, the camera's ffmpeg, the ffmpeg of its sound, the transcoder), which every local user can
 * read in {@code /proc/<pid>/cmdline}, and the camera plays. The URL reaches ffmpeg in a file only camstream's
 * user can read, which is gone once the camera has stopped. For an RTSP IP camera (Debian's GStreamer RTSP
 * server, with a login and sound) and an HTTP MJPEG camera (another camstream, behind its viewer login).
 */
class InputPasswordIT {

    private static final String PASSWORD = "Hid3-me-pl3ase";

    @Test
    void anRtspCamerasPasswordIsOnNoCommandLineAndTheCameraPlaysWithItsSound() throws Exception {
        RtspCamera.assumeAvailable();
        try (RtspCamera ip = RtspCamera.builder().size(320, 240).fps(10).pattern("ball")
                .login("viewer", PASSWORD).audio().start();
                CommandLines seen = CommandLines.watch()) {
            Path script;
            try (TestServer server = TestServer.start("--source", "ffmpeg", "--input", ip.urlWithLogin(),
                    "--audio", "input", "--width", "320", "--height", "240")) {
                assertPlays(server, 320, 240);
                // The sound runs for the MP4-based formats: a WebSocket or MP4 viewer, here an MP4 one.
                try (MjpegClient mp4 = MjpegClient.open(server.port(), "/stream.mp4")) {
                    assertEquals(200, mp4.status());
                    Map<?, ?> audio = Poll.until(Duration.ofSeconds(20), "the sound to run",
                            () -> (Map<?, ?>) server.status().get("audio"), a -> "running".equals(a.get("state")));
                    Poll.until(Duration.ofSeconds(20), "sound to flow", () -> ((Number) ((Map<?, ?>) server.status()
                            .get("audio")).get("bitrate")).doubleValue() > 0);
                    assertTrue(audio.get("pid") != null, audio.toString());
                    assertFalse(String.join(" ", cmdline(((Number) audio.get("pid")).longValue())).contains(PASSWORD));
                }
                script = checkCameraCommandLine(server, ip.urlWithLogin());
                seen.stop();
                seen.assertNone(PASSWORD);
                seen.assertSeen("ffprobe", c -> c.startsWith("ffprobe ") && c.contains("concat"));
                seen.assertSeen("the sound's ffmpeg", c -> c.contains("concat") && c.contains(" aac"));
                seen.assertSeen("the transcoder", c -> c.contains("-f h264") && c.contains("-c:v mjpeg"));
            }
            assertFalse(Files.exists(script), "the script is deleted once the camera has stopped");
        }
    }

    @Test
    void anHttpCamerasPasswordIsOnNoCommandLineAndTheCameraPlays() throws Exception {
        try (TestServer camera = TestServer.start("--width", "320", "--height", "240", "--codec", "mjpeg",
                "--viewer-auth", "true", "--viewer-user", "watcher", "--viewer-password", PASSWORD);
                CommandLines seen = CommandLines.watch()) {
            assertEquals(401, camera.get("/stream.mjpeg").statusCode(), "the camera wants its login");
            String url = "http://watcher:" + PASSWORD + "@127.0.0.1:" + camera.port() + "/stream.mjpeg";
            Path script;
            try (TestServer server = TestServer.start("--source", "ffmpeg", "--input", url, "--codec", "mjpeg",
                    "--width", "320", "--height", "240")) {
                assertPlays(server, 320, 240);
                script = checkCameraCommandLine(server, url);
                seen.stop();
                seen.assertNone(PASSWORD);
                seen.assertSeen("ffprobe", c -> c.startsWith("ffprobe ") && c.contains("concat"));
            }
            assertFalse(Files.exists(script), "the script is deleted once the camera has stopped");
        }
    }

    /**
     * MJPEG at the camera's size, pictures that change: ten of the camera's own. The camera-offline picture,
     * marked as such, stands in while none comes for a second (at the start, and on this busy machine).
     */
    private static void assertPlays(TestServer server, int width, int height) throws IOException {
        try (MjpegClient client = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            assertEquals(200, client.status());
            List<byte[]> pictures = new ArrayList<>();
            int placeholders = 0;
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (pictures.size() < 10) {
                assertTrue(System.nanoTime() < deadline, "ten pictures from the camera; got " + pictures.size()
                        + " and " + placeholders + " offline pictures");
                MjpegClient.Part part = client.next();
                if (part.headers().containsKey("x-camstream-placeholder")) {
                    placeholders++;
                    continue;
                }
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(part.body()));
                assertEquals(width, image.getWidth());
                assertEquals(height, image.getHeight());
                pictures.add(part.body());
            }
            long distinct = pictures.stream().map(Arrays::hashCode).distinct().count();
            assertTrue(distinct > 5, "the pictures move: " + distinct + " of 10 differ");
        }
    }

    /**
     * The camera's ffmpeg reads a script in place of the URL: not on its command line, readable by camstream's
     * user alone, and holding the URL. Returns the script.
     */
    private static Path checkCameraCommandLine(TestServer server, String url) throws IOException {
        long pid = ((Number) server.camera().get("pid")).longValue();
        List<String> arguments = cmdline(pid);
        assertFalse(String.join(" ", arguments).contains(PASSWORD), "the camera's command line: " + arguments);
        int input = arguments.indexOf("-i");
        assertEquals("concat", arguments.get(arguments.indexOf("-f") + 1), arguments.toString());
        Path script = Path.of(arguments.get(input + 1));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(script.getParent())));
        assertTrue(Files.readString(script).contains("file '" + url + "'"), "the script names the URL");
        return script;
    }

    private static List<String> cmdline(long pid) throws IOException {
        byte[] raw = Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline"));
        return List.of(new String(raw, StandardCharsets.UTF_8).split("\0"));
    }

    /**
     * Every command line of the JVM's child processes while they run, read from {@code /proc} every 5 ms: an
     * ffprobe lasts long enough to be seen (it reads the stream for a second or so).
     */
    private static final class CommandLines implements AutoCloseable {
        // A child starts as Java's jspawnhelper and becomes the program: every command line a pid had.
        private final java.util.Set<String> seen = ConcurrentHashMap.newKeySet();
        private final ScheduledExecutorService reader = Executors.newSingleThreadScheduledExecutor();

        static CommandLines watch() {
            CommandLines lines = new CommandLines();
            lines.reader.scheduleAtFixedRate(lines::look, 0, 5, TimeUnit.MILLISECONDS);
            return lines;
        }

        private void look() {
            ProcessHandle.current().descendants().forEach(p -> {
                try {
                    seen.add(String.join(" ", cmdline(p.pid())));
                } catch (IOException | RuntimeException e) {
                    // gone meanwhile
                }
            });
        }

        void stop() throws InterruptedException {
            reader.shutdown();
            assertTrue(reader.awaitTermination(5, TimeUnit.SECONDS));
        }

        void assertNone(String secret) {
            List<String> with = new ArrayList<>(seen.stream().filter(c -> c.contains(secret)).toList());
            assertEquals(List.of(), with, "command lines with the password, of " + seen.size() + " seen");
        }

        void assertSeen(String what, java.util.function.Predicate<String> commandLine) {
            assertTrue(seen.stream().anyMatch(commandLine), what + " among " + seen);
        }

        @Override
        public void close() {
            reader.shutdownNow();
        }
    }
}
