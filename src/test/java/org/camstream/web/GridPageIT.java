package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Axe;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.Actions;

/**
 * The grid of every camera (grid.html, at {@code /} when the server has several) in a real Chromium on a
 * desktop (1280x800) and a phone (390x844 at scale 3), against a server with three test-pattern cameras: the
 * flat camera (H.264), yard (MJPEG) and third (H.264, 640x360). Every tile plays in the mode api/cameras names,
 * a tile opens its camera's page, and cameras added and removed on the admin API come and go while it is open.
 */
class GridPageIT {

    record Viewport(String name, int width, int height, double scale, boolean mobile) {
    }

    static final Viewport DESKTOP = new Viewport("desktop", 1280, 800, 1, false);
    static final Viewport PHONE = new Viewport("phone", 390, 844, 3, true);

    private static final List<String> NAMES = List.of("main", "yard", "third");
    private static final Map<String, Integer> WIDTHS = Map.of("main", 640, "yard", 480, "third", 640);
    private static final Map<String, Integer> HEIGHTS = Map.of("main", 480, "yard", 360, "third", 360);

    private static TestServer server;
    private static ChromeDriver browser;
    private static JavascriptExecutor js;

    @BeforeAll
    static void start() {
        // --cameras for the order; without it the sections after the flat camera come by name.
        server = TestServer.start("--cameras", "main,yard,third", "--width", "640", "--height", "480",
                "--camera.yard.source", "test", "--camera.yard.codec", "mjpeg",
                "--camera.yard.width", "480", "--camera.yard.height", "360",
                "--camera.third.source", "test", "--camera.third.width", "640", "--camera.third.height", "360");
        browser = Browser.start();
        js = browser;
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        if (server != null) {
            server.close();
        }
    }

    @AfterEach
    void plainViewport() {
        // Back to one window, showing nothing, at the browser's own size.
        String first = browser.getWindowHandles().iterator().next();
        for (String handle : new ArrayList<>(browser.getWindowHandles())) {
            if (!handle.equals(first)) {
                browser.switchTo().window(handle).close();
            }
        }
        browser.switchTo().window(first);
        browser.get("about:blank");
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }

