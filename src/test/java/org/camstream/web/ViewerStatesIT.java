package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Axe;
import org.camstream.testing.Browser;
import org.camstream.testing.FakeRpicam;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The viewer page in every state a person can meet, in a real Chromium, on a desktop (1280x800) and a phone
 * (390x844 at scale 3): playing in each mode, the camera offline and back, a source that cannot connect, a
 * server that went away, a browser that cannot play the mode; and its latency figure through a camera restart
 * and a change of resolution.
 */
class ViewerStatesIT {

    record Viewport(String name, int width, int height, double scale, boolean mobile) {
    }

    static final Viewport DESKTOP = new Viewport("desktop", 1280, 800, 1, false);
    static final Viewport PHONE = new Viewport("phone", 390, 844, 3, true);
    static final Viewport PHONE_LANDSCAPE = new Viewport("phone on its side", 844, 390, 3, true);

    @RegisterExtension
    final FakeRpicam rpicam = new FakeRpicam();

    private static ChromeDriver browser;
    private static JavascriptExecutor js;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
        js = browser;
    }

    @AfterAll
    static void quitBrowser() {
        if (browser != null) {
            browser.quit();
        }
    }

    @AfterEach
    void plainViewport() {
        browser.get("about:blank");
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
    }

    @Test
    void noHiddenElementIsRenderedAndThePictureFitsInEveryModeOnDesktopAndPhone() {
        try (TestServer server = TestServer.start("--width", "640", "--height", "480")) {
            for (Viewport viewport : List.of(DESKTOP, PHONE, PHONE_LANDSCAPE)) {
                emulate(viewport);
                for (String mode : List.of("mse", "mp4", "mjpeg", "jpeg")) {
                    String where = mode + " on a " + viewport.name();
                    browser.get(server.uri("/?mode=" + mode).toString());
                    waitUntilPlaying(where);
                    assertEquals(List.of(), renderedHiddenElements(), where + ": elements with hidden that show");
                    @SuppressWarnings("unchecked")
                    Map<String, Number> stage = (Map<String, Number>) js.executeScript(
                            "const r = document.getElementById('stage').getBoundingClientRect();"
                            + "return {left: r.left, right: r.right, top: r.top, bottom: r.bottom, width: r.width,"
                            + " height: r.height, vw: innerWidth, vh: innerHeight};");
                    assertTrue(stage.get("right").doubleValue() <= stage.get("vw").doubleValue() + 0.5
                            && stage.get("bottom").doubleValue() <= stage.get("vh").doubleValue() + 0.5,
                            where + ": the picture fits the viewport: " + stage);
                    assertEquals(640.0 / 480, stage.get("width").doubleValue() / stage.get("height").doubleValue(),
                            0.02, where + ": the picture area has the stream's shape: " + stage);
                    assertTrue(stage.get("width").doubleValue() >= Math.min(300, viewport.width() - 60),
                            where + ": the picture is not a small box: " + stage);
                    assertEquals(List.of(), smallTouchTargets(), where + ": buttons smaller than 44 px");
                    assertEquals(null, js.executeScript("return window.camstream.view()"), where);
                    assertEquals("complete", js.executeScript("return document.readyState"),
                            where + ": the page finished loading");
                }
            }
        }
    }

    @Test
    void theOfflineMessageCoversThePictureWithin2SecondsOfAKillAndGoesWhenTheCameraIsBack() throws Exception {
        try (TestServer server = TestServer.start("--source", "rpicam", "--width", "640", "--height", "480")) {
            for (String mode : List.of("mse", "mjpeg")) {
                browser.get(server.uri("/?mode=" + mode).toString());
                waitUntilPlaying(mode);
                Path broken = Files.createFile(rpicam.control().resolve("broken"));
                long pid = ((Number) server.camera().get("pid")).longValue();
                long killed = System.nanoTime();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                Map<String, Object> view = Poll.until(Duration.ofSeconds(5), mode + ": the offline message",
                        ViewerStatesIT::view, v -> v != null && "offline".equals(v.get("kind")));
                double seconds = (System.nanoTime() - killed) / 1e9;
                assertTrue(seconds < 2, mode + ": the offline message came after " + seconds + " s");
                assertTrue(isShownOverThePicture(), mode + ": the message sits over the picture area");
                Poll.until(Duration.ofSeconds(10), mode + ": the reason, in plain words, and when it retries",
                        ViewerStatesIT::view, v -> v != null && "The camera stopped sending pictures.".equals(v.get("detail"))
                                && String.valueOf(v.get("retry")).matches("Retrying (in \\d+ s|now…)"));
                assertEquals(List.of(), renderedHiddenElements(), mode + " offline");
                if (mode.equals("mjpeg")) {
                    assertTrue(offlineSaidOnce(), "mjpeg: the server's offline picture does not show under the message");
                }

                Files.delete(broken);
                Poll.until(Duration.ofSeconds(40), mode + ": the message to go once the camera is back",
                        () -> view() == null && Boolean.TRUE.equals(js.executeScript(
                                "return window.camstream.stats().playing")));
                assertTrue((Boolean) js.executeScript("return document.getElementById('message').hidden"));
                assertEquals("visible", js.executeScript("return getComputedStyle(document.getElementById("
                        + "window.camstream.stats().mode === 'mse' ? 'video' : 'live')).visibility"), mode + ": the picture shows again");
                if (mode.equals("mse")) {
                    double t0 = currentTime();
                    Poll.until(Duration.ofSeconds(10), "frames to flow again", this::currentTime, t -> t > t0 + 1);
                }
                Poll.until(Duration.ofSeconds(10), "the camera to settle", () -> "running".equals(server.camera().get("state")));
            }
        }
    }

    @Test
    void aSourceThatCannotConnectShowsTheOfflineStateWithItsReasonAndThePageFinishesLoading() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        String secret = "s3cret-pass";
        try (TestServer server = TestServer.start("--source", "ffmpeg", "--input",
                "rtsp://viewer:" + secret + "@127.0.0.1:" + closedPort + "/cam")) {
            for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                emulate(viewport);
                for (String mode : List.of("mjpeg", "jpeg", "mse")) {
                    String where = mode + " on a " + viewport.name();
                    browser.get(server.uri("/?mode=" + mode).toString());
                    Map<String, Object> view = Poll.until(Duration.ofSeconds(30), where + ": the offline message",
                            ViewerStatesIT::view, v -> v != null && "offline".equals(v.get("kind")));
                    assertEquals("Camera offline", view.get("title"));
                    if (!mode.equals("mse")) {
                        // The server sends MJPEG and stills viewers a picture that says the camera is offline, with
                        // a countdown of its own: it arrives, and the page's message is the one that shows.
                        Poll.until(Duration.ofSeconds(10), where + ": the server's offline picture loaded", () ->
                                ((Number) js.executeScript("return document.getElementById('live').naturalWidth")).intValue() > 0);
                        assertTrue(offlineSaidOnce(), where + ": the offline message is shown once");
                    }
                    Poll.until(Duration.ofSeconds(20), where + ": the page finishes loading",
                            () -> "complete".equals(js.executeScript("return document.readyState")));
                    assertTrue(isShownOverThePicture(), where);
                    assertFalse(browser.getPageSource().contains(secret), where + ": the password is not on the page");
                    assertEquals(List.of(), renderedHiddenElements(), where);
                    @SuppressWarnings("unchecked")
                    Map<String, Number> stage = (Map<String, Number>) js.executeScript(
                            "const r = document.getElementById('stage').getBoundingClientRect();"
                            + "return {width: r.width, height: r.height};");
                    assertTrue(stage.get("width").doubleValue() >= Math.min(300, viewport.width() - 60)
                            && stage.get("height").doubleValue() > 150, where + ": not a 300x150 box: " + stage);
                }
            }
        }
    }

    @Test
    void aServerThatGoesAwayIsSaidSoAndThePlayerComesBackWithIt() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestServer first = TestServer.start("--port", Integer.toString(port), "--width", "640", "--height", "360");
        try {
            browser.get(first.uri("/?mode=mse").toString());
            waitUntilPlaying("mse");
        } finally {
            first.close();
        }
        Poll.until(Duration.ofSeconds(15), "the page to say the server does not answer", ViewerStatesIT::view,
                v -> v != null && "unreachable".equals(v.get("kind")));
        assertTrue(isShownOverThePicture());
        try (TestServer second = TestServer.start("--port", Integer.toString(port), "--width", "640", "--height", "360")) {
            Poll.until(Duration.ofSeconds(40), "playing again, without a reload", () -> view() == null);
        }
    }

    @Test
    void aBrowserWithoutMediaSourceExtensionsIsToldToChooseMjpeg() {
        try (TestServer server = TestServer.start("--width", "640", "--height", "360")) {
            Object script = browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "delete window.MediaSource; delete window.ManagedMediaSource;"
                    + "const canPlay = HTMLMediaElement.prototype.canPlayType;"
                    + "HTMLMediaElement.prototype.canPlayType = function (t) {"
                    + " return /mpegurl/i.test(t) ? '' : canPlay.call(this, t); };")).get("identifier");
            try {
                browser.get(server.uri("/?mode=mse").toString());
                Map<String, Object> view = Poll.until(Duration.ofSeconds(10), "the not-supported message",
                        ViewerStatesIT::view, v -> v != null && "unsupported".equals(v.get("kind")));
                assertEquals("This browser cannot play MSE", view.get("title"));
                assertEquals(List.of(), renderedHiddenElements());
                browser.findElement(By.cssSelector("#modes button[data-mode=mjpeg]")).click();
                waitUntilPlaying("mjpeg, chosen after");
                // A browser with neither MSE nor HLS of its own (this one says it has no HLS): said too.
                browser.get(server.uri("/?mode=hls").toString());
                Map<String, Object> hls = Poll.until(Duration.ofSeconds(10), "the not-supported message for HLS",
                        ViewerStatesIT::view, v -> v != null && "unsupported".equals(v.get("kind")));
                assertEquals("This browser cannot play HLS", hls.get("title"));
            } finally {
                browser.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
            }
        }
    }

    @Test
    void hlsModePlaysNativelyWhereTheBrowserPlaysHls() {
        try (TestServer server = TestServer.start("--width", "640", "--height", "360")) {
            browser.get(server.uri("/?mode=hls").toString());
            assertEquals(true, js.executeScript("return document.createElement('video')"
                    + ".canPlayType('application/vnd.apple.mpegurl') !== ''"), "this Chromium plays HLS by itself");
            waitUntilPlaying("hls");
            assertEquals("hls", js.executeScript("return window.camstream.stats().mode"));
            assertEquals(true, js.executeScript("return document.getElementById('video').currentSrc.endsWith('hls/index.m3u8')"),
                    "the video element plays the playlist itself, not through a MediaSource");
            Poll.until(Duration.ofSeconds(20), "640 px wide video", () -> js.executeScript(
                    "return JSON.stringify([window.camstream.stats(), document.getElementById('video').videoWidth,"
                    + " document.getElementById('video').currentTime, document.getElementById('video').readyState])"),
                    v -> String.valueOf(v).contains("\"width\":640"));
            assertEquals(List.of(), renderedHiddenElements(), "hls");
        }
    }

    @Test
    void theLatencyStaysBetween0And1000MsThroughACameraRestartAndAChangeOfResolution() throws Exception {
        try (TestServer server = TestServer.start("--width", "640", "--height", "360")) {
            browser.get(server.uri("/?mode=mse").toString());
            waitUntilPlaying("mse");
            LatencySamples samples = new LatencySamples();
            samples.collectUntil(Duration.ofSeconds(30), "a first latency", () -> samples.fresh() >= 10);

            long pid = ((Number) server.camera().get("pid")).longValue();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            samples.markEvent();
            samples.collectUntil(Duration.ofSeconds(30), "latency again after the restart",
                    () -> samples.fresh() >= 20 && !Long.valueOf(pid).equals(pidOf(server)));

            HttpResponse<byte[]> put = server.send(server.asAdmin("/api/config").header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"width\":320,\"height\":240}")).build());
            assertEquals(200, put.statusCode(), new String(put.body()));
            samples.markEvent();
            samples.collectUntil(Duration.ofSeconds(40), "latency again at 320x240", () -> samples.fresh() >= 20
                    && Long.valueOf(320).equals(js.executeScript("return window.camstream.stats().width")));

            System.out.println("Latency through a camera restart and a change of resolution:\n" + samples);
            assertEquals(List.of(), samples.outOfRange(), "every latency shown is between 0 and 1000 ms; " + samples);
            for (int stretch = 1; stretch <= 2; stretch++) {
                // Where it was before, give or take a few frames: not stuck a few frames behind for good.
                assertTrue(samples.settled(stretch) < samples.settled(0) + 120, "settles back: " + samples);
            }
        }
    }

    @Test
    void fullscreenAndTheStatisticsCanBeToggled() {
        try (TestServer server = TestServer.start("--width", "640", "--height", "360")) {
            emulate(DESKTOP);
            browser.get(server.uri("/?mode=mjpeg").toString());
            waitUntilPlaying("mjpeg");
            boolean statsShown = !(Boolean) js.executeScript("return document.getElementById('overlay').hidden");
            browser.findElement(By.id("overlay-toggle")).click();
            assertEquals(statsShown, js.executeScript("return document.getElementById('overlay').hidden"));
            assertEquals(String.valueOf(!statsShown), browser.findElement(By.id("overlay-toggle")).getAttribute("aria-expanded"));

            browser.findElement(By.id("fullscreen")).click();
            Poll.until(Duration.ofSeconds(5), "full screen", () -> "viewer".equals(js.executeScript(
                    "return document.fullscreenElement && document.fullscreenElement.id")));
            browser.findElement(By.id("fullscreen")).click();
            Poll.until(Duration.ofSeconds(5), "out of full screen", () -> js.executeScript(
                    "return document.fullscreenElement") == null);
        }
    }

    @Test
    void thePageHasNoAccessibilityViolationsAtLevelAaPlayingOrOffline() throws IOException {
        try (TestServer server = TestServer.start("--width", "640", "--height", "360")) {
            for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                emulate(viewport);
                for (String mode : List.of("mse", "mjpeg")) {
                    browser.get(server.uri("/?mode=" + mode).toString());
                    waitUntilPlaying(mode);
                    assertEquals(List.of(), Axe.violations(browser), mode + " on a " + viewport.name());
                }
            }
            for (String scheme : List.of("light", "dark")) {
                browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                        List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
                browser.get(server.uri("/?mode=mjpeg").toString());
                waitUntilPlaying("mjpeg");
                assertEquals(List.of(), Axe.violations(browser), scheme + " scheme");
            }
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        }
        try (TestServer offline = TestServer.start("--source", "ffmpeg", "--input", "/nonexistent/recording.h264")) {
            browser.get(offline.uri("/?mode=mjpeg").toString());
            Poll.until(Duration.ofSeconds(30), "the offline message", ViewerStatesIT::view,
                    v -> v != null && "offline".equals(v.get("kind")));
            assertEquals(List.of(), Axe.violations(browser), "offline");
        }
    }

    @Test
    void aCameraRemovedWhileItsPageIsOpenIsSaidSoAndComesBackWhenAddedAgain() throws IOException {
        try (TestServer server = TestServer.start("--width", "640", "--height", "360")) {
            for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                emulate(viewport);
                for (String mode : List.of("mjpeg", "mse")) {
                    String where = mode + " on a " + viewport.name();
                    addCamera(server, "garden");
                    browser.get(server.uri("/cam/garden/?mode=" + mode).toString());
                    waitUntilPlaying(where);
                    assertEquals("garden", js.executeScript("return document.getElementById('camera-name').textContent"));
                    Poll.until(Duration.ofSeconds(10), where + ": the link to all cameras", () -> Boolean.FALSE.equals(
                            js.executeScript("return document.getElementById('all-cameras').hidden")));
                    assertEquals(server.uri("/").toString(), js.executeScript(
                            "return document.getElementById('all-cameras').href"), where + ": to the context root");

                    HttpResponse<byte[]> delete = server.send(server.asAdmin("/api/config/cameras/garden").DELETE().build());
                    assertEquals(200, delete.statusCode(), new String(delete.body()));
                    Map<String, Object> view = Poll.until(Duration.ofSeconds(5), where + ": the removed message",
                            ViewerStatesIT::view, v -> v != null && "removed".equals(v.get("kind")));
                    assertEquals("This camera was removed", view.get("title"));
                    assertTrue(isShownOverThePicture(), where);
                    assertEquals(Boolean.FALSE, js.executeScript("return window.camstream.stats().playing"), where);
                    assertEquals(Boolean.TRUE, js.executeScript("return document.getElementById('video').hidden"
                            + " && document.getElementById('live').hidden"), where + ": the player stopped");
                    assertEquals("camera removed", js.executeScript(
                            "return document.getElementById('camera-state').textContent"), where);
                    assertEquals(server.uri("/").toString(), js.executeScript(
                            "return document.getElementById('message-link').href"), where + ": the way to the others");
                    assertEquals(List.of(), renderedHiddenElements(), where);
                    assertEquals(List.of(), smallTouchTargets(), where);
                    assertEquals(List.of(), Axe.violations(browser), where + ", removed");

                    // The same name added again: its page plays it again, without a reload.
                    js.executeScript("window.notReloaded = true;");
                    addCamera(server, "garden");
                    waitUntilPlaying(where + ", added again");
                    assertEquals(true, js.executeScript("return window.notReloaded === true"), where);
                    delete = server.send(server.asAdmin("/api/config/cameras/garden").DELETE().build());
                    assertEquals(200, delete.statusCode(), new String(delete.body()));
                }
            }
        }
    }

    private static void addCamera(TestServer server, String name) {
        HttpResponse<byte[]> post = server.send(server.asAdmin("/api/config/cameras")
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(
                        "{\"name\":\"" + name + "\",\"source\":\"test\",\"width\":320,\"height\":240}")).build());
        assertEquals(200, post.statusCode(), new String(post.body()));
    }

    @Test
    void theFaviconIsServed() {
        try (TestServer server = TestServer.start()) {
            HttpResponse<byte[]> svg = server.get("/favicon.svg");
            assertEquals(200, svg.statusCode());
            assertTrue(svg.headers().firstValue("content-type").orElse("").startsWith("image/svg+xml"));
            HttpResponse<byte[]> ico = server.get("/favicon.ico");
            assertEquals(200, ico.statusCode());
            assertEquals(0, ico.body()[0]);
            assertEquals(1, ico.body()[2], "an ICO file");
        }
    }

    /**
     * Screenshots of each state for the README, at desktop and phone size, into the directory named by
     * {@code -Dviewer.screenshots=docs/screenshots}.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "viewer.screenshots", matches = ".+")
    void screenshots() throws Exception {
        Path directory = Path.of(System.getProperty("viewer.screenshots"));
        Files.createDirectories(directory);
        try (TestServer server = TestServer.start("--width", "1280", "--height", "720")) {
            for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                emulate(viewport);
                browser.get(server.uri("/?mode=mse").toString());
                waitUntilPlaying("mse");
                Poll.until(Duration.ofSeconds(10), "a latency figure", () -> js.executeScript(
                        "return window.camstream.stats().latencyMs") != null);
                shoot(directory.resolve("viewer-playing-" + viewport.name() + ".png"));
            }
        }
        try (TestServer server = TestServer.start("--source", "ffmpeg", "--input", "rtsp://viewer:secret@127.0.0.1:9/cam")) {
            for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                emulate(viewport);
                browser.get(server.uri("/?mode=mjpeg").toString());
                Poll.until(Duration.ofSeconds(30), "the offline message", ViewerStatesIT::view,
                        v -> v != null && "offline".equals(v.get("kind")));
                shoot(directory.resolve("viewer-offline-" + viewport.name() + ".png"));
            }
        }
        emulate(DESKTOP);
        try (TestServer server = TestServer.start("--width", "640", "--height", "360")) {
            Object script = browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                    "delete window.MediaSource; delete window.ManagedMediaSource;")).get("identifier");
            browser.get(server.uri("/?mode=mse").toString());
            Poll.until(Duration.ofSeconds(10), "the not-supported message", ViewerStatesIT::view, v -> v != null);
            shoot(directory.resolve("viewer-unsupported-desktop.png"));
            browser.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
            browser.get(server.uri("/?mode=mjpeg").toString());
            waitUntilPlaying("mjpeg");
        }
        Poll.until(Duration.ofSeconds(15), "the unreachable message", ViewerStatesIT::view,
                v -> v != null && "unreachable".equals(v.get("kind")));
        shoot(directory.resolve("viewer-unreachable-desktop.png"));
    }

    private static void shoot(Path file) throws IOException {
        Files.write(file, browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Latency figures read from the page while something happens, in stretches: one before anything, one after
     * each event. A stretch lasts at least 8 s, so that where the figure settles shows.
     */
    private static final class LatencySamples {
        private static final long STRETCH_NANOS = 8_000_000_000L;
        final List<List<Long>> stretches = new ArrayList<>(List.of(new ArrayList<>()));

        void markEvent() {
            stretches.add(new ArrayList<>());
        }

        List<Long> current() {
            return stretches.get(stretches.size() - 1);
        }

        int fresh() {
            return (int) current().stream().filter(x -> x != null).count();
        }

        void collectUntil(Duration timeout, String what, java.util.function.BooleanSupplier done) {
            long start = System.nanoTime();
            Poll.until(timeout, what, () -> {
                Object latency = js.executeScript("return window.camstream.stats().latencyMs");
                current().add(latency == null ? null : ((Number) latency).longValue());
                return System.nanoTime() - start > STRETCH_NANOS && done.getAsBoolean();
            });
        }

        List<Long> outOfRange() {
            return stretches.stream().flatMap(List::stream).filter(x -> x != null && (x < 0 || x > 1000)).toList();
        }

        /** The median of the last quarter of a stretch's figures: where it settled. */
        long settled(int stretch) {
            List<Long> figures = stretches.get(stretch).stream().filter(x -> x != null).toList();
            List<Long> tail = new ArrayList<>(figures.subList(figures.size() * 3 / 4, figures.size()));
            tail.sort(null);
            return tail.isEmpty() ? Long.MAX_VALUE : tail.get(tail.size() / 2);
        }

        @Override
        public String toString() {
            StringBuilder out = new StringBuilder();
            for (int i = 0; i < stretches.size(); i++) {
                List<Long> figures = stretches.get(i);
                out.append(String.format("stretch %d: %d readings, %d without a figure, settled at %d ms, min %s, max %s%n",
                        i, figures.size(), figures.stream().filter(x -> x == null).count(), settled(i),
                        figures.stream().filter(x -> x != null).min(Long::compare).orElse(null),
                        figures.stream().filter(x -> x != null).max(Long::compare).orElse(null)));
            }
            return out.toString();
        }
    }

    private static Object pidOf(TestServer server) {
        Object pid = server.camera().get("pid");
        return pid == null ? null : ((Number) pid).longValue();
    }

    static void emulate(Viewport viewport) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", viewport.width(),
                "height", viewport.height(), "deviceScaleFactor", viewport.scale(), "mobile", viewport.mobile()));
    }

    static void waitUntilPlaying(String where) {
        Poll.until(Duration.ofSeconds(30), where + ": pictures playing with no message over them",
                () -> Boolean.TRUE.equals(js.executeScript(
                        "return !!window.camstream && window.camstream.stats().playing && window.camstream.view() === null")));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> view() {
        return (Map<String, Object>) js.executeScript("return window.camstream && window.camstream.view()");
    }

    private double currentTime() {
        return ((Number) js.executeScript("return document.getElementById('video').currentTime")).doubleValue();
    }

    /** Elements that carry the hidden attribute and still take space or show. */
    @SuppressWarnings("unchecked")
    static List<String> renderedHiddenElements() {
        return (List<String>) js.executeScript("return Array.from(document.querySelectorAll('[hidden]'))"
                + ".filter(e => { const r = e.getBoundingClientRect();"
                + " return getComputedStyle(e).display !== 'none' || r.width > 0 || r.height > 0; })"
                + ".map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : ''));");
    }

    /** Visible buttons with a side under 44 CSS pixels. */
    @SuppressWarnings("unchecked")
    static List<String> smallTouchTargets() {
        return (List<String>) js.executeScript("return Array.from(document.querySelectorAll('button'))"
                + ".filter(b => { const r = b.getBoundingClientRect();"
                + " return r.width > 0 && (r.width < 44 || r.height < 44); })"
                + ".map(b => (b.id || b.textContent.trim()) + ' ' + Math.round(b.getBoundingClientRect().width) + 'x'"
                + " + Math.round(b.getBoundingClientRect().height));");
    }

    /**
     * The page's message is shown and no picture shows under it: in the MJPEG and stills modes the server's own
     * offline picture, with words and a countdown of its own, would say it a second time.
     */
    static boolean offlineSaidOnce() {
        return Boolean.TRUE.equals(js.executeScript(
                "const m = document.getElementById('message'), img = document.getElementById('live');"
                + "return !m.hidden && m.textContent.includes('Camera offline')"
                + " && (img.hidden || getComputedStyle(img).visibility === 'hidden');"));
    }

    /** The message is shown and lies within the picture area, covering its middle. */
    static boolean isShownOverThePicture() {
        return Boolean.TRUE.equals(js.executeScript(
                "const m = document.getElementById('message'); if (m.hidden) return false;"
                + "const a = m.getBoundingClientRect(), s = document.getElementById('stage').getBoundingClientRect();"
                + "return a.width > 0 && a.left >= s.left - 1 && a.right <= s.right + 1 && a.top >= s.top - 1"
                + " && a.bottom <= s.bottom + 1 && a.width >= s.width * 0.9 && a.height >= s.height * 0.9;"));
    }
}
