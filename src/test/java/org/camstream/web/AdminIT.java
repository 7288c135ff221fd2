package org.camstream.web;

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
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.apache.commons.io.file.PathUtils;
import org.camstream.camera.source.V4l2Device;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.SpsParser;
import org.camstream.testing.Browser;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.camstream.testing.VideoSocketClient;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/** The admin API from outside: live changes while people watch, persistence, login, CSRF and validation. */
class AdminIT {

    @Test
    void changingTheResolutionKeepsEveryViewerConnected() throws Exception {
        ExecutorService pool = Executors.newCachedThreadPool();
        try (TestServer server = TestServer.start();
                MjpegClient mjpeg = MjpegClient.open(server.port(), "/stream.mjpeg");
                MjpegClient h264 = MjpegClient.open(server.port(), "/stream.h264");
                MjpegClient mp4 = MjpegClient.open(server.port(), "/stream.mp4");
                VideoSocketClient ws = VideoSocketClient.connect(server.port(), null)) {
            ChromeDriver browser = Browser.start();
            try {
                Map<String, Object> init = JSON.std.mapFrom(ws.next(15).text());
                assertEquals(1280, ((Number) init.get("width")).intValue());
                long generation = ((Number) init.get("generation")).longValue();
                assertEquals(720, size(mjpeg.next().body())[1]);

                browser.get(server.uri("/?mode=mse").toString());
                JavascriptExecutor js = browser;
                Poll.until(Duration.ofSeconds(30), "the MSE player at 1280", () -> ((Number) js.executeScript(
                        "return document.getElementById('video').videoWidth")).intValue(), w -> w == 1280);
                js.executeScript("window.notReloaded = true;");

                // Keep the byte streams flowing while the change happens, as real players do.
                Future<Integer> h264Width = pool.submit(() -> widthOfNextSps(h264, 640));
                Future<Long> mp4Ended = pool.submit(() -> drainToEnd(mp4));

                HttpResponse<byte[]> put = server.send(server.asAdmin("/api/config")
                        .header("Content-Type", "application/json")
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"width\":640,\"height\":480}")).build());
                assertEquals(200, put.statusCode(), new String(put.body()));

                Poll.until(Duration.ofSeconds(20), "snapshots at 640x480", () -> {
                    HttpResponse<byte[]> snapshot = server.get("/snapshot.jpg");
                    return snapshot.statusCode() == 200 && size(snapshot.body())[0] == 640;
                });
                Poll.until(Duration.ofSeconds(20), "the MJPEG viewer to receive 640x480 frames", () -> {
                    try {
                        return size(mjpeg.next().body())[0] == 640;
                    } catch (IOException e) {
                        throw new AssertionError("the MJPEG viewer was disconnected", e);
                    }
                });
                Map<String, Object> newInit = Poll.until(Duration.ofSeconds(20), "a new init on the WebSocket", () -> {
                    try {
                        VideoSocketClient.Message m = ws.next(10);
                        return m.isText() ? JSON.std.mapFrom(m.text()) : Map.<String, Object>of();
                    } catch (IOException | InterruptedException e) {
                        throw new AssertionError(e);
                    }
                }, m -> "init".equals(m.get("type")));
                assertEquals(640, ((Number) newInit.get("width")).intValue());
                assertEquals(480, ((Number) newInit.get("height")).intValue());
                assertTrue(((Number) newInit.get("generation")).longValue() > generation);
                assertNotNull(ws.next(10).binary(), "the new init segment follows");

                assertEquals(640, h264Width.get(30, TimeUnit.SECONDS), "/stream.h264 goes on with the new SPS");
                assertTrue(mp4Ended.get(30, TimeUnit.SECONDS) > 0, "/stream.mp4 ended cleanly after the change");

                Poll.until(Duration.ofSeconds(30), "the MSE player at 640 without a reload", () -> ((Number)
                        js.executeScript("return document.getElementById('video').videoWidth")).intValue(), w -> w == 640);
                assertEquals(true, js.executeScript("return window.notReloaded === true"), "the page was not reloaded");
                Poll.until(Duration.ofSeconds(10), "the player to keep playing", () -> ((Number) js.executeScript(
                        "return window.camstream.stats().fps")).intValue() > 10);
            } finally {
                browser.quit();
            }
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void savedSettingsSurviveARestartUntilForgotten(@org.junit.jupiter.api.io.TempDir Path dataDir) throws Exception {
        try (TestServer server = TestServer.startIn(dataDir, "--codec", "mjpeg")) {
            assertEquals(200, put(server, "{\"jpegQuality\":55,\"fps\":15,\"hflip\":true}").statusCode());
        }
        try (TestServer server = TestServer.startIn(dataDir, "--codec", "mjpeg")) {
            Map<String, Object> config = config(server);
            assertEquals(55, values(config).get("jpegQuality"));
            assertEquals(15.0, ((Number) values(config).get("fps")).doubleValue());
            assertEquals(true, values(config).get("hflip"));
            assertEquals("saved on the admin page", origins(config).get("jpegQuality"));
            assertEquals(true, config.get("saved"));

            HttpResponse<byte[]> reset = server.send(server.asAdmin("/api/config").DELETE().build());
            assertEquals(200, reset.statusCode());
            config = config(server);
            assertEquals(80, values(config).get("jpegQuality"));
            assertEquals("default", origins(config).get("jpegQuality"));
            assertEquals(false, config.get("saved"));
        }
    }

