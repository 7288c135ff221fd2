package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
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
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.camstream.testing.Axe;
import org.camstream.testing.Browser;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.WindowType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.devtools.Command;
import org.openqa.selenium.devtools.DevTools;
import org.openqa.selenium.devtools.Event;
import org.openqa.selenium.devtools.HasDevTools;
import org.openqa.selenium.json.JsonInput;

/**
 * The timelapse page (timelapse.html, at the root for the first camera and at cam/&lt;name&gt;/timelapse.html) in a
 * real Chromium against a real server with two test-pattern cameras: main, with two sessions found on the disk at
 * the start (one of 1500 stills, long to render, and a short one), and yard, with none. With the admin login (the
 * browser's, remembered from the admin page as a person's would be) a session is started from the page at 0.5 s,
 * its stills are counted live, it is stopped, rendered with the progress to the end, its video plays and its
 * download is the MP4, and it is deleted after a confirmation; a long render shows its progress, a second one its
 * place in the queue, and both are cancelled. Without the login, a change says that it needs it; the server's
 * own refusal is shown in its words; the empty state says how to start a session, with this server's curl line;
 * the page goes on polling past a request that hangs and stops while its tab is hidden; axe-core finds nothing at
 * WCAG 2.1 AA on a desktop and a phone, light and dark, and nothing on the phone is cut off or under 44 px.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 300, unit = TimeUnit.SECONDS)
class TimelapsePageIT {

    record Viewport(String name, int width, int height, double scale, boolean mobile) {
    }

    static final Viewport DESKTOP = new Viewport("desktop", 1280, 800, 1, false);
    static final Viewport PHONE = new Viewport("phone", 390, 844, 3, true);
    /** The long session: 1500 stills of 1280x720, which take a while to render. */
    private static final int LONG_STILLS = 1500;
    private static final int SHORT_STILLS = 20;

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    static Path data;

    private static TestServer server;
    private static ChromeDriver browser;
    private static JavascriptExecutor js;
    private static String longSession;
    private static String shortSession;

    @BeforeAll
    static void start() throws IOException {
        Path big = data.resolve("big.jpg");
        MediaTools.runOk(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=size=1280x720", "-frames:v", "1", "-q:v", "3", big.toString()));
        Path small = data.resolve("small.jpg");
        MediaTools.runOk(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-f", "lavfi", "-i",
                "testsrc2=size=320x240", "-frames:v", "1", "-q:v", "3", small.toString()));
        longSession = seedSession(Instant.now().minusSeconds(7200), big, LONG_STILLS);
        shortSession = seedSession(Instant.now().minusSeconds(3600), small, SHORT_STILLS);
        server = TestServer.startIn(data, "--cameras", "main,yard", "--width", "320", "--height", "240",
                "--fps", "15", "--record-min-free", "1M", "--camera.yard.source", "test",
                "--camera.yard.width", "320", "--camera.yard.height", "240");
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
    void plainBrowser() {
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
        // What a test started, it has stopped; should it have failed half-way, the next one starts clean.
        admin("POST", "/api/timelapse/main/stop");
        admin("DELETE", "/api/timelapse/main/" + longSession + "/render");
        admin("DELETE", "/api/timelapse/main/" + shortSession + "/render");
    }

    /**
     * Without the login, on an address the browser has no login for: the empty state says how to start a session,
     * with this server's own curl line; the page refuses an interval out of range by itself; and a start the
     * server refuses for the missing login says so next to the button.
     */
    @Test
    @Order(1)
    void theEmptyStateSaysHowToStartAndAChangeWithoutTheLoginSaysItNeedsIt() throws Exception {
        String origin = "http://localhost:" + server.port();
        browser.get(origin + "/cam/yard/timelapse.html");
        waitLoaded("yard");
        assertTrue(shown("#empty"), "the empty state");
        assertEquals("No timelapse sessions yet", text("#empty .empty-title"));
        assertEquals("curl -u admin:PASSWORD -X POST '" + origin + "/api/timelapse/yard/start?interval=10'",
                text("#curl-start"));
        assertEquals("curl -u admin:PASSWORD -X POST '" + origin + "/api/timelapse/yard/stop'", text("#curl-stop"));
        assertEquals("0 sessions", text("#summary"));
        assertEquals(origin + "/cam/yard/", browser.findElement(By.id("live-link")).getAttribute("href"),
                "the link back to the camera's page");
        assertEquals("Timelapse · yard · camstream", browser.getTitle());

        // The page's own check: nothing is sent.
        type("#interval", "0.1");
        click("#start");
        Poll.until(Duration.ofSeconds(5), "the page's refusal", () -> text("#start-note"),
                t -> t.equals("The interval is a number of seconds from 0.5 to 86400 (a day)."));
        assertEquals("true", browser.findElement(By.id("interval")).getAttribute("aria-invalid"));

        // The server's: the login is missing. The browser asks for it; the person at it cancels.
        type("#interval", "10");
        try (AutoCloseable cancelling = cancelLoginPrompts()) {
            click("#start");
            Poll.until(Duration.ofSeconds(15), "the refusal for the missing login", () -> text("#start-note"),
                    t -> t.startsWith("Starting a session needs the admin login."));
        }
        assertEquals(origin + "/admin", browser.findElement(By.cssSelector("#start-note a")).getAttribute("href"),
                "where to log in");
        assertEquals(0, ((List<?>) api("/api/timelapse/yard").get("sessions")).size(), "nothing was started");
        assertEquals(List.of(), renderedHidden(), "elements marked hidden that show");
    }

    /**
     * The whole life of a session from the page, with the admin login: started at 0.5 s, its stills counted live,
     * stopped, rendered to the end, played and downloaded, then deleted after a confirmation. The server's own
     * words for a refusal are shown too.
     */
    @Test
    @Order(2)
    void aSessionStartedFromThePageGrowsLiveStopsRendersPlaysAndIsDeleted() throws Exception {
        logIn();
        browser.get(server.uri("/cam/main/timelapse.html").toString());
        waitLoaded("main");
        waitForRow(longSession);
        List<String> order = ids();
        assertTrue(order.indexOf(shortSession) < order.indexOf(longSession), "newest first: " + order);

        // The server's refusal, in its words: the page sends what the server refuses (rewritten on its way).
        js.executeScript("const f = window.fetch; window.fetch = (url, options) =>"
                + " f(String(url).replace('interval=5', 'interval=0.1'), options);");
        type("#interval", "5");
        click("#start");
        Poll.until(Duration.ofSeconds(15), "the server's refusal", () -> text("#start-note"),
                t -> t.equals("Interval must be seconds from 0.5 to 86400, got '0.1'."));
        browser.navigate().refresh();
        waitLoaded("main");

        type("#interval", "0.5");
        click("#start");
        Poll.until(Duration.ofSeconds(15), "the start's answer", () -> text("#start-note"),
                t -> t.equals("Started: a still every 0.5 s."));
        String id = Poll.until(Duration.ofSeconds(15), "the running session listed", () -> runningId(), v -> v != null);
        waitForRow(id);
        assertEquals("● Running: a still every 0.5 s", rowText(id, ".session-state"));
        assertTrue(shown("#start-running"), "one session at a time: the page says so");

        // Live: the count grows while the page is open, and the newest still with it.
        List<Integer> counts = new ArrayList<>();
        Poll.until(Duration.ofSeconds(40), "the stills count to grow three times", () -> {
            int now = stills(id);
            if (counts.isEmpty() || now != counts.get(counts.size() - 1)) {
                counts.add(now);
            }
            return counts.size() >= 4 && now >= 12;
        });
        for (int i = 1; i < counts.size(); i++) {
            assertTrue(counts.get(i) > counts.get(i - 1), "the count only grows: " + counts);
        }
        String preview = (String) js.executeScript("return document.querySelector('[data-session=\"" + id
                + "\"] .preview img').src");
        assertTrue(preview.matches(".*/cam/main/timelapse/" + id + "/still/\\d+\\.jpg"), preview);
        Poll.until(Duration.ofSeconds(10), "the newest still shown", () -> Boolean.TRUE.equals(js.executeScript(
                "const img = document.querySelector('[data-session=\"" + id + "\"] .preview img');"
                + " return img.complete && img.naturalWidth === 320;")));

        click("[data-session='" + id + "'] .stop");
        Poll.until(Duration.ofSeconds(15), "the session ended", () -> rowText(id, ".session-state"),
                t -> t.equals("Ended: stopped through the API"));
        assertFalse(shown("#start-running"));
        int stills = ((Number) session("main", id).get("stills")).intValue();
        Poll.until(Duration.ofSeconds(10), "the final count shown", () -> stills(id), n -> n == stills);

        // Render at 10 fps: the progress goes to the end, the video plays, the download is the MP4.
        type("[data-session='" + id + "'] .fps", "10");
        click("[data-session='" + id + "'] .render-button");
        String status = Poll.until(Duration.ofSeconds(60), "the render done", () -> rowText(id, ".render-status"),
                t -> t.startsWith("Rendered:"));
        assertTrue(status.startsWith("Rendered: " + stills + " frames at 10 fps, "), status);
        Map<String, Object> render = render(session("main", id));
        assertEquals("done", render.get("state"));
        assertFalse(shown("[data-session='" + id + "'] .render-progress"), "no progress bar once done");
        assertTrue(shown("[data-session='" + id + "'] video"));
        js.executeScript("document.querySelector('[data-session=\"" + id + "\"] video').play()");
        double played = Poll.until(Duration.ofSeconds(20), "the video to play", () -> ((Number) js.executeScript(
                "return document.querySelector('[data-session=\"" + id + "\"] video').currentTime")).doubleValue(),
                t -> t > 0.3);
        assertTrue(played > 0.3);
        assertEquals(320L, js.executeScript("return document.querySelector('[data-session=\"" + id
                + "\"] video').videoWidth"));
        String download = browser.findElement(By.cssSelector("[data-session='" + id + "'] .download"))
                .getAttribute("href");
        HttpResponse<byte[]> video = HTTP.send(HttpRequest.newBuilder(URI.create(download)).timeout(Duration.ofSeconds(20))
                .build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, video.statusCode(), download);
        assertEquals("video/mp4", video.headers().firstValue("content-type").orElse(""));
        assertTrue(video.headers().firstValue("content-disposition").orElse("").startsWith("attachment;"),
                video.headers().map().toString());
        Path file = data.resolve("downloaded.mp4");
        Files.write(file, video.body());
        assertEquals(stills, MediaTools.intField(MediaTools.probeVideoStream(file), "nb_read_frames"),
                "a frame for every still");

        // Delete, after the confirmation; Keep keeps it.
        click("[data-session='" + id + "'] .delete");
        assertTrue(shown("[data-session='" + id + "'] .confirm"));
        assertEquals("Delete this session, its " + stills + " stills and its video?",
                rowText(id, ".confirm-text"));
        assertEquals("keep", (String) js.executeScript("return document.activeElement.className"),
                "the focus on the button that keeps it");
        click("[data-session='" + id + "'] .keep");
        assertFalse(shown("[data-session='" + id + "'] .confirm"));
        assertEquals(200, server.get("/api/timelapse/main/" + id).statusCode(), "kept");
        click("[data-session='" + id + "'] .delete");
        click("[data-session='" + id + "'] .confirm-delete");
        Poll.until(Duration.ofSeconds(20), "the session gone from the page", () -> !ids().contains(id));
        assertTrue(text("#list-note").endsWith(" was deleted."), text("#list-note"));
        assertEquals(404, server.get("/api/timelapse/main/" + id).statusCode());
        assertFalse(Files.exists(data.resolve("timelapse/main/" + id)));
    }

    /**
     * A long render shows its progress and a second one its place in the queue; a cancel ends the long one at once
     * (its partial file gone) and lets the next run; a queued render is cancelled before it runs.
     */
    @Test
    @Order(3)
    void aLongRenderShowsItsProgressTheNextItsPlaceAndBothCancel() {
        logIn();
        browser.get(server.uri("/cam/main/timelapse.html").toString());
        waitLoaded("main");
        waitForRow(longSession);
        waitForRow(shortSession);
        Path partial = data.resolve("timelapse/main/" + longSession + "/video.mp4.part");

        click("[data-session='" + longSession + "'] .render-button");
        Poll.until(Duration.ofSeconds(30), "the long render's progress", () -> progress(longSession), p -> p > 0);
        assertTrue(rowText(longSession, ".render-status").matches("Rendering: \\d+ % of 1500 frames, at 30 fps\\."),
                rowText(longSession, ".render-status"));
        assertTrue(shown("[data-session='" + longSession + "'] .cancel"));
        assertFalse(shown("[data-session='" + longSession + "'] .render-form"), "no second render of it");
        assertFalse(shown("[data-session='" + longSession + "'] .delete"), "no deletion while it renders");
        assertEquals("polite", browser.findElement(By.cssSelector("[data-session='" + longSession
                + "'] .render-status")).getAttribute("aria-live"));

        click("[data-session='" + shortSession + "'] .render-button");
        Poll.until(Duration.ofSeconds(15), "the short render queued", () -> rowText(shortSession, ".render-status"),
                t -> t.equals("Render queued: next in line, at 30 fps."));
        assertTrue(shown("[data-session='" + shortSession + "'] .cancel"), "a queued render can be cancelled");

        // Cancel the queued one: it never runs.
        click("[data-session='" + shortSession + "'] .cancel");
        Poll.until(Duration.ofSeconds(15), "the queued render cancelled", () -> rowText(shortSession, ".render-status"),
                t -> t.startsWith("The render was cancelled."));
        assertEquals("cancelled", render(session("main", shortSession)).get("state"));

        // Queue it again, then cancel the long one: killed, its partial file deleted, and the short one runs.
        click("[data-session='" + shortSession + "'] .render-button");
        Poll.until(Duration.ofSeconds(15), "the short render queued again", () -> rowText(shortSession,
                ".render-status"), t -> t.startsWith("Render queued"));
        double before = progress(longSession);
        assertTrue(before < 100, "still rendering: " + before);
        click("[data-session='" + longSession + "'] .cancel");
        Poll.until(Duration.ofSeconds(15), "the long render cancelled", () -> rowText(longSession, ".render-status"),
                t -> t.startsWith("The render was cancelled."));
        Poll.until(Duration.ofSeconds(15), "the partial file deleted", () -> !Files.exists(partial));
        assertFalse(Files.exists(data.resolve("timelapse/main/" + longSession + "/video.mp4")));
        assertTrue(shown("[data-session='" + longSession + "'] .render-form"), "it can be rendered again");
        Poll.until(Duration.ofSeconds(60), "the short render done", () -> rowText(shortSession, ".render-status"),
                t -> t.startsWith("Rendered: " + SHORT_STILLS + " frames at 30 fps"));
    }

    /**
     * The page goes on polling past a request that never answers, and stops polling while its tab is hidden, then
     * catches up at once when it is shown again.
     */
    @Test
    @Order(4)
    void pollingGoesOnPastAHungRequestAndStopsWhileTheTabIsHidden() {
        assertEquals(201, admin("POST", "/api/timelapse/main/start?interval=0.5").statusCode());
        String id = runningId();
        browser.get(server.uri("/cam/main/timelapse.html").toString());
        waitLoaded("main");
        waitForRow(id);

        // The next look at the sessions hangs for ever.
        js.executeScript("const f = window.fetch; window.hung = 0; window.fetch = (url, options) => {"
                + " if (String(url).includes('/api/timelapse/main') && window.hung === 0) {"
                + "   window.hung++; return new Promise(() => {}); }"
                + " return f(url, options); };");
        Poll.until(Duration.ofSeconds(10), "the hung request", () -> ((Number) js.executeScript("return window.hung"))
                .intValue() == 1);
        int atHang = stills(id);
        Poll.until(Duration.ofSeconds(30), "the count to move on after the hung request", () -> stills(id),
                n -> n > atHang + 2);
        assertEquals(Boolean.TRUE, state().get("reachable"), "one lost answer is no lost server");

        // Hidden: no look at all, however long the session goes on meanwhile.
        String page = browser.getWindowHandle();
        long pollsBefore = polls();
        browser.switchTo().newWindow(WindowType.TAB);
        browser.get(server.uri("/favicon.svg").toString());
        int hiddenAt = ((Number) session("main", id).get("stills")).intValue();
        Poll.until(Duration.ofSeconds(30), "the session to take 10 stills (5 s) while the page is hidden",
                () -> ((Number) session("main", id).get("stills")).intValue() >= hiddenAt + 10);
        browser.close();
        browser.switchTo().window(page);
        long pollsAfter = polls();
        assertTrue(pollsAfter <= pollsBefore + 2, "no polling while hidden: " + pollsBefore + " then " + pollsAfter
                + " (one look that was under way, one on being shown)");
        int shownAt = ((Number) session("main", id).get("stills")).intValue();
        Poll.until(Duration.ofSeconds(10), "the page caught up when shown", () -> stills(id), n -> n >= shownAt);
        assertEquals(200, admin("POST", "/api/timelapse/main/stop").statusCode());
    }

    /**
     * axe-core WCAG 2.1 A and AA on a desktop and a phone, light and dark, with a running session, one with a video,
     * one whose render was cancelled and one rendering; and on the phone nothing scrolls sideways, nothing is cut
     * off, and every control is at least 44 by 44 px. The root's page is the first camera's.
     */
    @Test
    @Order(5)
    void axeFindsNothingOnDesktopAndPhoneLightAndDarkAndNothingIsCutOff() throws IOException {
        if (!"done".equals(render(session("main", shortSession)).get("state"))) {
            assertEquals(202, admin("POST", "/api/timelapse/main/" + shortSession + "/render").statusCode());
            Poll.until(Duration.ofSeconds(60), "the short session rendered",
                    () -> render(session("main", shortSession)).get("state"), "done"::equals);
        }
        assertEquals(201, admin("POST", "/api/timelapse/main/start?interval=1").statusCode());
        String running = runningId();
        Poll.until(Duration.ofSeconds(20), "a still of the running session",
                () -> ((Number) session("main", running).get("stills")).intValue() >= 1);
        try {
            for (String path : List.of("/timelapse.html", "/cam/main/timelapse.html", "/cam/yard/timelapse.html")) {
                for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                    for (String scheme : List.of("light", "dark")) {
                        String where = path + " on a " + viewport.name() + ", " + scheme;
                        emulate(viewport);
                        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                                List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
                        browser.get(server.uri(path).toString());
                        String camera = path.contains("yard") ? "yard" : "main";
                        waitLoaded(camera);
                        if (camera.equals("main")) {
                            waitForRow(running);
                            Poll.until(Duration.ofSeconds(10), where + ": the video's row", () -> shown(
                                    "[data-session='" + shortSession + "'] video"));
                        }
                        assertEquals(List.of(), Axe.violations(browser), "axe-core WCAG 2.1 A and AA " + where);
                        assertEquals(List.of(), renderedHidden(), where + ": elements marked hidden that show");
                        assertEquals(List.of(), cutOff(), where + ": cut off or scrolling sideways");
                        if (viewport == PHONE) {
                            assertEquals(List.of(), smallTargets(), where + ": controls under 44 px");
                        }
                    }
                }
            }
            // With the Delete confirmation open and a render under way, on the phone in the dark.
            emulate(PHONE);
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                    List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            assertEquals(202, admin("POST", "/api/timelapse/main/" + longSession + "/render").statusCode());
            browser.get(server.uri("/cam/main/timelapse.html").toString());
            waitLoaded("main");
            Poll.until(Duration.ofSeconds(30), "the long render's progress", () -> progress(longSession), p -> p > 0);
            click("[data-session='" + shortSession + "'] .delete");
            assertTrue(shown("[data-session='" + shortSession + "'] .confirm"));
            assertEquals(List.of(), Axe.violations(browser), "axe-core with a render under way and a confirmation");
            assertEquals(List.of(), cutOff(), "cut off with a render under way and a confirmation");
            assertEquals(List.of(), smallTargets(), "controls under 44 px with a render and a confirmation");
        } finally {
            admin("POST", "/api/timelapse/main/stop");
            admin("DELETE", "/api/timelapse/main/" + longSession + "/render");
        }
    }

    /**
     * Screenshots for the documentation, taken only when asked:
     * {@code mvn verify -Dit.test=TimelapsePageIT#screenshots -Dtimelapse.screenshots=docs/screenshots -Dtest=none
     * -Dsurefire.failIfNoSpecifiedTests=false}.
     */
    @Test
    @Order(6)
    @EnabledIfSystemProperty(named = "timelapse.screenshots", matches = ".+")
    void screenshots() throws IOException {
        Path dir = Files.createDirectories(Path.of(System.getProperty("timelapse.screenshots")));
        if (!"done".equals(render(session("main", shortSession)).get("state"))) {
            admin("POST", "/api/timelapse/main/" + shortSession + "/render");
            Poll.until(Duration.ofSeconds(60), "the short session rendered",
                    () -> render(session("main", shortSession)).get("state"), "done"::equals);
        }
        admin("POST", "/api/timelapse/main/start?interval=1");
        String running = runningId();
        Poll.until(Duration.ofSeconds(20), "stills of the running session",
                () -> ((Number) session("main", running).get("stills")).intValue() >= 3);
        admin("POST", "/api/timelapse/main/" + longSession + "/render");
        try {
            for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                for (String scheme : List.of("light", "dark")) {
                    emulate(viewport);
                    browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                            List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
                    browser.get(server.uri("/cam/main/timelapse.html").toString());
                    waitLoaded("main");
                    Poll.until(Duration.ofSeconds(30), "the long render's progress", () -> progress(longSession),
                            p -> p > 0);
                    Poll.until(Duration.ofSeconds(10), "the newest stills shown", () -> Boolean.TRUE.equals(
                            js.executeScript("return [...document.querySelectorAll('.preview img')]"
                                    + ".every(i => i.hidden || (i.complete && i.naturalWidth > 0))")));
                    Object shot = browser.executeCdpCommand("Page.captureScreenshot", Map.of("captureBeyondViewport",
                            true, "clip", Map.of("x", 0, "y", 0, "width", viewport.width(), "height",
                                    ((Number) js.executeScript("return document.documentElement.scrollHeight"))
                                            .doubleValue(), "scale", 1)));
                    @SuppressWarnings("unchecked")
                    String png = (String) ((Map<String, Object>) shot).get("data");
                    Files.write(dir.resolve("timelapse-" + viewport.name() + "-" + scheme + ".png"),
                            java.util.Base64.getDecoder().decode(png));
                }
            }
            emulate(DESKTOP);
            browser.get(server.uri("/cam/yard/timelapse.html").toString());
            waitLoaded("yard");
            Files.write(dir.resolve("timelapse-empty.png"), browser.getScreenshotAs(org.openqa.selenium.OutputType.BYTES));
        } finally {
            admin("POST", "/api/timelapse/main/stop");
            admin("DELETE", "/api/timelapse/main/" + longSession + "/render");
        }
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Logs in as a person would: the admin page asks for the login and the browser answers with the one in the
     * address; it remembers it, and answers the timelapse API's challenge with it too.
     */
    private static void logIn() {
        browser.get("http://" + TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:"
                + server.port() + "/admin");
        Poll.until(Duration.ofSeconds(20), "the admin page", () -> "complete".equals(js.executeScript(
                "return document.readyState")) && browser.getTitle().toLowerCase().contains("admin"));
    }

    /**
     * Cancels every login prompt of the timelapse API from now on, as a person would who has no login: headless
     * Chromium shows the prompt to no one, and would wait on it. Raw CDP (Fetch), so that no Selenium class of one
     * Chromium version is needed. Closing it ends the interception.
     */
    private static AutoCloseable cancelLoginPrompts() {
        DevTools devTools = ((HasDevTools) browser).getDevTools();
        devTools.createSessionIfThereIsNotOne(browser.getWindowHandle());
        devTools.addListener(new Event<>("Fetch.requestPaused", TimelapsePageIT::requestId),
                id -> devTools.send(new Command<>("Fetch.continueRequest", Map.of("requestId", id))));
        devTools.addListener(new Event<>("Fetch.authRequired", TimelapsePageIT::requestId),
                id -> devTools.send(new Command<>("Fetch.continueWithAuth", Map.of("requestId", id,
                        "authChallengeResponse", Map.of("response", "CancelAuth")))));
        devTools.send(new Command<>("Fetch.enable", Map.of("patterns", List.of(Map.of("urlPattern",
                "*/api/timelapse/*")), "handleAuthRequests", true)));
        return () -> {
            devTools.send(new Command<>("Fetch.disable", Map.of()));
            devTools.clearListeners();
        };
    }

    private static String requestId(JsonInput input) {
        String id = null;
        input.beginObject();
        while (input.hasNext()) {
            if ("requestId".equals(input.nextName())) {
                id = input.nextString();
            } else {
                input.skipValue();
            }
        }
        input.endObject();
        return id;
    }

    private static void waitLoaded(String camera) {
        Poll.until(Duration.ofSeconds(20), "the page to load " + camera + "'s sessions", TimelapsePageIT::state,
                s -> Boolean.TRUE.equals(s.get("loaded")) && camera.equals(s.get("camera")));
    }

    private static void waitForRow(String id) {
        Poll.until(Duration.ofSeconds(20), "the row of " + id, () -> ids().contains(id));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> state() {
        Object state = js.executeScript("return window.camstreamTimelapse ? window.camstreamTimelapse.state() : {}");
        return (Map<String, Object>) state;
    }

    private static long polls() {
        return ((Number) state().get("polls")).longValue();
    }

    @SuppressWarnings("unchecked")
    private static List<String> ids() {
        return (List<String>) js.executeScript("return Array.from(document.querySelectorAll('#sessions > li'))"
                + ".map(li => li.dataset.session)");
    }

    private static int stills(String id) {
        String text = rowText(id, ".f-stills");
        return Integer.parseInt(text.replaceAll("^(\\d+).*", "$1"));
    }

    private static double progress(String id) {
        return ((Number) js.executeScript("return document.querySelector('[data-session=\"" + id
                + "\"] progress').value")).doubleValue();
    }

    private static String rowText(String id, String selector) {
        return text("[data-session='" + id + "'] " + selector);
    }

    private static String text(String selector) {
        return (String) js.executeScript("const e = document.querySelector(arguments[0]);"
                + " return e ? e.textContent.trim() : null;", selector);
    }

    private static boolean shown(String selector) {
        return Boolean.TRUE.equals(js.executeScript("const e = document.querySelector(arguments[0]);"
                + " return !!e && !e.closest('[hidden]') && e.getClientRects().length > 0;", selector));
    }

    private static void click(String selector) {
        WebElement element = browser.findElement(By.cssSelector(selector));
        js.executeScript("arguments[0].scrollIntoView({block: 'center'})", element);
        element.click();
    }

    private static void type(String selector, String value) {
        WebElement input = browser.findElement(By.cssSelector(selector));
        input.clear();
        input.sendKeys(value);
    }

    private static void emulate(Viewport viewport) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", viewport.width(),
                "height", viewport.height(), "deviceScaleFactor", viewport.scale(), "mobile", viewport.mobile()));
    }

    /** The id of main's session started through the API, while it runs. */
    @SuppressWarnings("unchecked")
    private static String runningId() {
        for (Map<String, Object> s : (List<Map<String, Object>>) api("/api/timelapse/main").get("sessions")) {
            if (Boolean.TRUE.equals(s.get("running")) && !Boolean.TRUE.equals(s.get("continuous"))) {
                return (String) s.get("id");
            }
        }
        return null;
    }

    private static Map<String, Object> session(String camera, String id) {
        return api("/api/timelapse/" + camera + "/" + id);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> render(Map<String, Object> session) {
        return (Map<String, Object>) session.get("render");
    }

    private static Map<String, Object> api(String path) {
        HttpResponse<byte[]> answer = server.get(path);
        if (answer.statusCode() != 200) {
            throw new AssertionError(path + ": " + answer.statusCode() + " "
                    + new String(answer.body(), StandardCharsets.UTF_8));
        }
        try {
            return JSON.std.mapFrom(answer.body());
        } catch (IOException e) {
            throw new AssertionError(path + " is not JSON", e);
        }
    }

    private static HttpResponse<byte[]> admin(String method, String path) {
        return server.send(server.asAdmin(path).method(method, HttpRequest.BodyPublishers.noBody()).build());
    }

    /** A session as if a server had been running it when it died: its stills (links to one picture), its metadata. */
    private static String seedSession(Instant start, Path picture, int stills) throws IOException {
        String id = LocalDateTime.ofInstant(start, ZoneId.systemDefault())
                .format(DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss"));
        Path dir = Files.createDirectories(data.resolve("timelapse/main/" + id));
        for (int n = 1; n <= stills; n++) {
            Files.createLink(dir.resolve(String.format("%06d.jpg", n)), picture);
        }
        Files.writeString(dir.resolve("session.json"), "{\"version\":1,\"camera\":\"main\",\"id\":\"" + id
                + "\",\"continuous\":false,\"start\":\"" + start + "\",\"end\":null,\"interval\":2.0,\"missed\":0}");
        return id;
    }

    /** Elements with the hidden attribute that take space or are displayed anyway (a CSS display rule wins). */
    @SuppressWarnings("unchecked")
    private static List<String> renderedHidden() {
        return (List<String>) js.executeScript("return [...document.querySelectorAll('body [hidden]')].filter(e => {"
                + " const r = e.getBoundingClientRect();"
                + " return getComputedStyle(e).display !== 'none' || r.width > 0 || r.height > 0; })"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className);");
    }

    /** Links, buttons and fields a finger hits that are under 44 by 44 CSS pixels. */
    @SuppressWarnings("unchecked")
    private static List<String> smallTargets() {
        return (List<String>) js.executeScript("const small = [];"
                + "document.querySelectorAll('a[href], button, input, select, textarea, video, [tabindex]:not([tabindex=\"-1\"])')"
                + ".forEach(e => {"
                + "  const r = e.getBoundingClientRect();"
                + "  if (r.width === 0 && r.height === 0) return;"
                + "  if (r.width < 43.5 || r.height < 43.5) small.push(e.tagName + '.' + e.className + ' '"
                + "    + (e.value || e.textContent).trim().slice(0, 30) + ': ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1)); });"
                + "return small;");
    }

    /** The page scrolls sideways, or a shown element reaches past the viewport's edges, outside a scroll box. */
    @SuppressWarnings("unchecked")
    private static List<String> cutOff() {
        return (List<String>) js.executeScript("const width = document.documentElement.clientWidth; const cut = [];"
                + "if (document.documentElement.scrollWidth > width) cut.push('the page scrolls sideways: '"
                + "  + document.documentElement.scrollWidth + ' > ' + width);"
                + "const clipped = e => { for (let p = e.parentElement; p && p !== document.body; p = p.parentElement) {"
                + "  if (getComputedStyle(p).overflowX !== 'visible') return true; } return false; };"
                + "document.querySelectorAll('body *').forEach(e => {"
                + "  if (e.closest('[hidden]') || e.closest('template')) return;"
                + "  const r = e.getBoundingClientRect();"
                + "  if (r.width === 0 || r.height === 0 || clipped(e)) return;"
                + "  if (r.left < -0.5 || r.right > width + 0.5) cut.push(e.tagName + '#' + e.id + '.' + e.className"
                + "    + ' spans ' + r.left.toFixed(1) + ' to ' + r.right.toFixed(1)); });"
                + "return cut;");
    }
}
