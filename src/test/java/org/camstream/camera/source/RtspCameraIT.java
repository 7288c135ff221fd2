package org.camstream.camera.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.camstream.testing.RtspCamera;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The tests' IP camera ({@link RtspCamera}: Debian's GStreamer RTSP server) as Debian's ffprobe and ffmpeg see
 * it: the stream it was asked for, its login, its sound, and a restart on the same port. Skipped without the
 * packages, unless CAMSTREAM_REQUIRE_RTSP=1.
 */
class RtspCameraIT {

    @BeforeAll
    static void cameraCanRun() {
        RtspCamera.assumeAvailable();
    }

    @AfterEach
    void noCameraOutlivesATest() {
        Poll.until(Duration.ofSeconds(10), "no rtsp-camera.py left running", () -> RtspCamera.processes().isEmpty());
    }

    @Test
    void anOpenCameraServesH264OfTheAskedSizeThatDecodesWithoutErrors() {
        try (RtspCamera camera = RtspCamera.builder().size(640, 360).fps(15).start()) {
            System.out.println("RTSP camera ready in " + camera.startupTime().toMillis() + " ms");
            assertEquals(camera.url(), camera.urlWithLogin(), "an open camera has no login");
            List<Map<String, Object>> streams = streams(camera.url());
            assertEquals(1, streams.size(), streams::toString);
            Map<String, Object> video = streams.get(0);
            assertEquals("video", video.get("codec_type"));
            assertEquals("h264", video.get("codec_name"));
            assertEquals(640, MediaTools.intField(video, "width"));
            assertEquals(360, MediaTools.intField(video, "height"));
            assertEquals("15/1", video.get("r_frame_rate"));
            assertEquals("Main", video.get("profile"), "the profile asked for, though x264's ultrafast preset is used");

            MediaTools.Result decoded = decode(camera.url(), 2);
            assertEquals(0, decoded.exitCode(), decoded::stderr);
            assertEquals("", decoded.stderr().trim(), "ffmpeg -v error reported nothing");
            long frames = frames(decoded);
            assertTrue(frames >= 28 && frames <= 32, "2 s at 15 fps: " + frames + " frames");
        }
    }

    @Test
    void withALoginOnlyTheUserWithThePasswordIsLetIn() throws IOException {
        String password = "pa55-word";
        try (RtspCamera camera = RtspCamera.builder().login("viewer", password).start()) {
            assertFalse(camera.url().contains(password), camera.url());
            assertEquals("rtsp://viewer:" + password + "@127.0.0.1:" + camera.port() + "/cam", camera.urlWithLogin());

            MediaTools.Result anonymous = probe(camera.url());
            assertNotEquals(0, anonymous.exitCode(), "no credentials: refused");
            assertTrue(anonymous.stderr().contains("401"), anonymous.stderr());
            String wrongPassword = camera.urlWithLogin().replace(password, "not-" + password);
            MediaTools.Result wrong = probe(wrongPassword);
            assertNotEquals(0, wrong.exitCode(), "a wrong password: refused");
            assertTrue(wrong.stderr().contains("401"), wrong.stderr());
            MediaTools.Result wrongUser = probe(camera.urlWithLogin().replace("viewer:", "someone:"));
            assertTrue(wrongUser.stderr().contains("401"), "another user: refused; " + wrongUser.stderr());

            List<Map<String, Object>> streams = streams(camera.urlWithLogin());
            assertEquals("h264", streams.get(0).get("codec_name"), streams::toString);
            MediaTools.Result decoded = decode(camera.urlWithLogin(), 1);
            assertEquals(0, decoded.exitCode(), decoded::stderr);

            // Nowhere to be read: not in its command line (the process list) nor in what it logged.
            String commandLine = Files.readString(Path.of("/proc/" + camera.pid() + "/cmdline"),
                    StandardCharsets.UTF_8).replace('\0', ' ');
            assertTrue(commandLine.contains("--user viewer"), commandLine);
            assertFalse(commandLine.contains(password), commandLine);
            assertFalse(camera.log().contains(password), camera.log());
        }
    }

