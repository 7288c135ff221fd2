package org.camstream.timelapse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
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
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.imageio.ImageIO;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Timelapses on a running server, with real ffmpeg and HTTP: a session started and stopped with the admin login
 * takes stills at the camera's size, renders to a video of exactly as many frames, one render at a time (a
 * second is queued, never run beside the first), a cancel kills the render and leaves no partial file; a session
 * found from before the start is listed as ended; and every bad request, traversal attempts included, gets a 4xx
 * with the reason as JSON, while changes without the admin login get a 401. A render's ffmpeg ends with the server,
 * even one killed with SIGKILL.
 */
@Timeout(value = 240, unit = TimeUnit.SECONDS)
class TimelapseIT {

    /** Stills of the session found on the disk at start: enough for a render of several seconds. */
    private static final int SEEDED_STILLS = 1500;

    @TempDir
    Path data;

    @Test
    void aSessionTakesStillsAndRendersOneAtATimeAndACancelLeavesNothing() throws Exception {
        String seeded = seedSession(SEEDED_STILLS);
        try (TestServer server = TestServer.startIn(data, "--width", "320", "--height", "240", "--fps", "15",
                "--record-min-free", "1M")) {
            // Found from before the start: it was running, so it is ended now.
            Map<String, Object> old = session(server, seeded);
            assertEquals(false, old.get("running"), old.toString());
            assertEquals(SEEDED_STILLS, number(old, "stills"));
            assertTrue(String.valueOf(old.get("endedBy")).contains("server stopped"), old.toString());

            // Changes need the admin login.
            assertEquals(401, server.send(post(server, "/api/timelapse/main/start", false)).statusCode());

            HttpResponse<byte[]> started = server.send(post(server, "/api/timelapse/main/start?interval=0.5", true));
            assertEquals(201, started.statusCode(), text(started));
            Map<String, Object> session = json(started);
            String id = (String) session.get("id");
            assertTrue(SessionIds.valid(id), id);
            assertEquals(0.5, ((Number) session.get("interval")).doubleValue());
            HttpResponse<byte[]> again = server.send(post(server, "/api/timelapse/main/start?interval=3", true));
            assertEquals(200, again.statusCode(), "a session runs: that one is the answer");
            assertEquals(id, json(again).get("id"));

            Poll.until(Duration.ofSeconds(60), "20 stills", () -> number(session(server, id), "stills") >= 20);
            Map<String, Object> status = cameraStatus(server);
            @SuppressWarnings("unchecked")
            Map<String, Object> timelapse = (Map<String, Object>) status.get("timelapse");
            assertEquals(id, timelapse.get("running"), timelapse.toString());
            assertTrue(((Number) timelapse.get("stills")).intValue() >= 20);

            HttpResponse<byte[]> stopped = server.send(post(server, "/api/timelapse/main/stop", true));
            assertEquals(200, stopped.statusCode(), text(stopped));
            Map<String, Object> ended = json(stopped);
            assertEquals(false, ended.get("running"));
            assertNotNull(ended.get("end"));
            assertEquals(409, server.send(post(server, "/api/timelapse/main/stop", true)).statusCode(),
                    "nothing left to stop");
            Map<String, Object> done = session(server, id);
            int stills = number(done, "stills");
            assertEquals(1, number(done, "firstStill"));
            Path dir = data.resolve("timelapse/main/" + id);
            for (int n = 1; n <= stills; n++) {
                BufferedImage image = ImageIO.read(dir.resolve(String.format("%06d.jpg", n)).toFile());
                assertNotNull(image, "still " + n + " is a JPEG");
                assertEquals(320, image.getWidth(), "still " + n + " at the camera's size");
                assertEquals(240, image.getHeight());
            }
            assertFalse(Files.exists(dir.resolve(String.format("%06d.jpg", stills + 1))), "no more after the stop");
            HttpResponse<byte[]> still = server.get("/cam/main/timelapse/" + id + "/still/1.jpg");
            assertEquals(200, still.statusCode());
            assertEquals("image/jpeg", still.headers().firstValue("content-type").orElse(""));
            assertTrue(Arrays.equals(Files.readAllBytes(dir.resolve("000001.jpg")), still.body()));
            HttpResponse<byte[]> preview = server.get((String) done.get("preview"));
            assertTrue(Arrays.equals(Files.readAllBytes(dir.resolve(String.format("%06d.jpg", stills))),
                    preview.body()), "the preview is the newest still");

            // Renders: watched from outside, never two ffmpegs on the timelapse's stills at once.
            String root = data.resolve("timelapse").toAbsolutePath().toString();
            AtomicInteger most = new AtomicInteger();
            AtomicBoolean watching = new AtomicBoolean(true);
            Thread watcher = new Thread(() -> Poll.until(Duration.ofSeconds(200), "the renders' end", () -> {
                long renders = ProcessHandle.current().descendants().filter(ProcessHandle::isAlive)
                        .filter(p -> p.info().commandLine().map(c -> c.contains(root)).orElse(false)).count();
                most.accumulateAndGet((int) renders, Math::max);
                return !watching.get();
            }), "render-watcher");
            watcher.setDaemon(true);
            watcher.start();
            try {
                HttpResponse<byte[]> first = server.send(post(server, "/api/timelapse/main/" + seeded + "/render", true));
                assertEquals(202, first.statusCode(), text(first));
                Poll.until(Duration.ofSeconds(30), "the long render under way", () -> {
                    Map<String, Object> render = render(session(server, seeded));
                    return render.get("state").equals("rendering") && ((Number) render.get("progress")).doubleValue() > 0;
                });
                HttpResponse<byte[]> second = server.send(post(server, "/api/timelapse/main/" + id + "/render?fps=10",
                        true));
                assertEquals(202, second.statusCode(), text(second));
                Map<String, Object> queued = render(json(second));
                assertEquals("queued", queued.get("state"), queued.toString());
                assertEquals(1, number(queued, "queuePosition"));
                assertTrue(server.send(post(server, "/api/timelapse/main/" + seeded + "/render", true)).statusCode()
                        == 202, "asking again answers the render that runs");

                // Cancel the long one: ffmpeg is killed, its partial output deleted, and then the next one runs.
                Path seededDir = data.resolve("timelapse/main/" + seeded);
                Poll.until(Duration.ofSeconds(10), "the partial file", () -> Files.exists(seededDir.resolve(
                        SessionFiles.PARTIAL)));
                HttpResponse<byte[]> cancelled = server.send(delete(server, "/api/timelapse/main/" + seeded + "/render"));
                assertEquals(200, cancelled.statusCode(), text(cancelled));
                assertEquals("cancelled", render(json(cancelled)).get("state"));
                Poll.until(Duration.ofSeconds(10), "the partial file gone", () -> !Files.exists(seededDir.resolve(
                        SessionFiles.PARTIAL)));
                assertFalse(Files.exists(seededDir.resolve(SessionFiles.VIDEO)), "no video of a cancelled render");
                assertEquals(409, server.send(delete(server, "/api/timelapse/main/" + seeded + "/render"))
                        .statusCode(), "nothing left to cancel");

                List<Double> progress = new ArrayList<>();
                Map<String, Object> rendered = Poll.until(Duration.ofSeconds(60), "the render done", () -> {
                    Map<String, Object> render = render(session(server, id));
                    progress.add(((Number) render.get("progress")).doubleValue());
                    return render;
                }, render -> render.get("state").equals("done") || render.get("state").equals("failed"));
                assertEquals("done", rendered.get("state"), rendered.toString());
                assertEquals(1.0, ((Number) rendered.get("progress")).doubleValue());
                for (int i = 1; i < progress.size(); i++) {
                    assertTrue(progress.get(i) >= progress.get(i - 1), "progress only grows: " + progress);
                }
                HttpResponse<byte[]> video = server.get((String) rendered.get("video"));
                assertEquals(200, video.statusCode());
                assertEquals("video/mp4", video.headers().firstValue("content-type").orElse(""));
                String disposition = video.headers().firstValue("content-disposition").orElse("");
                assertTrue(disposition.contains("main-timelapse-") && disposition.endsWith(".mp4\""), disposition);
                Path file = data.resolve("rendered.mp4");
                Files.write(file, video.body());
                Map<String, Object> stream = MediaTools.probeVideoStream(file);
                assertEquals(stills, MediaTools.intField(stream, "nb_read_frames"), "a frame for every still");
                assertEquals(320, MediaTools.intField(stream, "width"));
                assertEquals("10/1", stream.get("r_frame_rate"));
                HttpResponse<byte[]> part = server.send(HttpRequest.newBuilder(server.uri((String) rendered.get("video")))
                        .header("Range", "bytes=100-199").build());
                assertEquals(206, part.statusCode());
                assertTrue(Arrays.equals(video.body(), 100, 200, part.body(), 0, part.body().length));
            } finally {
                watching.set(false);
                watcher.join(5_000);
            }
            assertTrue(most.get() >= 1, "the watcher saw the renders");
            assertEquals(1, most.get(), "never two renders at once");

            // The disk the sessions take, and a deletion.
            @SuppressWarnings("unchecked")
            Map<String, Object> disk = (Map<String, Object>) server.status().get("timelapse");
            assertTrue(((Number) disk.get("totalBytes")).longValue() > 0, disk.toString());
            assertEquals(2, number(disk, "sessions"));
            HttpResponse<byte[]> deleted = server.send(delete(server, "/api/timelapse/main/" + id));
            assertEquals(200, deleted.statusCode(), text(deleted));
            assertFalse(Files.exists(dir));
            assertEquals(404, server.get("/api/timelapse/main/" + id).statusCode());
            assertEquals(404, server.get("/cam/main/timelapse/" + id + "/still/1.jpg").statusCode());
        }
    }