    @Test
    void theAdminPageAndEveryWriteNeedTheAdminLogin() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg")) {
            for (String path : List.of("/admin", "/api/config", "/admin/admin.js")) {
                assertEquals(401, server.get(path).statusCode(), path + " without a login");
                HttpResponse<byte[]> wrong = server.send(HttpRequest.newBuilder(server.uri(path))
                        .header("Authorization", "Basic " + java.util.Base64.getEncoder()
                                .encodeToString("admin:wrong".getBytes())).build());
                assertEquals(401, wrong.statusCode(), path + " with a wrong password");
                assertTrue(wrong.headers().firstValue("www-authenticate").orElse("").startsWith("Basic"));
            }
            HttpResponse<byte[]> anonymousPut = server.send(HttpRequest.newBuilder(server.uri("/api/config"))
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"width\":640}")).build());
            assertEquals(401, anonymousPut.statusCode());

            HttpResponse<byte[]> page = server.send(server.asAdmin("/admin").build());
            assertEquals(200, page.statusCode());
            assertTrue(new String(page.body()).contains("admin/admin.js"));
            assertEquals("DENY", page.headers().firstValue("x-frame-options").orElse(""));
            assertTrue(page.headers().firstValue("content-security-policy").orElse("").contains("frame-ancestors 'none'"));
            assertEquals("nosniff", page.headers().firstValue("x-content-type-options").orElse(""));
            assertEquals(1280, values(config(server)).get("width"), "nothing changed");
        }
    }

    @Test
    void writesFromAnotherSiteAreRefused() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg")) {
            Map<String, Object> before = values(config(server));
            List<String[]> crossSite = List.of(new String[] {"Origin", "http://evil.example"},
                    new String[] {"Referer", "http://evil.example/camera.html"},
                    new String[] {"Sec-Fetch-Site", "cross-site"});
            for (String[] header : crossSite) {
                HttpResponse<byte[]> response = server.send(server.asAdmin("/api/config")
                        .header("Content-Type", "application/json").header(header[0], header[1])
                        .PUT(HttpRequest.BodyPublishers.ofString("{\"width\":640,\"height\":480}")).build());
                assertEquals(403, response.statusCode(), header[0] + ": " + header[1]);
                HttpResponse<byte[]> delete = server.send(server.asAdmin("/api/config").header(header[0], header[1])
                        .DELETE().build());
                assertEquals(403, delete.statusCode());
            }
            // An HTML form can only POST, and only as a form.
            HttpResponse<byte[]> form = server.send(server.asAdmin("/api/config")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .POST(HttpRequest.BodyPublishers.ofString("width=640")).build());
            assertEquals(405, form.statusCode());
            HttpResponse<byte[]> formPut = server.send(server.asAdmin("/api/config")
                    .header("Content-Type", "application/x-www-form-urlencoded")
                    .PUT(HttpRequest.BodyPublishers.ofString("width=640")).build());
            assertEquals(415, formPut.statusCode());
            assertEquals(before, values(config(server)), "the running configuration is unchanged");

            HttpResponse<byte[]> sameOrigin = server.send(server.asAdmin("/api/config")
                    .header("Content-Type", "application/json").header("Origin", "http://127.0.0.1:" + server.port())
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"jpegQuality\":60}")).build());
            assertEquals(200, sameOrigin.statusCode(), "the admin page's own requests pass");
        }
    }

    @Test
    void invalidValuesAreRejectedNamingTheFieldAndNothingChanges() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg")) {
            Map<String, Object> before = values(config(server));
            Object[][] cases = {
                {"{\"width\":\"abc\"}", "width", "must be a whole number"},
                {"{\"width\":100000}", "width", "must be from 64 to 4096"},
                {"{\"width\":641}", "width", "must be even"},
                {"{\"source\":\"webcam\"}", "source", "must be one of test, rpicam, v4l2, ffmpeg"},
                {"{\"rotation\":90}", "rotation", "must be one of 0, 180"},
                {"{\"hflip\":\"maybe\"}", "hflip", "must be true or false"},
                {"{\"width\":640,\"fps\":0}", "fps", "must be from 1"},
                {"{\"port\":80}", "port", "is not a setting the admin page can change"},
                {"{\"width\":[640]}", "width", "needs a single value"},
            };
            for (Object[] c : cases) {
                HttpResponse<byte[]> response = put(server, (String) c[0]);
                assertEquals(400, response.statusCode(), (String) c[0]);
                Map<String, Object> error = JSON.std.mapFrom(response.body());
                assertEquals(c[1], error.get("field"), (String) c[0]);
                assertTrue(String.valueOf(error.get("reason")).startsWith((String) c[2]), error.toString());
                assertEquals(before, values(config(server)), "unchanged after " + c[0]);
            }
            HttpResponse<byte[]> notJson = put(server, "{width: 640");
            assertEquals(400, notJson.statusCode());
            assertTrue(new String(notJson.body()).contains("not valid JSON"));
            assertEquals(before, values(config(server)));
            assertTrue(Files.notExists(server.dataDir().resolve("saved-settings.properties")), "nothing was saved");
        }
    }

    @Test
    void theCheckGivesEveryRefusalInTheServersWordsAndChangesNothing() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg")) {
            Map<String, Object> before = values(config(server));
            HttpResponse<byte[]> both = check(server, "{\"width\":100000,\"fps\":0,\"jpegQuality\":50}");
            assertEquals(400, both.statusCode());
            Map<String, Object> verdict = JSON.std.mapFrom(both.body());
            List<?> errors = (List<?>) verdict.get("errors");
            assertEquals(2, errors.size(), "one per refused field: " + verdict);
            Map<String, Object> put = JSON.std.mapFrom(put(server, "{\"width\":100000,\"fps\":0}").body());
            assertEquals(put.get("error"), verdict.get("error"), "the check words it as PUT does");
            assertEquals("width must be from 64 to 4096, got '100000'", verdict.get("error"));
            assertEquals(Map.of("field", "fps", "error", "fps must be from 1.0 to 120.0, got '0'",
                    "reason", "must be from 1.0 to 120.0"), errors.get(1));

            HttpResponse<byte[]> noInput = check(server, "{\"source\":\"ffmpeg\"}");
            assertEquals(400, noInput.statusCode());
            Map<String, Object> missing = JSON.std.mapFrom(noInput.body());
            assertEquals("input", missing.get("field"), "the fault is in the field the source needs");
            assertEquals("input is needed for source ffmpeg: an rtsp:// or http:// URL, or a file", missing.get("error"));

            HttpResponse<byte[]> fine = check(server, "{\"width\":640,\"height\":480}");
            assertEquals(200, fine.statusCode(), new String(fine.body()));
            assertEquals(true, JSON.std.mapFrom(fine.body()).get("valid"));
            assertEquals(before, values(config(server)), "checking changes nothing");
            assertTrue(Files.notExists(server.dataDir().resolve("saved-settings.properties")), "nothing was saved");
            assertEquals(401, server.send(HttpRequest.newBuilder(server.uri("/api/config/check"))
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString("{}")).build()).statusCode(), "only for the admin");
        }
    }

    @Test
    void theInputIsGivenOutOnlyToTheAdminAndAMaskedOneKeepsItsPassword() throws Exception {
        String password = "Cam-Pa55word";
        String input = "rtsp://cam:" + password + "@127.0.0.1:9/live";
        try (TestServer server = TestServer.start("--codec", "mjpeg")) {
            HttpResponse<byte[]> set = put(server, "{\"source\":\"ffmpeg\",\"input\":\"" + input + "\"}");
            assertEquals(200, set.statusCode(), new String(set.body()));
            Map<String, Object> config = config(server);
            assertEquals(input, values(config).get("input"), "the admin's own settings API gives the real input");
            assertEquals(Map.of("input", "rtsp://cam:***@127.0.0.1:9/live"), config.get("masked"));
            assertEquals(List.of("input"), ((Map<?, ?>) ((Map<?, ?>) config.get("allowed")).get("sourceFields"))
                    .get("ffmpeg"));
            assertFalse(new String(server.get("/api/status").body()).contains(password), "the status masks it");
            Path saved = server.dataDir().resolve("saved-settings.properties");
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(saved)),
                    "the saved input's password is for the owner only");

            // The page sends back what it shows: the password masked.
            assertEquals(200, put(server, "{\"input\":\"rtsp://cam:***@127.0.0.1:9/live\"}").statusCode());
            assertEquals(input, values(config(server)).get("input"), "re-applied unchanged, the password stays");
            assertEquals(200, put(server, "{\"input\":\"rtsp://cam:***@127.0.0.2:9/other\"}").statusCode());
            assertEquals("rtsp://cam:" + password + "@127.0.0.2:9/other", values(config(server)).get("input"),
                    "an edited address keeps the password");

            HttpResponse<byte[]> refused = put(server, "{\"source\":\"v4l2\",\"device\":\"video0\"}");
            assertEquals(400, refused.statusCode());
            assertEquals("device must be a device path such as /dev/video0, got 'video0'",
                    JSON.std.mapFrom(refused.body()).get("error"));
        }
    }

    @Test
    void theWebcamsListedComeWithTheFormatCamstreamWouldAskFor() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg")) {
            server.listWebcams(List.of(new V4l2Device("/dev/video4", "USB Camera", List.of(
                    new V4l2Device.Format(false, "yuyv422", "YUYV 4:2:2", List.of("640x480")),
                    new V4l2Device.Format(true, "mjpeg", "Motion-JPEG", List.of("1280x720", "640x480"))))));
            List<?> devices = (List<?>) config(server).get("devices");
            assertEquals(1, devices.size());
            Map<?, ?> webcam = (Map<?, ?>) devices.get(0);
            assertEquals("/dev/video4", webcam.get("path"));
            assertEquals("mjpeg", webcam.get("used"), "an MJPEG camera copies the webcam's MJPEG");
            assertEquals(List.of("1280x720", "640x480"), ((Map<?, ?>) ((List<?>) webcam.get("formats")).get(1)).get("sizes"));
        }
    }

    @Test
    void withoutAPasswordOneIsGeneratedStoredPrivatelyAndLoggedOnce(@org.junit.jupiter.api.io.TempDir Path dataDir)
            throws Exception {
        try (TestServer server = TestServer.startIn(dataDir, "--admin-password", "", "--codec", "mjpeg")) {
            Path file = dataDir.resolve("admin-password");
            assertTrue(Files.isRegularFile(file));
            assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
            String password = Files.readString(file).trim();
            assertTrue(password.length() >= 16, "a long random password");
            String credentials = java.util.Base64.getEncoder().encodeToString(("admin:" + password).getBytes());
            assertEquals(200, server.send(HttpRequest.newBuilder(server.uri("/api/config"))
                    .header("Authorization", "Basic " + credentials).build()).statusCode());

            // Cancelling the browser's login shows camstream's page: where the password is, how to choose one.
            RawHttp.Answer cancelled = RawHttp.get(server.port(), "/admin", ErrorChecks.BROWSER);
            ErrorChecks.assertPage(cancelled, 401, "the login page a browser shows when the login is cancelled", "/");
            assertEquals("Basic realm=\"camstream\"", cancelled.header("www-authenticate"), "browsers still prompt");
            String where = file.toAbsolutePath().toString();
            String home = System.getProperty("user.home");
            if (where.startsWith(home + "/")) {
                where = "~" + where.substring(home.length());
            }
            assertTrue(cancelled.body().contains("cat " + where), "names the file really used: " + cancelled.body());
            assertTrue(cancelled.body().contains("--admin-password"), cancelled.body());
            assertFalse(cancelled.body().contains(password), "never the password itself");
            assertFalse(cancelled.body().contains("Tomcat"), cancelled.body());
        }
        String first = Files.readString(dataDir.resolve("admin-password"));
        try (TestServer again = TestServer.startIn(dataDir, "--admin-password", "", "--codec", "mjpeg")) {
            assertEquals(first, Files.readString(dataDir.resolve("admin-password")), "kept across restarts");
        }
        PathUtils.deleteDirectory(dataDir);
    }

    @Test
    void viewerLoginIsOffByDefaultAndCanBeTurnedOn() throws Exception {
        try (TestServer open = TestServer.start("--codec", "mjpeg")) {
            assertEquals(200, open.get("/snapshot.jpg").statusCode(), "off by default");
        }
        try (TestServer closed = TestServer.start("--codec", "mjpeg", "--viewer-auth", "--viewer-user", "grandma",
                "--viewer-password", "birdbox")) {
            for (String path : List.of("/", "/snapshot.jpg", "/stream.mjpeg", "/api/status")) {
                assertEquals(401, closed.get(path).statusCode(), path);
            }
            String viewer = java.util.Base64.getEncoder().encodeToString("grandma:birdbox".getBytes());
            assertEquals(200, closed.send(HttpRequest.newBuilder(closed.uri("/snapshot.jpg"))
                    .header("Authorization", "Basic " + viewer).build()).statusCode());
            assertEquals(403, closed.send(HttpRequest.newBuilder(closed.uri("/api/config"))
                    .header("Authorization", "Basic " + viewer).build()).statusCode(), "watching is not administering");
            assertEquals(200, closed.send(closed.asAdmin("/snapshot.jpg").build()).statusCode());
        }
    }

    // --- helpers ---

    private static HttpResponse<byte[]> put(TestServer server, String json) {
        return server.send(server.asAdmin("/api/config").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static HttpResponse<byte[]> check(TestServer server, String json) {
        return server.send(server.asAdmin("/api/config/check").header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    private static Map<String, Object> config(TestServer server) throws IOException {
        HttpResponse<byte[]> response = server.send(server.asAdmin("/api/config").build());
        assertEquals(200, response.statusCode());
        return JSON.std.mapFrom(response.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> values(Map<String, Object> config) {
        return (Map<String, Object>) config.get("values");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> origins(Map<String, Object> config) {
        return (Map<String, Object>) config.get("origins");
    }

    private static int[] size(byte[] jpeg) {
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(jpeg));
            return new int[] {image.getWidth(), image.getHeight()};
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** Reads raw H.264 until an SPS of the wanted width, and a picture after it; returns that width. */
    private static int widthOfNextSps(MjpegClient client, int wanted) throws IOException {
        List<NalUnit> nals = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(nals::add);
        byte[] buffer = new byte[64 * 1024];
        Integer width = null;
        while (true) {
            int n = client.body().read(buffer);
            if (n < 0) {
                throw new IOException("/stream.h264 ended");
            }
            reader.feed(buffer, 0, n);
            for (NalUnit nal : nals) {
                if (nal.type() == NalUnit.SPS && SpsParser.parse(nal).width() == wanted) {
                    width = wanted;
                } else if (width != null && nal.type() == NalUnit.IDR) {
                    return width;
                }
            }
            nals.clear();
        }
    }

    /** Reads until the response ends with chunked encoding's last chunk; returns the bytes read. */
    private static long drainToEnd(MjpegClient client) throws IOException {
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        for (int n; (n = client.body().read(buffer)) >= 0; ) {
            total += n;
        }
        return total;
    }
}