    @Test
    void theRootShowsEveryCameraLiveInItsGridModeOnDesktopAndPhone() {
        for (Viewport viewport : List.of(DESKTOP, PHONE)) {
            String where = "on a " + viewport.name();
            emulate(viewport);
            browser.get(server.uri("/").toString());
            assertEquals("All cameras · camstream", browser.getTitle(), where + ": / is the grid");
            List<Map<String, Object>> tiles = waitUntilAllPlay(where, NAMES);
            assertEquals(List.of("mse", "jpeg", "mse"), tiles.stream().map(t -> t.get("mode")).toList(),
                    where + ": H.264 cameras in MSE, the MJPEG camera in stills: " + tiles);
            for (Map<String, Object> tile : tiles) {
                String name = (String) tile.get("name");
                assertEquals(WIDTHS.get(name).longValue(), ((Number) tile.get("width")).longValue(), where + ": " + tile);
                assertEquals(HEIGHTS.get(name).longValue(), ((Number) tile.get("height")).longValue(), where + ": " + tile);
            }
            for (String name : List.of("main", "third")) {
                double t0 = currentTime(name);
                Poll.until(Duration.ofSeconds(10), where + ": " + name + "'s video to advance",
                        () -> currentTime(name), t -> t > t0 + 1);
                assertEquals(WIDTHS.get(name).longValue(), js.executeScript(
                        "return document.querySelector('[data-camera=\"" + name + "\"] video').videoWidth"));
            }
            String first = fingerprint("yard");
            Poll.until(Duration.ofSeconds(10), where + ": yard's stills to change", () -> fingerprint("yard"),
                    now -> !now.equals(first));
            assertEquals("true", js.executeScript("return String(document.querySelector('[data-camera=yard] img')"
                    + ".currentSrc.includes('/cam/yard/stream.jpg?fps=2'))"), where + ": stills at 2 a second");

            for (String name : NAMES) {
                Map<String, Object> view = tileView(name);
                assertEquals(null, view, where + ": no message over " + name + " while it plays");
                assertEquals("running", text("[data-camera=\"" + name + "\"] .state"), where + ": " + name + "'s state");
                assertEquals(name, text("[data-camera=\"" + name + "\"] .tile-name"), where + ": " + name + "'s name");
            }
            assertEquals("3 cameras", text("#summary"), where);
            assertEquals(List.of(), renderedHiddenElements(), where + ": elements with hidden that show");
            assertEquals(List.of(), smallTargets(), where + ": links or buttons under 44 px");
            assertEquals(Boolean.TRUE, js.executeScript(
                    "return document.scrollingElement.scrollWidth <= innerWidth"), where + ": nothing wider than the screen");

            @SuppressWarnings("unchecked")
            List<Map<String, Number>> boxes = (List<Map<String, Number>>) js.executeScript(
                    "return Array.from(document.querySelectorAll('.tile')).map(t => { const r = t.getBoundingClientRect();"
                    + " const s = t.querySelector('.tile-stage').getBoundingClientRect();"
                    + " return {left: r.left, top: r.top, width: r.width, ratio: s.width / s.height}; });");
            long columns = boxes.stream().map(b -> Math.round(b.get("left").doubleValue())).distinct().count();
            if (viewport == PHONE) {
                assertEquals(1, columns, "one column on a phone: " + boxes);
                for (Map<String, Number> box : boxes) {
                    assertTrue(box.get("width").doubleValue() >= viewport.width() - 60, "a tile as wide as the phone: " + box);
                }
            } else {
                assertTrue(columns >= 2, "two columns or more on a desktop: " + boxes);
                assertEquals(boxes.get(0).get("top").doubleValue(), boxes.get(1).get("top").doubleValue(), 1,
                        "the first two tiles side by side: " + boxes);
            }
            for (int i = 0; i < NAMES.size(); i++) {
                String name = NAMES.get(i);
                double shape = (double) WIDTHS.get(name) / HEIGHTS.get(name);
                double ratio = boxes.get(i).get("ratio").doubleValue();
                // Its own shape, or taller to end level with its row (letterboxed): never cropped.
                assertTrue(ratio <= shape + 0.03 && ratio > 1, where + ": " + name + "'s picture area: " + boxes);
                if (viewport == PHONE) {
                    assertEquals(shape, ratio, 0.03, where + ": alone in its row, " + name + " has its shape: " + boxes);
                }
            }
            // A tap anywhere on a tile, on its picture too, is on the link to the camera's page.
            for (String name : NAMES) {
                assertEquals("/cam/" + name + "/", js.executeScript(
                        "const r = document.querySelector('[data-camera=\"" + name + "\"] .tile-stage').getBoundingClientRect();"
                        + "const a = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2).closest('a');"
                        + "return a && new URL(a.href).pathname;"), where + ": the middle of " + name + "'s picture");
            }
        }
    }