    @Test
    void badRequestsGetClearErrorsAndNoPathLeavesTheTimelapses() throws Exception {
        try (TestServer server = TestServer.startIn(data, "--width", "320", "--height", "240")) {
            Files.createDirectories(data.resolve("timelapse"));
            Files.writeString(data.resolve("timelapse/secret.txt"), "root:x:0:0");
            HttpResponse<byte[]> started = server.send(post(server, "/api/timelapse/main/start?interval=1", true));
            String id = (String) json(started).get("id");
            Poll.until(Duration.ofSeconds(30), "a still", () -> number(session(server, id), "stills") >= 1);

            // Without the admin login: refused, and nothing happens.
            for (String path : List.of("/api/timelapse/main/start", "/api/timelapse/main/stop",
                    "/api/timelapse/main/" + id + "/render")) {
                assertEquals(401, server.send(post(server, path, false)).statusCode(), path);
            }
            assertEquals(401, server.send(HttpRequest.newBuilder(server.uri("/api/timelapse/main/" + id))
                    .DELETE().build()).statusCode());
            HttpResponse<byte[]> crossSite = server.send(server.asAdmin("/api/timelapse/main/stop")
                    .header("Origin", "http://evil.example").POST(HttpRequest.BodyPublishers.noBody()).build());
            assertError(crossSite, 403); // another site's page, with the admin's stored login
            assertEquals(true, session(server, id).get("running"), "still running");

            server.send(post(server, "/api/timelapse/main/stop", true));
            for (String bad : List.of("0.1", "0", "-1", "90000", "abc", "NaN", "Infinity")) {
                assertError(server.send(post(server, "/api/timelapse/main/start?interval=" + bad, true)), 400);
            }
            for (String fps : List.of("0", "61", "2.5", "x")) {
                assertError(server.send(post(server, "/api/timelapse/main/" + id + "/render?fps=" + fps, true)), 400);
            }
            assertError(server.send(post(server, "/api/timelapse/nope/start", true)), 404);
            assertError(server.send(post(server, "/api/timelapse/main/2020-01-01T00-00-00/render", true)), 404);
            assertError(server.send(delete(server, "/api/timelapse/main/2020-01-01T00-00-00")), 404);
            assertError(server.get("/api/timelapse/nope"), 404);
            assertError(server.get("/api/timelapse/main/2020-01-01T00-00-00"), 404);
            assertError(server.get("/cam/nope/timelapse/" + id + "/preview.jpg"), 404);
            assertError(server.get("/cam/main/timelapse/2020-01-01T00-00-00/preview.jpg"), 404);
            assertError(server.get("/cam/main/timelapse/" + id + "/still/99999.jpg"), 404);
            assertError(server.get("/cam/main/timelapse/" + id + "/video.mp4"), 404);

            List<String> attempts = new ArrayList<>(List.of(
                    "/cam/main/timelapse/..%2f..%2fsaved-settings.properties",
                    "/cam/main/timelapse/%2e%2e/secret.txt",
                    "/cam/main/timelapse/%2e%2e/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
                    "/cam/main/timelapse/" + id + "/still/..%2f..%2fsession.json",
                    "/cam/main/timelapse/" + id + "/still/%2e%2e%2f%2e%2e%2fsecret.txt",
                    "/cam/main/timelapse/" + id + "/still/%2e%2e/session.json",
                    "/cam/main/timelapse/" + id + "/session.json",
                    "/cam/main/timelapse/" + id + "/still/..%5c..%5csecret.txt",
                    "/cam/main/timelapse//etc/passwd",
                    "/cam/main/timelapse/%2fetc%2fpasswd/preview.jpg",
                    "/cam/main/timelapse/" + id + "/still//etc/passwd",
                    "/cam/main/timelapse/" + id + "%2f..%2f..%2fsecret.txt/preview.jpg",
                    "/cam/%2e%2e/timelapse/" + id + "/preview.jpg",
                    "/api/timelapse/main/..%2f..%2f",
                    "/api/timelapse/%2e%2e",
                    "/api/timelapse/main/%2e%2e%2fsecret.txt",
                    "/api/timelapse/main/" + id + "/../../../../../etc/passwd", // Tomcat resolves it: /etc/passwd
                    "/cam/main/timelapse/" + id + "/../../../../../etc/passwd",
                    "/api/timelapse//etc/passwd",
                    "/api/timelapse/main/%2Fetc%2Fpasswd"));
            for (String path : attempts) {
                HttpResponse<byte[]> answer = server.get(path);
                String body = text(answer);
                assertFalse(body.contains("root:") || body.contains("admin-password") || body.contains("\"version\""),
                        path + ": " + body);
                assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500, path + " " + answer.statusCode());
                assertTrue(answer.headers().firstValue("content-type").orElse("").startsWith("application/json"),
                        path + " answers JSON: " + answer.headers().map());
                assertTrue(JSON.std.mapFrom(answer.body()).get("error") instanceof String, path + ": " + body);
            }
            for (String path : List.of("/api/timelapse/main/..%2f" + id + "/render", "/api/timelapse/%2e%2e/start",
                    "/api/timelapse/main/" + id + "%2f..%2f..%2f/render")) {
                HttpResponse<byte[]> answer = server.send(post(server, path, true));
                assertTrue(answer.statusCode() >= 400 && answer.statusCode() < 500, path + " " + answer.statusCode());
            }
            assertTrue(Files.exists(data.resolve("timelapse/main/" + id + "/000001.jpg")), "nothing was deleted");
        }
    }

    /**
     * A render never outlives the server: the WAR in a JVM of its own renders a long session, the JVM is killed
     * with SIGKILL (no shutdown hook, nothing stopped), and the render's ffmpeg, which reads its stills from the
     * server, sees its input end and exits within a few seconds instead of rendering on alone. The render runs
     * gently meanwhile: niced (where the system has nice) and with two encoder threads.
     */
    @Test
    void aRenderEndsWithTheServerEvenWhenTheServerIsKilled() throws Exception {
        String seeded = seedSession(SEEDED_STILLS);
        String output = data.resolve("timelapse/main/" + seeded + "/" + SessionFiles.PARTIAL).toAbsolutePath()
                .toString();
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD, "--data-dir", data.toString(),
                "--width", "320", "--height", "240")) {
            String credentials = java.util.Base64.getEncoder().encodeToString(
                    (TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
            HttpResponse<byte[]> asked = java.net.http.HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    java.net.URI.create("http://127.0.0.1:" + server.port() + "/api/timelapse/main/" + seeded
                            + "/render")).timeout(Duration.ofSeconds(20)).header("Authorization", "Basic " + credentials)
                    .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(202, asked.statusCode(), text(asked));
            Poll.until(Duration.ofSeconds(30), "the long render under way", () -> {
                Map<String, Object> render = render(session(server, seeded));
                return render.get("state").equals("rendering") && ((Number) render.get("progress")).doubleValue() > 0;
            });
            List<Long> renders = ffmpegWriting(output);
            assertEquals(1, renders.size(), "one ffmpeg renders to " + output);
            long pid = renders.get(0);
            List<String> command = commandLine(pid);
            assertTrue(String.join(" ", command).contains("-i pipe:0"), "the stills come from the server: " + command);
            assertTrue(String.join(" ", command).contains("-threads 2"), command.toString());
            if (Files.isExecutable(RenderCommand.NICE)) {
                assertEquals(10, niceness(pid), "the render runs at a lower priority");
            }
            double progress = ((Number) render(session(server, seeded))
                    .get("progress")).doubleValue();
            assertTrue(progress < 0.5, "the render has far to go when the server dies: " + progress);

            server.process().destroyForcibly(); // SIGKILL: no shutdown hook, nothing stopped
            assertTrue(server.process().waitFor(10, TimeUnit.SECONDS), "the server is dead");
            long killedAt = System.nanoTime();
            try {
                Poll.until(Duration.ofSeconds(5), "no ffmpeg rendering to " + output + " after the server's death",
                        () -> ffmpegWriting(output).isEmpty());
            } finally {
                ffmpegWriting(output).forEach(p -> ProcessHandle.of(p).ifPresent(ProcessHandle::destroyForcibly));
            }
            System.out.printf("the render's ffmpeg ended %.2f s after the server's SIGKILL, %.0f %% into the render%n",
                    (System.nanoTime() - killedAt) / 1e9, progress * 100);
        }
    }

    /** The processes whose command line is an ffmpeg writing to {@code output}, from /proc. */
    private static List<Long> ffmpegWriting(String output) {
        List<Long> found = new ArrayList<>();
        try (var entries = Files.list(Path.of("/proc"))) {
            for (Path entry : entries.toList()) {
                String name = entry.getFileName().toString();
                if (!name.chars().allMatch(Character::isDigit)) {
                    continue;
                }
                List<String> command = commandLine(Long.parseLong(name));
                if (!command.isEmpty() && command.get(0).endsWith("ffmpeg") && command.contains(output)) {
                    found.add(Long.parseLong(name));
                }
            }
        } catch (IOException e) {
            throw new AssertionError("cannot list /proc", e);
        }
        return found;
    }

    /** A process's arguments, from /proc; empty when it has gone. */
    private static List<String> commandLine(long pid) {
        try {
            String text = new String(Files.readAllBytes(Path.of("/proc", Long.toString(pid), "cmdline")),
                    StandardCharsets.UTF_8);
            return text.isEmpty() ? List.of() : List.of(text.split("\u0000"));
        } catch (IOException e) {
            return List.of();
        }
    }

    /** A process's nice value: the 19th field of /proc/<pid>/stat, counted after the name in parentheses. */
    private static int niceness(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return Integer.parseInt(fields[16]);
    }

    private static Map<String, Object> session(WarProcess server, String id) {
        try {
            return JSON.std.mapFrom(server.get("/api/timelapse/main/" + id));
        } catch (IOException e) {
            throw new AssertionError("session " + id + ": " + e, e);
        }
    }

    /** A session as if a server had been running it when it died: its stills, and metadata that says running. */
    private String seedSession(int stills) throws IOException {
        String id = LocalDateTime.ofInstant(Instant.now().minusSeconds(3600), ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss"));
        Path dir = Files.createDirectories(data.resolve("timelapse/main/" + id));
        Path big = data.resolve("big.jpg");
        MediaTools.runOk(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=size=1280x720", "-frames:v", "1", "-q:v", "3", big.toString()));
        for (int n = 1; n <= stills; n++) {
            Files.createLink(dir.resolve(String.format("%06d.jpg", n)), big); // one picture, no room taken
        }
        Files.writeString(dir.resolve("session.json"), "{\"version\":1,\"camera\":\"main\",\"id\":\"" + id
                + "\",\"continuous\":false,\"start\":\"" + Instant.now().minusSeconds(3600) + "\",\"end\":null,"
                + "\"interval\":2.0,\"missed\":0}");
        return id;
    }

    private static HttpRequest post(TestServer server, String path, boolean admin) {
        HttpRequest.Builder builder = admin ? server.asAdmin(path)
                : HttpRequest.newBuilder(server.uri(path)).timeout(Duration.ofSeconds(20));
        return builder.POST(HttpRequest.BodyPublishers.noBody()).build();
    }

    private static HttpRequest delete(TestServer server, String path) {
        return server.asAdmin(path).DELETE().build();
    }

    private static Map<String, Object> session(TestServer server, String id) {
        HttpResponse<byte[]> answer = server.get("/api/timelapse/main/" + id);
        if (answer.statusCode() != 200) {
            throw new AssertionError("session " + id + ": " + answer.statusCode() + " " + text(answer));
        }
        return json(answer);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> render(Map<String, Object> session) {
        return (Map<String, Object>) session.get("render");
    }

    private static Map<String, Object> cameraStatus(TestServer server) {
        return json(server.get("/cam/main/api/status"));
    }

    private static int number(Map<String, Object> map, String key) {
        Object value = map.get(key);
        if (!(value instanceof Number n)) {
            throw new AssertionError(key + " is not a number in " + map);
        }
        return n.intValue();
    }

    private static Map<String, Object> json(HttpResponse<byte[]> answer) {
        try {
            return JSON.std.mapFrom(answer.body());
        } catch (IOException e) {
            throw new AssertionError("not JSON (" + answer.statusCode() + "): " + text(answer), e);
        }
    }

    private static String text(HttpResponse<byte[]> answer) {
        return new String(answer.body(), StandardCharsets.UTF_8);
    }

    private static void assertError(HttpResponse<byte[]> answer, int status) {
        assertEquals(status, answer.statusCode(), answer.uri() + ": " + text(answer));
        assertTrue(json(answer).get("error") instanceof String, answer.uri() + ": " + text(answer));
    }
}
