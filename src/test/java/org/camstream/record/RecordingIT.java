package org.camstream.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URLEncoder;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.camstream.testing.MediaTools;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Recording on a running server, with real ffmpeg reading what it wrote: files of both tracks at the camera's size
 * that decode whole, clips across two files with byte ranges, a server killed with SIGKILL mid-file, retention by
 * size, a full file system (a small tmpfs) that stops the recording and lets it go on once there is room, and
 * every kind of bad request.
 *
 * <p>Most of these tests wait for a server to have recorded for a while: 25 s, 12 s into a file, two files. Those
 * servers are started together for the whole class, so that each records while the tests before its own run, instead
 * of one after the other; the tests that wait for them come last.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecordingIT {

    @TempDir
    Path temp;

    /** Both tracks, in files of 10 s: the files and clips test, and the bad requests. */
    private static TestServer bothTracks;
    /** The WAR in a JVM of its own, killed with SIGKILL mid-file. */
    private static WarProcess killed;
    /** Files of about 5 MB under a cap of 6 MB. */
    private static TestServer capped;
    /** The first file the capped server wrote, seen before any could be deleted. */
    private static String cappedFirst;

    @BeforeAll
    static void startTheRecordingServers() throws IOException {
        bothTracks = TestServer.start("--width", "640", "--height", "360", "--fps", "15",
                "--record", "continuous", "--record-segment", "10", "--audio", "test");
        capped = TestServer.start("--width", "640", "--height", "360", "--bitrate", "4M",
                "--record", "continuous", "--record-segment", "10", "--record-max-size", "6M");
        killed = WarProcess.launch(WarProcess.SMALL_BOARD, "--width", "320", "--height", "240",
                "--fps", "15", "--record", "continuous", "--record-segment", "600");
        Path root = capped.dataDir().resolve("recordings/main");
        // The first file is deleted once the second is complete, after 20 s: long after it shows.
        cappedFirst = Poll.until(Duration.ofSeconds(30), "the capped server's first file", () -> mp4s(root),
                files -> !files.isEmpty()).get(0).getFileName().toString();
    }

    @AfterAll
    static void stopTheRecordingServers() throws InterruptedException {
        for (AutoCloseable server : new AutoCloseable[] {bothTracks, capped, killed}) {
            if (server != null) {
                try {
                    server.close();
                } catch (Exception e) {
                    if (e instanceof InterruptedException interrupted) {
                        throw interrupted;
                    }
                }
            }
        }
    }

    @Test
    @Order(3)
    void recordedFilesHoldBothTracksAndClipsCrossFilesWithRanges() throws Exception {
        TestServer server = bothTracks;
        List<Map<String, Object>> spans = Poll.until(Duration.ofSeconds(60), "25 s recorded",
                () -> spans(server, "main"), s -> !s.isEmpty() && seconds(s.get(0)) >= 25);
        Path root = server.dataDir().resolve("recordings/main");
        List<Path> files;
        try (Stream<Path> found = Files.walk(root)) {
            files = found.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        }
        assertTrue(files.size() >= 3, "a file every 10 s: " + files);
        for (Path file : files.subList(0, 2)) { // complete ones
            Map<String, Object> video = MediaTools.probeVideoStream(file);
            assertEquals(640, MediaTools.intField(video, "width"), file.toString());
            assertEquals(List.of("h264", "aac"), codecs(file), "both tracks in " + file);
            assertDecodes(file);
            double duration = duration(file);
            assertTrue(duration >= 9.5 && duration <= 11.5, file + " lasts " + duration + " s");
        }
        Map<String, Object> status = cameraStatus(server, "main");
        @SuppressWarnings("unchecked")
        Map<String, Object> recording = (Map<String, Object>) status.get("recording");
        assertEquals("recording", recording.get("state"), recording.toString());

        // A clip of 18 s from 3 s into the span: two or three files, cut at keyframes, with both tracks.
        Instant start = Instant.parse(String.valueOf(spans.get(0).get("start"))).plusSeconds(3);
        String clip = "/cam/main/recordings/get?start=" + start + "&duration=18";
        HttpResponse<byte[]> whole = server.get(clip);
        assertEquals(200, whole.statusCode(), new String(whole.body(), StandardCharsets.UTF_8));
        assertEquals("video/mp4", whole.headers().firstValue("content-type").orElse(""));
        assertTrue(whole.headers().firstValue("content-disposition").orElse("").contains("main-"));
        Path clipFile = temp.resolve("clip.mp4");
        Files.write(clipFile, whole.body());
        assertEquals(List.of("h264", "aac"), codecs(clipFile));
        assertDecodes(clipFile);
        double seconds = duration(clipFile);
        assertTrue(seconds >= 17 && seconds <= 20.5, "about 18 s, from keyframe to keyframe: " + seconds);
        // Ranges: what a browser asks for when it seeks.
        int length = whole.body().length;
        for (String range : List.of("bytes=0-99", "bytes=1000-", "bytes=-5000", "bytes=" + (length / 2) + "-"
                + (length / 2 + 70_000))) {
            HttpResponse<byte[]> part = server.send(HttpRequest.newBuilder(server.uri(clip))
                    .header("Range", range).build());
            assertEquals(206, part.statusCode(), range);
            String[] contentRange = part.headers().firstValue("content-range").orElseThrow()
                    .replace("bytes ", "").split("[-/]");
            int from = Integer.parseInt(contentRange[0]);
            int to = Integer.parseInt(contentRange[1]);
            assertEquals(length, Integer.parseInt(contentRange[2]));
            assertTrue(Arrays.equals(whole.body(), from, to + 1, part.body(), 0, part.body().length), range);
        }
        assertEquals(416, server.send(HttpRequest.newBuilder(server.uri(clip)).header("Range",
                "bytes=" + length + "-").build()).statusCode(), "past the end");
    }

    @Test
    @Order(2)
    void badRequestsGetClearErrorsAndNoPathLeavesTheRecordings() throws Exception {
        TestServer server = bothTracks;
        Poll.until(Duration.ofSeconds(40), "something recorded", () -> spans(server, "main"), s -> !s.isEmpty());
        String now = URLEncoder.encode(Instant.now().minusSeconds(3).toString(), StandardCharsets.UTF_8);
        for (String duration : List.of("-1", "0", "99999999", "abc", "NaN", "")) {
            assertError(server, "/cam/main/recordings/get?start=" + now + "&duration=" + duration, 400);
        }
        assertError(server, "/cam/main/recordings/get?start=yesterday&duration=10", 400);
        assertError(server, "/cam/main/recordings/get?duration=10", 400);
        assertError(server, "/cam/main/recordings/get?start=2020-01-01T00:00:00Z&duration=60", 404);
        assertError(server, "/cam/nope/recordings/get?start=" + now + "&duration=10", 404);
        assertError(server, "/api/recordings?camera=nope", 404);
        assertError(server, "/api/recordings?camera=main&from=2026-12-08T00:00:00Z&to=2026-12-07T00:00:00Z", 400);
        assertError(server, "/api/recordings?camera=main&from=2020-01-01T00:00:00Z&to=2026-01-01T00:00:00Z", 400);
        for (String path : List.of("/cam/../recordings/get?start=" + now + "&duration=10",
                "/cam/%2e%2e/recordings/get?start=" + now + "&duration=10",
                "/cam/main/..%2f..%2fsaved-settings.properties",
                "/cam/main/recordings/..%2f..%2f..%2fetc%2fpasswd",
                "/cam/main%2f..%2f..%2fetc/recordings/get?start=" + now + "&duration=10",
                "/cam//etc/passwd", "/recordings/get?start=/etc/passwd&duration=10",
                "/cam/main/recordings/get?start=" + now + "&duration=10&camera=../../etc")) {
            HttpResponse<byte[]> answer = server.get(path);
            String body = new String(answer.body(), StandardCharsets.UTF_8);
            assertFalse(body.contains("root:") || body.contains("camstream.properties"), path + ": " + body);
            if (answer.statusCode() != 200) {
                assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500, path + " " + answer.statusCode());
            } else {
                assertEquals("video/mp4", answer.headers().firstValue("content-type").orElse(""), path
                        + " can only be a clip of camera main");
            }
        }
    }

    /** The server killed with SIGKILL mid-file: the file plays up to within about 2 s of the kill. */
    @Test
    @Order(4)
    void aFileCutByAKillPlaysToWithinTwoSecondsOfIt() throws Exception {
        Path file;
        Instant killedAt;
        WarProcess server = killed;
        Path root = server.dataDir().resolve("recordings/main");
        file = Poll.until(Duration.ofSeconds(60), "a recording", () -> {
            assertTrue(server.process().isAlive(), () -> "the server exited:\n" + server.log());
            return newest(root);
        }, f -> f != null);
        RecordingIndex.Header header = RecordingIndex.summary(SegmentWriter.indexOf(file)).header();
        Instant started = Instant.ofEpochSecond(0, header.startWallMicros() * 1000);
        Poll.until(Duration.ofSeconds(40), "12 s in the file",
                () -> Instant.now().isAfter(started.plusSeconds(12)));
        killedAt = Instant.now();
        server.process().destroyForcibly(); // SIGKILL: no shutdown hook, nothing finished
        assertTrue(server.process().waitFor(10, TimeUnit.SECONDS));
        double seconds = Duration.between(started, killedAt).toMillis() / 1000.0;
        double playable = duration(file);
        System.out.printf("killed %.1f s into the file: %.1f s of it play%n", seconds, playable);
        assertTrue(playable >= seconds - 2.5, "plays to within about 2 s of the kill: " + playable + " of "
                + seconds + " s");
        MediaTools.Result decoded = MediaTools.run(List.of("ffmpeg", "-v", "error", "-i", file.toString(),
                "-fps_mode", "passthrough", "-f", "null", "-"));
        assertEquals(0, decoded.exitCode(), decoded.stderr());
        RecordingIndex.Parsed index = RecordingIndex.summary(SegmentWriter.indexOf(file));
        assertFalse(index.closed(), "the index knows the file was not finished");
        assertTrue(index.duration() / 90_000.0 >= seconds - 2.5, "and how far it is complete");
    }

    @Test
    @Order(5)
    void retentionBySizeDeletesTheOldestFirst() throws Exception {
        TestServer server = capped;
        Path root = server.dataDir().resolve("recordings/main");
        Poll.until(Duration.ofSeconds(90), "the first file deleted for room", () -> {
            List<Path> files = mp4s(root);
            return files.size() >= 2 && !files.get(0).getFileName().toString().equals(cappedFirst);
        });
        // total size: never more than the cap and the file being written
        long total = 0;
        for (Path file : mp4s(root)) {
            total += Files.size(file);
        }
        assertTrue(total <= 6 * 1024 * 1024 + 8 * 1024 * 1024, "about the cap: " + total);
    }

    /**
     * A full file system: a small tmpfs (CI runs as root), filled by something else. The recording stops with a
     * clear status; a viewer goes on; once there is room it records again.
     */
    @Test
    @Order(1)
    void aFullFileSystemStopsTheRecordingAndItGoesOnWhenThereIsRoom() throws Exception {
        Path mount = Files.createDirectories(temp.resolve("small"));
        MediaTools.Result mounted = MediaTools.run(List.of("mount", "-t", "tmpfs", "-o", "size=24m", "tmpfs",
                mount.toString()));
        Assumptions.assumeTrue(mounted.exitCode() == 0, "cannot mount a tmpfs here (not root?): " + mounted.stderr()
                + "; RecorderTest covers a full disk with an injected one");
        try {
            Path data = Files.createDirectories(mount.resolve("data"));
            Files.writeString(data.resolve("camstream.properties"), "fps=15\n");
            try (TestServer server = TestServer.startIn(data, "--width", "320", "--height", "240", "--record",
                    "continuous", "--record-segment", "10", "--record-min-free", "2M", "--codec", "mjpeg");
                    MjpegClient viewer = MjpegClient.open(server.port(), "/stream.mjpeg")) {
                Poll.until(Duration.ofSeconds(30), "recording", () -> recording(server).get("file") != null);
                // Something else fills the disk.
                MediaTools.run(List.of("dd", "if=/dev/zero", "of=" + mount.resolve("filler"), "bs=1M"));
                Map<String, Object> stopped = Poll.until(Duration.ofSeconds(60), "the recording to stop",
                        () -> recording(server), r -> "stopped".equals(r.get("state")));
                String error = String.valueOf(stopped.get("lastError"));
                assertTrue(error.contains("full") || error.contains("record-min-free"), error);
                adminPageWarns(server);
                long before = System.nanoTime();
                viewer.next();
                viewer.next();
                assertTrue(System.nanoTime() - before < TimeUnit.SECONDS.toNanos(3), "the viewer goes on");
                assertEquals("fps=15\n", Files.readString(data.resolve("camstream.properties")),
                        "the settings file untouched");
                Files.delete(mount.resolve("filler"));
                Poll.until(Duration.ofSeconds(30), "recording again", () -> recording(server),
                        r -> "recording".equals(r.get("state")) && r.get("file") != null);
            }
        } finally {
            MediaTools.run(List.of("umount", "-l", mount.toString()));
        }
    }

    /** The admin page says that the recording stopped, and why, as a warning. */
    private static void adminPageWarns(TestServer server) {
        org.openqa.selenium.chrome.ChromeDriver browser = org.camstream.testing.Browser.start();
        try {
            browser.get("http://" + TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:"
                    + server.port() + "/admin");
            org.openqa.selenium.JavascriptExecutor js = browser;
            String shown = Poll.until(Duration.ofSeconds(20), "the admin page to show the stopped recording",
                    () -> (String) js.executeScript("return document.getElementById('st-recording').textContent"),
                    t -> t.startsWith("Recording stopped"));
            assertTrue(shown.contains("full") || shown.contains("record-min-free"), shown);
            assertEquals(Boolean.TRUE, js.executeScript(
                    "return document.getElementById('st-recording').classList.contains('current')"), "as a warning");
        } finally {
            browser.quit();
        }
    }

    // --- helpers ---

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> spans(TestServer server, String camera) {
        try {
            Map<String, Object> listing = JSON.std.mapFrom(server.get("/api/recordings?camera=" + camera).body());
            return (List<Map<String, Object>>) listing.get("spans");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static double seconds(Map<String, Object> span) {
        return ((Number) span.get("seconds")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cameraStatus(TestServer server, String camera) throws IOException {
        return JSON.std.mapFrom(server.get("/cam/" + camera + "/api/status").body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> recording(TestServer server) {
        try {
            return (Map<String, Object>) cameraStatus(server, "main").get("recording");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void assertError(TestServer server, String path, int status) throws IOException {
        HttpResponse<byte[]> answer = server.get(path);
        assertEquals(status, answer.statusCode(), path);
        Map<String, Object> body = JSON.std.mapFrom(answer.body());
        assertTrue(body.get("error") instanceof String, path + ": " + body);
    }

    private static List<String> codecs(Path file) {
        return MediaTools.runOk(List.of("ffprobe", "-v", "error", "-show_entries", "stream=codec_name", "-of",
                "csv=p=0", file.toString())).stdoutText().lines().toList();
    }

    private static double duration(Path file) {
        return Double.parseDouble(MediaTools.runOk(List.of("ffprobe", "-v", "error", "-show_entries",
                "format=duration", "-of", "csv=p=0", file.toString())).stdoutText().trim());
    }

    /** ffmpeg decodes it with no error; the timestamps are the camera's, so no frame rate is imposed. */
    private static void assertDecodes(Path file) {
        MediaTools.Result decoded = MediaTools.runOk(List.of("ffmpeg", "-v", "error", "-i", file.toString(),
                "-fps_mode", "passthrough", "-f", "null", "-"));
        List<String> errors = new ArrayList<>();
        for (String line : decoded.stderr().lines().toList()) {
            // the null muxer's note on two capture times within one of its ticks, not a decoding error
            if (!line.contains("non monotonically increasing dts") && !line.contains("Last message repeated")) {
                errors.add(line);
            }
        }
        assertEquals(List.of(), errors, file + " decodes without an error");
    }

    private static List<Path> mp4s(Path root) {
        if (!Files.isDirectory(root)) {
            return List.of();
        }
        try (Stream<Path> found = Files.walk(root)) {
            return found.filter(p -> p.toString().endsWith(".mp4")).sorted().toList();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static Path newest(Path root) {
        List<Path> files = mp4s(root);
        return files.isEmpty() ? null : files.get(files.size() - 1);
    }
}