    @Test
    void aTileOpensItsCamerasPageWhichPlaysAndLinksBackToTheGrid() {
        emulate(DESKTOP);
        browser.get(server.uri("/").toString());
        waitUntilAllPlay("the grid", NAMES);
        // A tap on the picture: the tile's link lies over all of it.
        new Actions(browser).moveToElement(browser.findElement(By.cssSelector("[data-camera=third] .tile-stage")))
                .click().perform();
        Poll.until(Duration.ofSeconds(10), "the third camera's page", () -> browser.getCurrentUrl(),
                url -> url.endsWith("/cam/third/"));
        waitUntilPagePlays("/cam/third/");
        assertEquals(640L, js.executeScript("return window.camstream.stats().width"), "the third camera, 640 wide");
        assertEquals("third", text("#camera-name"), "the camera's name in the heading");
        assertEquals("third · camstream", browser.getTitle());
        Poll.until(Duration.ofSeconds(10), "the link to all cameras", () -> Boolean.FALSE.equals(js.executeScript(
                "return document.getElementById('all-cameras').hidden")));
        // The page's relative links reach this camera.
        assertEquals(server.uri("/cam/third/snapshot.jpg").toString(), js.executeScript(
                "return document.querySelector('.links a[href=\"snapshot.jpg\"]').href"));
        assertEquals(List.of(), renderedHiddenElements(), "the camera's page");
        assertEquals(server.uri("/admin?camera=third").toString(), js.executeScript(
                "return document.getElementById('admin-link').href"), "the admin page, on this camera's settings");
        // Each stream link of its table answers, from this camera.
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(90));
        @SuppressWarnings("unchecked")
        Map<String, Object> answers = (Map<String, Object>) browser.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; const out = {};"
                + "(async () => { for (const a of document.querySelectorAll('.links a:not(#admin-link)')) {"
                + " const abort = new AbortController(); const timer = setTimeout(() => abort.abort(), 8000);"
                + " try { const r = await fetch(a.href, {signal: abort.signal, redirect: 'manual', cache: 'no-store'});"
                + "  out[a.getAttribute('href')] = r.status || r.type; } catch (e) { out[a.getAttribute('href')] = String(e); }"
                + " clearTimeout(timer); abort.abort(); } done(out); })();");
        browser.manage().timeouts().scriptTimeout(Duration.ofSeconds(30));
        assertEquals(9, answers.size(), "the table's stream links and its recordings and timelapse pages: " + answers);
        assertTrue(answers.containsKey("recordings.html") && answers.containsKey("timelapse.html"), answers.toString());
        answers.forEach((href, status) -> assertEquals(200L, status, "/cam/third/" + href + ": " + answers));
        // The admin page asks for its login (a fetch of it would have the browser ask for one).
        assertEquals(401, server.get("/admin?camera=third").statusCode(), "the admin page is there");

        browser.findElement(By.id("all-cameras")).click();
        Poll.until(Duration.ofSeconds(10), "back at the grid", () -> browser.getCurrentUrl(),
                url -> url.equals(server.uri("/").toString()));
        waitUntilAllPlay("the grid again", NAMES);

        // The MJPEG camera's page plays too, in the page's best mode (its H.264 comes from the transcoder).
        browser.findElement(By.cssSelector("[data-camera=yard] .tile-link")).click();
        Poll.until(Duration.ofSeconds(10), "yard's page", () -> browser.getCurrentUrl(), url -> url.endsWith("/cam/yard/"));
        waitUntilPagePlays("/cam/yard/");
        assertEquals(480L, js.executeScript("return window.camstream.stats().width"), "yard, 480 wide");
        assertEquals("yard", text("#camera-name"));
    }

    @Test
    void theGridHasNoAccessibilityViolationsAtLevelAaOnDesktopAndPhoneInLightAndDark() throws IOException {
        for (Viewport viewport : List.of(DESKTOP, PHONE)) {
            for (String scheme : List.of("light", "dark")) {
                String where = viewport.name() + ", " + scheme;
                emulate(viewport);
                browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                        List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
                browser.get(server.uri("/").toString());
                waitUntilAllPlay(where, NAMES);
                assertEquals(List.of(), Axe.violations(browser), where);
            }
        }
    }

    @Test
    void aCameraThatDeliversNothingShowsTheOfflineMessageInItsTileAndTheOthersPlayOn() throws IOException {
        emulate(PHONE);
        browser.get(server.uri("/").toString());
        waitUntilAllPlay("the grid", NAMES);
        add(Map.of("name", "broken", "source", "ffmpeg", "input", "/nonexistent/recording.h264"));
        try {
            Map<String, Object> view = Poll.until(Duration.ofSeconds(30), "the broken camera's offline message",
                    () -> tileView("broken"), v -> v != null && "offline".equals(v.get("kind")));
            assertEquals("Camera offline", view.get("title"), "viewstate.js's words");
            assertEquals("The camera\u2019s input cannot be found.", view.get("detail"));
            assertEquals(Boolean.TRUE, js.executeScript(
                    "const m = document.querySelector('[data-camera=broken] .message');"
                    + "const s = document.querySelector('[data-camera=broken] .tile-stage').getBoundingClientRect();"
                    + "const r = m.getBoundingClientRect();"
                    + "return !m.hidden && r.width >= s.width * 0.9 && r.height >= s.height * 0.9"
                    + " && m.textContent.includes('Camera offline');"), "the message covers the tile's picture");
            assertEquals("1 offline", text("#summary").replaceAll("^4 cameras, ", ""), "said in the summary");
            assertEquals(List.of(), renderedHiddenElements(), "with an offline tile");
            for (String scheme : List.of("light", "dark")) {
                browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                        List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
                assertEquals(List.of(), Axe.violations(browser), "with an offline tile, " + scheme);
            }
            waitUntilThesePlay("the other cameras", NAMES);
        } finally {
            remove("broken");
        }
        Poll.until(Duration.ofSeconds(10), "the broken camera's tile to go", () -> names().equals(NAMES));
    }

    @Test
    void theOfflineMessageOfAStillsTileIsSaidOnce() {
        try (TestServer two = TestServer.start("--cameras", "main,porch", "--width", "320", "--height", "240",
                "--camera.porch.source", "ffmpeg", "--camera.porch.codec", "mjpeg",
                "--camera.porch.input", "/nonexistent/recording.mjpeg")) {
            emulate(PHONE);
            browser.get(two.uri("/").toString());
            Map<String, Object> view = Poll.until(Duration.ofSeconds(30), "the stills tile's offline message",
                    () -> tileView("porch"), v -> v != null && "offline".equals(v.get("kind")));
            assertEquals("Camera offline", view.get("title"));
            assertEquals("jpeg", tiles().stream().filter(t -> "porch".equals(t.get("name"))).findFirst()
                    .orElseThrow().get("mode"));
            // The server sends the stills viewers of an offline camera a picture that says so itself, with a
            // countdown of its own: it arrives, and under the tile's message it does not show.
            Poll.until(Duration.ofSeconds(15), "the server's offline picture, hidden under the message",
                    () -> Boolean.TRUE.equals(js.executeScript("const img = document.querySelector('[data-camera=porch] img');"
                            + "return img.naturalWidth > 0 && getComputedStyle(img).visibility === 'hidden';")));
            waitUntilThesePlay("the other camera", List.of("main"));
        }
    }

    @Test
    void aCameraAddedWhileTheGridIsOpenAppearsAndGoesWhenRemovedAndItsOwnPageSaysSo() {
        emulate(DESKTOP);
        browser.get(server.uri("/").toString());
        String grid = browser.getWindowHandle();
        waitUntilAllPlay("the grid", NAMES);

        add(Map.of("name", "late", "source", "test", "width", 320, "height", 240));
        long added = System.nanoTime();
        Poll.until(Duration.ofSeconds(10), "the new camera's tile", () -> names().contains("late"));
        System.out.printf("The added camera's tile appeared after %.1f s%n", (System.nanoTime() - added) / 1e9);
        assertEquals(List.of("main", "yard", "third", "late"), names(), "in the server's order");
        List<Map<String, Object>> tiles = waitUntilAllPlay("with the new camera", List.of("main", "yard", "third", "late"));
        Map<String, Object> late = tiles.get(3);
        assertEquals("mse", late.get("mode"));
        assertEquals(320L, ((Number) late.get("width")).longValue(), "the new camera's own picture: " + late);

        // Its own page, in a window of its own (so the grid's stays visible and playing).
        browser.switchTo().newWindow(WindowType.WINDOW);
        String page = browser.getWindowHandle();
        browser.get(server.uri("/cam/late/?mode=mse").toString());
        waitUntilPagePlays("/cam/late/");
        assertEquals("late", text("#camera-name"));

        remove("late");
        Map<String, Object> view = Poll.until(Duration.ofSeconds(10), "the removed camera's page to say so",
                GridPageIT::pageView, v -> v != null && "removed".equals(v.get("kind")));
        assertEquals("This camera was removed", view.get("title"));
        assertEquals(Boolean.FALSE, js.executeScript("return window.camstream.stats().playing"), "the player stopped");
        assertEquals(Boolean.TRUE, js.executeScript("return document.getElementById('video').hidden"));
        assertEquals("camera removed", text("#camera-state"));
        assertEquals(Boolean.TRUE, js.executeScript(
                "const m = document.getElementById('message'); return !m.hidden && m.textContent.includes('This camera was removed')"
                + " && !document.getElementById('message-action').hidden && !document.getElementById('all-cameras').hidden"),
                "over the picture, with the way to the other cameras");
        assertEquals(List.of(), renderedHiddenElements(), "the removed camera's page");
        // It stays so: the page does not keep trying to play a camera that is not there.
        long reconnects = ((Number) js.executeScript("return window.camstream.stats().reconnects")).longValue();
        Poll.until(Duration.ofSeconds(3), "a few status polls", () -> Boolean.TRUE.equals(js.executeScript(
                "return window.camstream.view().kind === 'removed' && !window.camstream.stats().playing")));
        assertEquals(reconnects, ((Number) js.executeScript("return window.camstream.stats().reconnects")).longValue());

        browser.findElement(By.id("message-link")).click();
        Poll.until(Duration.ofSeconds(10), "the link to the grid", () -> browser.getCurrentUrl(),
                url -> url.equals(server.uri("/").toString()));
        browser.close();
        browser.switchTo().window(grid);
        Poll.until(Duration.ofSeconds(10), "the removed camera's tile to go", () -> names().equals(NAMES));
        waitUntilAllPlay("the cameras left", NAMES);
    }

    @Test
    void theRemovedCamerasWebSocketCloseStopsItsTileAtOnce() {
        emulate(DESKTOP);
        browser.get(server.uri("/").toString());
        waitUntilAllPlay("the grid", NAMES);
        add(Map.of("name", "brief", "source", "test", "width", 320, "height", 240));
        waitUntilAllPlay("with the new camera", List.of("main", "yard", "third", "brief"));
        // The grid's looks at api/cameras made 8 s late from here on, so that for that long only the WebSocket's
        // close code can tell it; and one such look begun, so that none made earlier is still under way.
        js.executeScript("window.lateLooks = 0; const real = window.fetch; window.fetch = (u, o) => {"
                + " if (!String(u).includes('api/cameras')) return real(u, o); window.lateLooks++;"
                + " return new Promise(r => setTimeout(r, 8000)).then(() => real(u, o)); };");
        Poll.until(Duration.ofSeconds(10), "a late look begun", () -> ((Number) js.executeScript(
                "return window.lateLooks")).intValue() >= 1);
        long removed = System.nanoTime();
        remove("brief");
        Map<String, Object> view = Poll.until(Duration.ofSeconds(5), "the tile to say its camera was removed",
                () -> tileView("brief"), v -> v != null && "removed".equals(v.get("kind")));
        assertTrue(System.nanoTime() - removed < 7_000_000_000L, "before any look at api/cameras could tell it");
        assertEquals("This camera was removed", view.get("title"));
        assertEquals("removed", text("[data-camera=brief] .state"));
        assertEquals(Boolean.TRUE, js.executeScript("return document.querySelector('[data-camera=brief] video').hidden"),
                "its player stopped");
        Poll.until(Duration.ofSeconds(20), "the tile to go once the list says so", () -> names().equals(NAMES));
    }

    @Test
    void aHiddenTabStopsEveryTilesStream() {
        emulate(DESKTOP);
        browser.get(server.uri("/").toString());
        String grid = browser.getWindowHandle();
        waitUntilAllPlay("the grid", NAMES);
        Poll.until(Duration.ofSeconds(10), "the grid's viewers counted", () -> viewers("main") >= 1
                && viewers("yard") >= 1 && viewers("third") >= 1);
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(server.uri("/favicon.svg").toString());
        Poll.until(Duration.ofSeconds(10), "no viewer left once the grid's tab is hidden",
                () -> viewers("main") + viewers("yard") + viewers("third"), n -> n == 0);
        browser.close();
        browser.switchTo().window(grid);
        waitUntilAllPlay("the grid, shown again", NAMES);
    }

    /**
     * A browser without MSE gets stills in every tile; past four stills streams (a browser keeps six connections
     * to a server over HTTP/1.1, and the page needs some for itself) the tiles load one snapshot after another.
     */
    @Test
    void aBrowserWithoutMseGetsStillsInEveryTileAndSnapshotsPastFourStreams() {
        Object script = browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "delete window.MediaSource; delete window.ManagedMediaSource;")).get("identifier");
        add(Map.of("name", "late", "source", "test", "width", 320, "height", 240));
        add(Map.of("name", "later", "source", "test", "width", 320, "height", 240));
        try {
            emulate(DESKTOP);
            browser.get(server.uri("/").toString());
            List<String> names = List.of("main", "yard", "third", "late", "later");
            List<Map<String, Object>> tiles = waitUntilAllPlay("without MSE", names);
            assertEquals(List.of("jpeg", "jpeg", "jpeg", "jpeg", "snapshot"),
                    tiles.stream().map(t -> t.get("mode")).toList(), "stills, then snapshots: " + tiles);
            for (String name : List.of("main", "later")) {
                String first = fingerprint(name);
                Poll.until(Duration.ofSeconds(10), name + "'s picture to change", () -> fingerprint(name),
                        now -> !now.equals(first));
            }
            assertEquals(320L, ((Number) tiles.get(4).get("width")).longValue(), "later's own picture: " + tiles);
            assertEquals(List.of(), renderedHiddenElements(), "without MSE");
        } finally {
            browser.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
            remove("late");
            remove("later");
        }
    }

    /**
     * Screenshots of the grid for the README, at desktop and phone size, light and dark, with one camera offline,
     * into the directory named by {@code -Dgrid.screenshots=docs/screenshots}.
     */
    @Test
    @org.junit.jupiter.api.condition.EnabledIfSystemProperty(named = "grid.screenshots", matches = ".+")
    void screenshots() throws IOException {
        java.nio.file.Path directory = java.nio.file.Path.of(System.getProperty("grid.screenshots"));
        java.nio.file.Files.createDirectories(directory);
        add(Map.of("name", "porch", "source", "ffmpeg", "input", "/nonexistent/recording.h264"));
        try {
            for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                for (String scheme : List.of("light", "dark")) {
                    emulate(viewport);
                    browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                            List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
                    browser.get(server.uri("/").toString());
                    waitUntilThesePlay(viewport.name(), NAMES);
                    Poll.until(Duration.ofSeconds(30), "porch offline", () -> tileView("porch"),
                            v -> v != null && "offline".equals(v.get("kind")));
                    java.nio.file.Files.write(directory.resolve("grid-" + viewport.name() + "-" + scheme + ".png"),
                            browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
                }
            }
        } finally {
            remove("porch");
        }
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
        add(Map.of("name", "late", "source", "test", "width", 320, "height", 240));
        for (Viewport viewport : List.of(DESKTOP, PHONE)) {
            emulate(viewport);
            browser.get(server.uri("/cam/third/").toString());
            waitUntilPagePlays("third");
            Poll.until(Duration.ofSeconds(10), "the link to all cameras", () -> Boolean.FALSE.equals(js.executeScript(
                    "return document.getElementById('all-cameras').hidden")));
            java.nio.file.Files.write(directory.resolve("camera-page-" + viewport.name() + ".png"),
                    browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        }
        browser.get(server.uri("/cam/late/").toString());
        waitUntilPagePlays("late");
        remove("late");
        Poll.until(Duration.ofSeconds(10), "removed", GridPageIT::pageView, v -> v != null && "removed".equals(v.get("kind")));
        java.nio.file.Files.write(directory.resolve("camera-removed-phone.png"),
                browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
    }

    // ---------------------------------------------------------------- helpers

    private static void add(Map<String, Object> camera) {
        try {
            HttpResponse<byte[]> post = server.send(server.asAdmin("/api/config/cameras")
                    .header("Content-Type", "application/json")
                    .POST(HttpRequest.BodyPublishers.ofString(JSON.std.asString(camera))).build());
            assertEquals(200, post.statusCode(), new String(post.body()));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void remove(String name) {
        HttpResponse<byte[]> delete = server.send(server.asAdmin("/api/config/cameras/" + name).DELETE().build());
        assertEquals(200, delete.statusCode(), new String(delete.body()));
    }

    /** The viewers api/cameras counts for a camera. */
    @SuppressWarnings("unchecked")
    private static long viewers(String name) {
        try {
            Map<String, Object> document = JSON.std.mapFrom(server.get("/api/cameras").body());
            for (Map<String, Object> camera : (List<Map<String, Object>>) document.get("cameras")) {
                if (name.equals(camera.get("name"))) {
                    return ((Number) camera.get("viewers")).longValue();
                }
            }
            throw new AssertionError("no camera " + name + " in " + document);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    static void emulate(Viewport viewport) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", viewport.width(),
                "height", viewport.height(), "deviceScaleFactor", viewport.scale(), "mobile", viewport.mobile()));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> tiles() {
        Object tiles = js.executeScript("return window.camstreamGrid ? window.camstreamGrid.tiles() : []");
        return (List<Map<String, Object>>) tiles;
    }

    private static List<String> names() {
        return tiles().stream().map(t -> (String) t.get("name")).toList();
    }

    /** Waits until the grid shows exactly these cameras, in this order, every one playing; returns the tiles. */
    private static List<Map<String, Object>> waitUntilAllPlay(String where, List<String> names) {
        return Poll.until(Duration.ofSeconds(45), where + ": tiles " + names + " all playing", GridPageIT::tiles,
                tiles -> tiles.stream().map(t -> t.get("name")).toList().equals(names)
                        && tiles.stream().allMatch(t -> Boolean.TRUE.equals(t.get("playing")) && t.get("width") != null)
                        && names.stream().allMatch(n -> tileView(n) == null));
    }

    /** Waits until these cameras' tiles play, whatever other tiles do. */
    private static void waitUntilThesePlay(String where, List<String> names) {
        Poll.until(Duration.ofSeconds(45), where + ": tiles " + names + " playing", GridPageIT::tiles,
                tiles -> names.stream().allMatch(n -> tiles.stream().anyMatch(t -> n.equals(t.get("name"))
                        && Boolean.TRUE.equals(t.get("playing")) && tileView(n) == null)));
    }

    private static void waitUntilPagePlays(String where) {
        Poll.until(Duration.ofSeconds(45), where + ": playing with no message", () -> Boolean.TRUE.equals(js.executeScript(
                "return !!window.camstream && window.camstream.stats().playing && window.camstream.view() === null")));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> tileView(String name) {
        return (Map<String, Object>) js.executeScript("return window.camstreamGrid.view(arguments[0])", name);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> pageView() {
        return (Map<String, Object>) js.executeScript("return window.camstream && window.camstream.view()");
    }

    private static String text(String selector) {
        return (String) js.executeScript("const e = document.querySelector(arguments[0]); return e && e.textContent.trim()",
                selector);
    }

    private static double currentTime(String name) {
        return ((Number) js.executeScript("return document.querySelector('[data-camera=\"" + name + "\"] video').currentTime"))
                .doubleValue();
    }

    /** A digest of the pixels a tile's <img> shows right now, read back through a canvas. */
    private static String fingerprint(String name) {
        return (String) js.executeScript(
                "const img = document.querySelector('[data-camera=\"' + arguments[0] + '\"] img');"
                        + "const c = document.createElement('canvas'); c.width = 160; c.height = 90;"
                        + "const g = c.getContext('2d'); g.drawImage(img, 0, 0, 160, 90);"
                        + "const d = g.getImageData(0, 0, 160, 90).data; let h = 0;"
                        + "for (let i = 0; i < d.length; i += 4) { h = (h * 31 + d[i] + d[i + 1] * 3 + d[i + 2] * 7) | 0; }"
                        + "return String(h);", name);
    }

    /** Elements that carry the hidden attribute and still take space or show. */
    @SuppressWarnings("unchecked")
    static List<String> renderedHiddenElements() {
        return (List<String>) js.executeScript("return Array.from(document.querySelectorAll('[hidden]'))"
                + ".filter(e => { const r = e.getBoundingClientRect();"
                + " return getComputedStyle(e).display !== 'none' || r.width > 0 || r.height > 0; })"
                + ".map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));");
    }

    /**
     * Visible buttons and links whose target is under 44 CSS pixels a side; a tile's link counts with the whole
     * tile, which its ::after covers. The table of links for programs is text, as on the camera's page.
     */
    @SuppressWarnings("unchecked")
    static List<String> smallTargets() {
        return (List<String>) js.executeScript("return Array.from(document.querySelectorAll('button, a'))"
                + ".filter(e => !e.closest('.links'))"
                + ".map(e => { const t = e.classList.contains('tile-link') ? e.closest('.tile') : e;"
                + " const r = t.getBoundingClientRect(); return {e, r}; })"
                + ".filter(({r}) => r.width > 0 && (r.width < 44 || r.height < 44))"
                + ".map(({e, r}) => (e.id || e.textContent.trim()) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));");
    }
}