    @Test
    void withSoundThereIsAnAacTrackBesideTheVideo() {
        try (RtspCamera camera = RtspCamera.builder().size(320, 240).fps(10).audio().start()) {
            List<Map<String, Object>> streams = streams(camera.url());
            assertEquals(List.of("video", "audio"), streams.stream().map(s -> s.get("codec_type")).toList(),
                    streams::toString);
            assertEquals(320, MediaTools.intField(streams.get(0), "width"));
            Map<String, Object> audio = streams.get(1);
            assertEquals("aac", audio.get("codec_name"));
            assertEquals(48000, MediaTools.intField(audio, "sample_rate"));
            assertEquals(1, MediaTools.intField(audio, "channels"));

            MediaTools.Result decoded = decode(camera.url(), 2);
            assertEquals(0, decoded.exitCode(), decoded::stderr);
            assertEquals("", decoded.stderr().trim(), "ffmpeg -v error reported nothing");
            long audioFrames = decoded.stdoutText().lines().filter(l -> l.startsWith("1,")).count();
            assertTrue(audioFrames > 80, "2 s of 48 kHz AAC, 1024 samples a frame: " + audioFrames + " frames");
        }
    }

    @Test
    void afterAStopARestartServesAgainOnTheSamePort() throws Exception {
        try (RtspCamera camera = RtspCamera.builder().size(320, 240).fps(10).start()) {
            int port = camera.port();
            assertEquals("h264", streams(camera.url()).get(0).get("codec_name"));

            // A viewer still playing when the camera goes: the server closes that connection first, which leaves
            // the port in TIME_WAIT for the restart.
            Process viewer = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp",
                    "-i", camera.url(), "-t", "60", "-f", "null", "-")
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectErrorStream(true).start();
            try {
                Poll.until(Duration.ofSeconds(10), "the viewer to be playing", () -> established(port));
                assertEquals(0, camera.stop(), "SIGTERM: a clean exit; its log:\n" + camera.log());
                assertFalse(camera.isRunning());
                assertNotEquals(0, probe(camera.url()).exitCode(), "a stopped camera serves nothing");

                camera.restart();
                System.out.println("RTSP camera restarted in " + camera.startupTime().toMillis() + " ms");
                assertEquals(port, camera.port());
                assertEquals("rtsp://127.0.0.1:" + port + "/cam", camera.url());
                List<Map<String, Object>> streams = streams(camera.url());
                assertEquals("h264", streams.get(0).get("codec_name"));
                assertEquals(320, MediaTools.intField(streams.get(0), "width"));
                assertTrue(viewer.waitFor(30, TimeUnit.SECONDS), "the old viewer noticed the camera went");
            } finally {
                viewer.destroyForcibly();
                viewer.waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    @Test
    void aCameraThatCannotStartSaysWhyButNeverThePassword() {
        String password = "hunter2-secret";
        // The password in the mount path too, so that the command line in the log has it to mask.
        AssertionError error = assertThrows(AssertionError.class, () -> RtspCamera.builder().path("/" + password)
                .login("viewer", password).pattern("no-such-pattern").start());
        assertTrue(error.getMessage().contains("invalid choice: 'no-such-pattern'"), error.getMessage());
        assertTrue(error.getMessage().contains("exited with status 2"), error.getMessage());
        assertFalse(error.getMessage().contains(password), error.getMessage());
        assertTrue(error.getMessage().contains("/****"), error.getMessage());
    }

    /** Whether a TCP connection to the port is established (the viewer's), from /proc/net/tcp. */
    private static boolean established(int port) {
        try {
            String local = String.format(":%04X ", port);
            return Files.readAllLines(Path.of("/proc/net/tcp")).stream()
                    .map(String::trim)
                    .map(l -> l.split("\\s+"))
                    .anyMatch(f -> f.length > 3 && (f[1] + " ").endsWith(local) && "01".equals(f[3]));
        } catch (IOException e) {
            return false;
        }
    }

    private static MediaTools.Result probe(String url) {
        return MediaTools.run(List.of("ffprobe", "-v", "error", "-rtsp_transport", "tcp", "-show_entries",
                "stream=codec_type,codec_name,profile,width,height,r_frame_rate,sample_rate,channels", "-of", "json",
                url));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> streams(String url) {
        MediaTools.Result result = probe(url);
        assertEquals(0, result.exitCode(), () -> "ffprobe " + url + ": " + result.stderr());
        try {
            return (List<Map<String, Object>>) JSON.std.mapFrom(result.stdoutText()).get("streams");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Decodes {@code seconds} of every stream; stdout lists the decoded frames (framecrc), stream index first. */
    private static MediaTools.Result decode(String url, int seconds) {
        return MediaTools.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i", url,
                "-t", String.valueOf(seconds), "-f", "framecrc", "-"));
    }

    private static long frames(MediaTools.Result decoded) {
        return decoded.stdoutText().lines().filter(l -> l.startsWith("0,")).count();
    }
}
