package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
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
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.interactions.PointerInput;
import org.openqa.selenium.interactions.Sequence;

/**
 * The recordings page (recordings.html, at the root for the first camera and at cam/&lt;name&gt;/recordings.html) in
 * a real Chromium on a desktop (1280x800) and a phone (390x844 at scale 3, touch), against a server whose two
 * test-pattern cameras, main and yard, record continuously in files of 10 s. The spans api/recordings lists are
 * drawn on the day's bar; a click or a tap on the bar plays from that moment and the clip seeks; the download link
 * is the chosen clip as an attachment; the previous and next span buttons go from one span to the other once
 * recording was turned off and on again on the admin API; a camera that does not record says so, one whose
 * recorder stopped (a disk under record-min-free) warns with the reason; the switcher leads to yard's own spans;
 * axe-core finds nothing at WCAG 2.1 AA on both sizes, light and dark.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RecordingsPageIT {

    record Viewport(String name, int width, int height, double scale, boolean mobile) {
    }

    static final Viewport DESKTOP = new Viewport("desktop", 1280, 800, 1, false);
    static final Viewport PHONE = new Viewport("phone", 390, 844, 3, true);

    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private static TestServer server;
    private static ChromeDriver browser;
    private static JavascriptExecutor js;

    @BeforeAll
    static void start() {
        server = TestServer.start("--cameras", "main,yard", "--width", "320", "--height", "240", "--fps", "15",
                "--record", "continuous", "--record-segment", "10",
                "--camera.yard.source", "test", "--camera.yard.width", "320", "--camera.yard.height", "240",
                "--camera.yard.record", "continuous");
        browser = Browser.start();
        js = browser;
    }

    private static boolean recorded25s;

    /**
     * Waits until main has recorded 25 s, which the tests of its spans need. Recording holds the camera: it records
     * from the server's start, so the test that needs none of it runs first, while main records.
     */
    private static void awaitMainsLongSpan() {
        if (!recorded25s) {
            Poll.until(Duration.ofSeconds(60), "main to have recorded 25 s", () -> apiSpans(server, "main"),
                    spans -> spans.stream().anyMatch(s -> seconds(s) >= 25));
            recorded25s = true;
        }
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
        browser.get("about:blank");
        browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        browser.executeCdpCommand("Emulation.setTouchEmulationEnabled", Map.of("enabled", false));
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
    }

    @Test
    @Order(2)
    void aClickOnTheTimelinePlaysFromThatMomentAndTheClipSeeksOnDesktopAndPhone() {
        awaitMainsLongSpan();
        for (Viewport viewport : List.of(DESKTOP, PHONE)) {
            for (String path : List.of("/recordings.html", "/cam/main/recordings.html")) {
                String where = path + " on a " + viewport.name();
                emulate(viewport);
                browser.get(server.uri(path).toString());
                Map<String, Object> span = waitForLongSpan(where, "main");
                Map<String, Object> state = state();
                assertEquals("main", state.get("camera"), where + ": the page's camera");
                assertEquals("/", state.get("root"), where + ": the context root");
                assertEquals("recording", state.get("shown"), where + ": " + state);
                assertEquals("recording", text("#record-state"), where);
                assertEquals(List.of(), renderedHiddenElements(), where + ": elements with hidden that show");

                // Drawn on the bar (a span of seconds in 24 h: a sliver, at least 4 px wide).
                Map<String, Number> drawn = spanBox((String) span.get("start"));
                assertNotNull(drawn, where + ": span " + span + " drawn on the bar");
                assertTrue(drawn.get("width").doubleValue() >= 3, where + ": " + drawn);
                Map<String, Number> bar = box("#bar");
                assertTrue(drawn.get("left").doubleValue() >= bar.get("left").doubleValue() - 1
                        && drawn.get("right").doubleValue() <= bar.get("right").doubleValue() + 1, where + ": " + drawn + " in " + bar);

                // A click (a tap on the phone) on the sliver plays that span.
                tap(viewport, drawn.get("x").doubleValue(), drawn.get("y").doubleValue());
                Map<String, Object> playing = waitUntilPlays(where + ", clicked at 24 h", null);
                assertSameTime(span.get("start"), playing.get("spanStart"), where + ": the span clicked: " + playing);
                assertEquals(320L, js.executeScript("return document.getElementById('video').videoWidth"), where);

                // A tap far from any span says nothing was recorded there, and the clip plays on.
                @SuppressWarnings("unchecked")
                Map<String, Number> empty = (Map<String, Number>) js.executeScript("const r = document.getElementById('track')"
                        + ".getBoundingClientRect(); const s = Array.from(document.querySelectorAll('#track .span'))"
                        + ".map(e => e.getBoundingClientRect());"
                        + "const far = (x) => s.every(b => x < b.left - 40 || x > b.right + 40);"
                        + "for (let x = r.left + 6; x < r.right - 6; x += 10) if (far(x)) return {x: x, y: r.top + r.height / 2};"
                        + "return null;");
                assertNotNull(empty, where + ": a place on the bar away from the spans");
                tap(viewport, empty.get("x").doubleValue(), empty.get("y").doubleValue());
                Poll.until(Duration.ofSeconds(5), where + ": nothing recorded there", () -> text("#player-message"),
                        t -> t != null && t.startsWith("Nothing was recorded at "));
                assertEquals(playing.get("url"), playing().get("url"), where + ": the clip plays on");

                // Zoomed to 10 minutes, a click at 40 % of the span plays from that moment.
                browser.findElement(By.cssSelector("[data-zoom='600']")).click();
                Poll.until(Duration.ofSeconds(5), where + ": zoomed", () -> "true".equals(
                        browser.findElement(By.cssSelector("[data-zoom='600']")).getAttribute("aria-pressed")));
                span = longSpan(spans());
                Map<String, Object> target = pointAt(span, 0.4);
                double perPixel = ((Number) target.get("msPerPixel")).doubleValue();
                tap(viewport, ((Number) target.get("x")).doubleValue(), ((Number) target.get("y")).doubleValue());
                Map<String, Object> zoomed = waitUntilPlays(where + ", clicked at 10 min", (String) playing.get("url"));
                double requested = millis(zoomed.get("requested"));
                double wanted = ((Number) target.get("time")).doubleValue();
                assertEquals(wanted, requested, 2 * perPixel + 500, where + ": plays from where it was clicked: " + zoomed
                        + ", wanted " + Instant.ofEpochMilli((long) wanted));
                double clipStart = millis(zoomed.get("clipStart"));
                assertTrue(clipStart <= requested && requested - clipStart < 5000,
                        where + ": the clip starts at the keyframe before: " + zoomed);
                assertTrue(millis(zoomed.get("position")) >= requested - 500,
                        where + ": seeked to the moment clicked, not the clip's keyframe: " + zoomed);
                assertTrue(((String) zoomed.get("url")).startsWith("/cam/main/recordings/get?start="), where + ": " + zoomed);

                // Three points of the clip: each seek lands within 1 s, and frames come after it.
                double length = ((Number) zoomed.get("duration")).doubleValue();
                assertTrue(length > 5 && Double.isFinite(length), where + ": the clip's duration: " + zoomed);
                for (double fraction : List.of(0.2, 0.5, 0.8)) {
                    Map<String, Object> seek = seek(fraction);
                    String what = where + ", seek to " + Math.round(fraction * 100) + " %: " + seek;
                    double goal = ((Number) seek.get("target")).doubleValue();
                    assertEquals(goal, ((Number) seek.get("landed")).doubleValue(), 1.0, what);
                    assertTrue(((Number) seek.get("frames")).intValue() >= 5, what);
                    double mediaTime = ((Number) seek.get("mediaTime")).doubleValue();
                    assertTrue(mediaTime >= goal - 1 && mediaTime <= goal + 4, what);
                }
                assertEquals(Boolean.TRUE, js.executeScript(
                        "return document.scrollingElement.scrollWidth <= innerWidth"), where + ": nothing wider than the screen");
            }
        }
    }

    @Test
    @Order(3)
    void theKeyboardReachesAndPlaysASpanFromTheBarAndFromTheList() {
        awaitMainsLongSpan();
        emulate(DESKTOP);
        browser.get(server.uri("/cam/main/recordings.html").toString());
        waitForLongSpan("the page", "main");
        // The list: a button per span, Enter plays it from its start.
        browser.findElement(By.cssSelector("#spans li:last-child button")).sendKeys(Keys.ENTER);
        Map<String, Object> fromList = waitUntilPlays("Enter on the last span's button", null);
        Map<String, Object> last = spans().get(spans().size() - 1);
        assertSameTime(last.get("start"), fromList.get("spanStart"), "the last span: " + fromList);
        assertEquals(millis(last.get("start")), millis(fromList.get("requested")), 1000, "from its start: " + fromList);
        assertEquals("true", browser.findElement(By.cssSelector("#spans li:last-child button")).getAttribute("aria-current"));

        // The bar is a slider: zoomed to 10 min an arrow key moves 12.5 s from the playhead, Enter plays there.
        browser.findElement(By.cssSelector("[data-zoom='600']")).click();
        js.executeScript("document.getElementById('video').pause()");
        var bar = browser.findElement(By.id("bar"));
        bar.sendKeys(Keys.ARROW_RIGHT);
        Map<String, Object> state = state();
        String cursor = (String) state.get("cursor");
        assertNotNull(cursor, "the arrow key moved the cursor: " + state);
        double position = millis(playing().get("position"));
        assertEquals(position + 12_500, millis(cursor), 1500, "12.5 s after the playhead: " + state);
        assertTrue(bar.getAttribute("aria-valuetext").endsWith(", recorded"), bar.getAttribute("aria-valuetext"));
        Map<String, Object> before = playing();
        bar.sendKeys(Keys.ENTER);
        Map<String, Object> fromBar = waitUntilPlays("Enter on the bar", (String) before.get("url"));
        assertEquals(millis(cursor), millis(fromBar.get("requested")), 1000, "plays from the cursor: " + fromBar);
        assertTrue(bar.getAttribute("aria-valuetext").endsWith(", playing"), bar.getAttribute("aria-valuetext"));
        // The end of the day is not recorded yet, and says so.
        bar.sendKeys(Keys.END);
        assertTrue(bar.getAttribute("aria-valuetext").endsWith(", not recorded"), bar.getAttribute("aria-valuetext"));
    }

    @Test
    @Order(4)
    void theDownloadLinkIsTheChosenClipAsAnAttachment() throws Exception {
        awaitMainsLongSpan();
        emulate(DESKTOP);
        browser.get(server.uri("/cam/main/recordings.html").toString());
        waitForLongSpan("the page", "main");
        // Nothing plays: the clip is the latest span.
        Map<String, Object> last = spans().get(spans().size() - 1);
        String href = Poll.until(Duration.ofSeconds(5), "the download link", () -> browser.findElement(By.id("download"))
                .getAttribute("href"), h -> h != null);
        assertTrue(href.contains("/cam/main/recordings/get?start=") && href.endsWith("&download=1"), href);
        assertEquals(millis(last.get("start")), millis(query(href, "start")), 1000, href + " for " + last);
        HttpResponse<byte[]> whole = fetch(href);
        assertDownload(whole, href);

        // Played, the span is the clip's default; then a chosen 5 s of it.
        browser.findElement(By.cssSelector("#spans li:last-child button")).click();
        Map<String, Object> playing = waitUntilPlays("the last span", null);
        js.executeScript("const s = Date.parse(arguments[0].replace(/(\\.\\d{3})\\d+/, '$1'));"
                + "const f = document.getElementById('clip-from'), t = document.getElementById('clip-to');"
                + "const local = (ms) => { const d = new Date(ms), p = (n) => String(n).padStart(2, '0');"
                + " return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + 'T' + p(d.getHours())"
                + " + ':' + p(d.getMinutes()) + ':' + p(d.getSeconds()); };"
                + "const from = Math.ceil(s / 1000) * 1000 + 4000;"
                + "f.value = local(from); f.dispatchEvent(new Event('input', {bubbles: true}));"
                + "t.value = local(from + 5000); t.dispatchEvent(new Event('input', {bubbles: true}));",
                playing.get("spanStart"));
        String chosen = browser.findElement(By.id("download")).getAttribute("href");
        assertTrue(chosen.contains("&duration=5&download=1"), chosen);
        assertEquals(Math.ceil(millis(playing.get("spanStart")) / 1000) * 1000 + 4000, millis(query(chosen, "start")), 1, chosen);
        HttpResponse<byte[]> clip = fetch(chosen);
        assertDownload(clip, chosen);
        Path file = Files.createTempFile("recordings-page-clip", ".mp4");
        try {
            Files.write(file, clip.body());
            double seconds = Double.parseDouble(MediaTools.runOk(List.of("ffprobe", "-v", "error", "-show_entries",
                    "format=duration", "-of", "csv=p=0", file.toString())).stdoutText().trim());
            // Cut at keyframes: from the one at or before the start to the one at or after the end.
            assertTrue(seconds >= 4.5 && seconds <= 10, "the 5 s clip lasts " + seconds + " s");
            assertEquals(320, MediaTools.intField(MediaTools.probeVideoStream(file), "width"));
        } finally {
            Files.deleteIfExists(file);
        }

        // A clip that ends before it starts has no link, and says why.
        js.executeScript("const f = document.getElementById('clip-from'), t = document.getElementById('clip-to');"
                + "t.value = f.value.replace(/T\\d\\d/, (h) => 'T' + String(Math.max(0, Number(h.slice(1)) - 1)).padStart(2, '0'));"
                + "if (t.value >= f.value) t.value = f.value;"
                + "t.dispatchEvent(new Event('input', {bubbles: true}));");
        assertEquals(null, browser.findElement(By.id("download")).getAttribute("href"));
        assertEquals("true", browser.findElement(By.id("download")).getAttribute("aria-disabled"));
        assertEquals("The clip must end after it starts.", text("#clip-note"));
    }

    @Test
    @Order(5)
    void thePageHasNoAccessibilityViolationsAndFitsOnDesktopAndPhoneInLightAndDark() throws IOException {
        awaitMainsLongSpan();
        for (Viewport viewport : List.of(DESKTOP, PHONE)) {
            for (String scheme : List.of("light", "dark")) {
                String where = viewport.name() + ", " + scheme;
                emulate(viewport);
                scheme(scheme);
                browser.get(server.uri("/cam/main/recordings.html").toString());
                waitForLongSpan(where, "main");
                assertEquals(List.of(), Axe.violations(browser), where + ", nothing playing");
                browser.findElement(By.cssSelector("#spans li:last-child button")).click();
                waitUntilPlays(where, null);
                assertEquals(List.of(), Axe.violations(browser), where + ", playing");
                assertEquals(List.of(), renderedHiddenElements(), where + ": elements with hidden that show");
                assertEquals(List.of(), smallTargets(), where + ": targets under 44 px");
                assertEquals(Boolean.TRUE, js.executeScript(
                        "return document.scrollingElement.scrollWidth <= innerWidth"), where + ": nothing wider than the screen");
                @SuppressWarnings("unchecked")
                List<String> wide = (List<String>) js.executeScript("return Array.from(document.querySelectorAll('main *'))"
                        + ".filter(e => { const r = e.getBoundingClientRect(); return r.width > 0 && (r.right > innerWidth + 0.5 || r.left < -0.5)"
                        + " && !e.closest('.ticks'); })"
                        + ".map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + ' ' + Math.round(e.getBoundingClientRect().right));");
                assertEquals(List.of(), wide, where + ": elements past the screen's edge");
                Map<String, Number> bar = box("#bar");
                assertTrue(bar.get("height").doubleValue() >= 44, where + ": the bar is a touch target: " + bar);
                if (viewport == PHONE) {
                    assertTrue(bar.get("width").doubleValue() >= viewport.width() - 48, where + ": the bar as wide as the phone: " + bar);
                }
            }
        }
    }

    @Test
    @Order(6)
    void theSwitcherLeadsToTheSecondCamerasOwnRecordings() {
        awaitMainsLongSpan();
        emulate(PHONE);
        browser.get(server.uri("/cam/main/recordings.html").toString());
        waitForLongSpan("main's page", "main");
        Poll.until(Duration.ofSeconds(10), "the camera switcher", () -> browser.findElement(By.id("switcher")).isDisplayed());
        @SuppressWarnings("unchecked")
        List<String> links = (List<String>) js.executeScript("return Array.from(document.querySelectorAll('#switcher a'))"
                + ".map(a => a.textContent + ' ' + new URL(a.href).pathname + (a.getAttribute('aria-current') ? ' current' : ''))");
        assertEquals(List.of("main /cam/main/recordings.html current", "yard /cam/yard/recordings.html"), links);
        browser.findElement(By.linkText("yard")).click();
        Poll.until(Duration.ofSeconds(10), "yard's recordings page", () -> browser.getCurrentUrl(),
                url -> URI.create(url).getPath().equals("/cam/yard/recordings.html"));
        Poll.until(Duration.ofSeconds(20), "yard's spans", () -> state(), s -> "yard".equals(s.get("camera"))
                && Boolean.TRUE.equals(s.get("loaded")) && !spans().isEmpty());
        assertEquals("yard", text("#camera-name"));
        List<String> shown = spans().stream().map(s -> (String) s.get("start")).toList();
        List<String> yards = apiSpans(server, "yard").stream().map(s -> (String) s.get("start")).toList();
        assertEquals(yards.size(), shown.size(), "yard's spans " + shown + " are api/recordings?camera=yard's " + yards);
        for (int i = 0; i < yards.size(); i++) {
            assertSameTime(yards.get(i), shown.get(i), "yard's spans " + shown + " are api/recordings?camera=yard's " + yards);
        }
        assertNotNull(spanBox(shown.get(0)), "yard's span drawn");
        browser.findElement(By.cssSelector("#spans li:first-child button")).click();
        Map<String, Object> playing = waitUntilPlays("yard's span", null);
        assertTrue(((String) playing.get("url")).startsWith("/cam/yard/recordings/get?"), playing.toString());
        assertEquals(320L, js.executeScript("return document.getElementById('video').videoWidth"));
        assertEquals(server.uri("/cam/yard/").toString(), browser.findElement(By.id("live-link")).getAttribute("href"));
    }

    @Test
    @Order(7)
    void recordingTurnedOffShowsSoAndTheSpanButtonsGoFromOneSpanToTheOther() throws IOException {
        awaitMainsLongSpan();
        // The page polls api/recordings every 10 s; here once a second, so that each change it has to notice by
        // itself does not cost up to 10 s of waiting.
        Object fastPolls = browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "window.camstreamRecordingsPollMs = 1000;")).get("identifier");
        try {
            turnedOffAndOnAgain();
        } finally {
            browser.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", fastPolls));
        }
    }

    private void turnedOffAndOnAgain() throws IOException {
        emulate(DESKTOP);
        browser.get(server.uri("/cam/main/recordings.html").toString());
        waitForLongSpan("the page", "main");
        int before = spans().size();
        setRecord("off");
        Poll.until(Duration.ofSeconds(15), "main's recorder off", () -> recording(server, "main"),
                r -> "off".equals(r.get("state")));
        // The gap begins here: the page's poll and the checks of its note are part of it.
        Instant off = Instant.now();
        assertEquals(1000L, js.executeScript("return window.camstreamRecordingsPollMs"), "the page's polls sped up");
        Poll.until(Duration.ofSeconds(25), "the page to say main does not record", () -> state(),
                s -> "off".equals(s.get("shown")));
        assertEquals("not recording", text("#record-state"));
        assertTrue(browser.findElement(By.id("note")).isDisplayed());
        assertTrue(text("#note").contains("not set to record"), text("#note"));
        assertEquals(List.of(), Axe.violations(browser), "not recording");
        // A gap of a few seconds, then recording again: two spans.
        Poll.until(Duration.ofSeconds(10), "a gap of 4 s", () -> Duration.between(off, Instant.now()).toSeconds() >= 4);
        setRecord("continuous");
        Poll.until(Duration.ofSeconds(60), "a new span of 6 s", () -> apiSpans(server, "main"),
                s -> s.size() >= before + 1 && seconds(s.get(s.size() - 1)) >= 6);
        Poll.until(Duration.ofSeconds(25), "the page to show the new span", () -> spans(), s -> s.size() >= before + 1
                && seconds(s.get(s.size() - 1)) >= 6);
        Poll.until(Duration.ofSeconds(25), "the page to say main records", () -> state(), s -> "recording".equals(s.get("shown")));
        List<Map<String, Object>> spans = spans();
        int n = spans.size();

        browser.findElement(By.cssSelector("#spans li:last-child button")).click();
        Map<String, Object> playing = waitUntilPlays("the last span", null);
        assertSameTime(spans.get(n - 1).get("start"), playing.get("spanStart"), "the last span: " + playing);
        assertTrue(!browser.findElement(By.id("next-span")).isEnabled(), "no next span after the last");
        assertTrue(browser.findElement(By.id("prev-span")).isEnabled());

        browser.findElement(By.id("prev-span")).click();
        Map<String, Object> previous = waitUntilPlays("the previous span", (String) playing.get("url"));
        assertSameTime(spans.get(n - 2).get("start"), previous.get("spanStart"), "the span before: " + previous);
        assertEquals(millis(spans.get(n - 2).get("start")), millis(previous.get("requested")), 1000, "from its start");
        assertEquals(n > 2, browser.findElement(By.id("prev-span")).isEnabled(), "a previous one only if there is one");
        assertTrue(browser.findElement(By.id("next-span")).isEnabled());

        browser.findElement(By.id("next-span")).click();
        Map<String, Object> next = waitUntilPlays("the next span", (String) previous.get("url"));
        assertSameTime(spans.get(n - 1).get("start"), next.get("spanStart"), "back on the last: " + next);
        // Both spans and the gap between are on the bar.
        assertNotNull(spanBox((String) spans.get(n - 2).get("start")));
        assertNotNull(spanBox((String) spans.get(n - 1).get("start")));
        assertTrue(((Number) js.executeScript("return document.querySelectorAll('#track .gap').length")).intValue() >= 2,
                "the gaps drawn");
    }

    @Test
    @Order(1)
    void aRecorderThatStoppedWarnsWithItsReason() throws IOException {
        // More free space kept than any disk has: the recorder stops at once, as on a full disk, and says why.
        try (TestServer stopped = TestServer.start("--width", "320", "--height", "240", "--record", "continuous",
                "--record-min-free", "1000T")) {
            Poll.until(Duration.ofSeconds(30), "the recorder to stop", () -> recording(stopped, "main"),
                    r -> "stopped".equals(r.get("state")));
            for (Viewport viewport : List.of(DESKTOP, PHONE)) {
                for (String scheme : List.of("light", "dark")) {
                    String where = viewport.name() + ", " + scheme;
                    emulate(viewport);
                    scheme(scheme);
                    browser.get(stopped.uri("/recordings.html").toString());
                    Map<String, Object> state = Poll.until(Duration.ofSeconds(15), where + ": the warning", () -> state(),
                            s -> "stopped".equals(s.get("shown")));
                    assertTrue(browser.findElement(By.id("warning")).isDisplayed(), where);
                    assertEquals("alert", browser.findElement(By.id("warning")).getAttribute("role"));
                    assertTrue(text("#warning-title").startsWith("Recording has stopped"), text("#warning-title"));
                    assertTrue(text("#warning-detail").contains("under record-min-free"), where + ": the reason: " + text("#warning-detail"));
                    assertEquals("recording stopped", text("#record-state"));
                    assertTrue(((String) state.get("warning")).contains("record-min-free"), state.toString());
                    Poll.until(Duration.ofSeconds(10), where + ": the day loaded", () -> Boolean.TRUE.equals(state().get("loaded")));
                    assertTrue(browser.findElement(By.id("spans-empty")).isDisplayed(), where + ": nothing recorded");
                    assertEquals(List.of(), Axe.violations(browser), where + ", stopped");
                    assertEquals(Boolean.TRUE, js.executeScript(
                            "return document.scrollingElement.scrollWidth <= innerWidth"), where + ": nothing wider than the screen");
                }
            }
        }
    }

    /** {@code -Drecordings.screenshots=DIR}: the page on both sizes, for a look. */
    @Test
    @Order(8)
    @EnabledIfSystemProperty(named = "recordings.screenshots", matches = ".+")
    void screenshots() throws IOException {
        awaitMainsLongSpan();
        Path directory = Path.of(System.getProperty("recordings.screenshots"));
        Files.createDirectories(directory);
        for (Viewport viewport : List.of(DESKTOP, PHONE)) {
            for (String scheme : List.of("light", "dark")) {
                emulate(viewport);
                scheme(scheme);
                browser.get(server.uri("/cam/main/recordings.html").toString());
                waitForLongSpan("screenshot", "main");
                browser.findElement(By.cssSelector("[data-zoom='600']")).click();
                browser.findElement(By.cssSelector("#spans li:last-child button")).click();
                waitUntilPlays("screenshot", null);
                Files.write(directory.resolve("recordings-" + viewport.name() + "-" + scheme + ".png"),
                        browser.getScreenshotAs(OutputType.BYTES));
            }
        }
    }

    // ---------------------------------------------------------------- helpers

    static void emulate(Viewport viewport) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", viewport.width(),
                "height", viewport.height(), "deviceScaleFactor", viewport.scale(), "mobile", viewport.mobile()));
        browser.executeCdpCommand("Emulation.setTouchEmulationEnabled", viewport.mobile()
                ? Map.of("enabled", true, "maxTouchPoints", 5) : Map.of("enabled", false));
    }

    static void scheme(String scheme) {
        browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features",
                List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
    }

    /** A click with the mouse, or on the phone a tap of a finger, at a point of the viewport. */
    private static void tap(Viewport viewport, double x, double y) {
        PointerInput pointer = new PointerInput(viewport.mobile() ? PointerInput.Kind.TOUCH : PointerInput.Kind.MOUSE,
                viewport.mobile() ? "finger" : "mouse");
        Sequence sequence = new Sequence(pointer, 0);
        sequence.addAction(pointer.createPointerMove(Duration.ZERO, PointerInput.Origin.viewport(),
                (int) Math.round(x), (int) Math.round(y)));
        sequence.addAction(pointer.createPointerDown(PointerInput.MouseButton.LEFT.asArg()));
        sequence.addAction(pointer.createPointerUp(PointerInput.MouseButton.LEFT.asArg()));
        browser.perform(List.of(sequence));
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> apiSpans(TestServer on, String camera) {
        try {
            HttpResponse<byte[]> answer = on.get("/api/recordings?camera=" + camera);
            assertEquals(200, answer.statusCode(), new String(answer.body()));
            return (List<Map<String, Object>>) JSON.std.mapFrom(answer.body()).get("spans");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> recording(TestServer on, String camera) {
        try {
            Map<String, Object> status = JSON.std.mapFrom(on.get("/cam/" + camera + "/api/status").body());
            return (Map<String, Object>) status.get("recording");
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void setRecord(String value) throws IOException {
        HttpResponse<byte[]> put = server.send(server.asAdmin("/api/config?camera=main")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(JSON.std.asString(Map.of("record", value)))).build());
        assertEquals(200, put.statusCode(), new String(put.body()));
    }

    private static double seconds(Map<String, Object> span) {
        return ((Number) span.get("seconds")).doubleValue();
    }

    /** An ISO time with up to nine decimals as ms. */
    private static double millis(Object iso) {
        Instant t = Instant.parse((String) iso);
        return t.getEpochSecond() * 1000.0 + t.getNano() / 1e6;
    }

    /**
     * The same moment in two answers: api/recordings places a span anew at every answer, by the monotonic clock and
     * the wall clock as it is then, so its start may move by a millisecond or so.
     */
    private static void assertSameTime(Object expected, Object actual, String message) {
        assertEquals(millis(expected), millis(actual), 1500, message + ": " + expected + " and " + actual);
    }

    private static String query(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return java.net.URLDecoder.decode(pair.substring(name.length() + 1), java.nio.charset.StandardCharsets.UTF_8);
            }
        }
        throw new AssertionError("no " + name + " in " + url);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> state() {
        return (Map<String, Object>) js.executeScript("return window.camstreamRecordings.state()");
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> spans() {
        return (List<Map<String, Object>>) js.executeScript("return window.camstreamRecordings.spans()");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> playing() {
        return (Map<String, Object>) js.executeScript("return window.camstreamRecordings.playing()");
    }

    private static Map<String, Object> longSpan(List<Map<String, Object>> spans) {
        return spans.stream().filter(s -> seconds(s) >= 25).reduce((a, b) -> b).orElse(null);
    }

    /** Waits until the page has loaded the day and shows a span of 25 s or more; returns the latest such. */
    private static Map<String, Object> waitForLongSpan(String where, String camera) {
        Poll.until(Duration.ofSeconds(20), where + ": the page's script", () -> Boolean.TRUE.equals(js.executeScript(
                "return !!window.camstreamRecordings && window.camstreamRecordings.state().loaded")));
        assertEquals(camera, state().get("camera"), where);
        return Poll.until(Duration.ofSeconds(25), where + ": a span of 25 s on the page", () -> longSpan(spans()),
                s -> s != null && spanBox((String) s.get("start")) != null);
    }

    /**
     * Waits until a clip other than {@code previousUrl} plays: its video shows pictures and its time advances by
     * a second. Returns window.camstreamRecordings.playing() then.
     */
    private static Map<String, Object> waitUntilPlays(String where, String previousUrl) {
        Map<String, Object> started = Poll.until(Duration.ofSeconds(20), where + ": a clip loaded", RecordingsPageIT::playing,
                p -> p != null && !p.get("url").equals(previousUrl) && Boolean.TRUE.equals(js.executeScript(
                        "const v = document.getElementById('video'); return v.readyState >= 2 && !v.paused && v.videoWidth > 0"
                                + " && v.currentSrc.endsWith(arguments[0])", p.get("url"))));
        double t0 = ((Number) started.get("currentTime")).doubleValue();
        Poll.until(Duration.ofSeconds(15), where + ": the video to advance", () -> ((Number) js.executeScript(
                "return document.getElementById('video').currentTime")).doubleValue(), t -> t > t0 + 1);
        return playing();
    }

    /** Where a span is drawn on the bar, or null when it is not. */
    @SuppressWarnings("unchecked")
    private static Map<String, Number> spanBox(String start) {
        return (Map<String, Number>) js.executeScript("const p = (s) => Date.parse(s.replace(/(\\.\\d{3})\\d+/, '$1'));"
                + "const e = Array.from(document.querySelectorAll('#track .span'))"
                + ".find(e => Math.abs(p(e.dataset.start) - p(arguments[0])) < 1500); if (!e) return null;"
                + "e.scrollIntoView({block: 'center'}); const r = e.getBoundingClientRect();"
                + "return r.width > 0 ? {left: r.left, right: r.right, width: r.width, x: r.left + r.width / 2,"
                + " y: r.top + r.height / 2} : null;", start);
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Number> box(String selector) {
        return (Map<String, Number>) js.executeScript("const r = document.querySelector(arguments[0]).getBoundingClientRect();"
                + "return {left: r.left, right: r.right, width: r.width, height: r.height};", selector);
    }

    /** The point of the bar at a fraction of a span, by the view the page shows; and the time there. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> pointAt(Map<String, Object> span, double fraction) {
        return (Map<String, Object>) js.executeScript("const p = (s) => Date.parse(s.replace(/(\\.\\d{3})\\d+/, '$1'));"
                + "const bar = document.getElementById('bar'); bar.scrollIntoView({block: 'center'});"
                + "const r = document.getElementById('track').getBoundingClientRect();"
                + "const v = window.camstreamRecordings.state().view, vs = p(v.start), ve = p(v.end);"
                + "const time = p(arguments[0]) + arguments[2] * (p(arguments[1]) - p(arguments[0]));"
                + "const x = r.left + (time - vs) / (ve - vs) * r.width;"
                + "return {x: x, y: r.top + r.height / 2, time: vs + (Math.round(x) - r.left) / r.width * (ve - vs),"
                + " msPerPixel: (ve - vs) / r.width};", span.get("start"), span.get("end"), fraction);
    }

    /** Seeks the playing clip to a fraction of its duration; when it has landed, counts the frames shown after. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> seek(double fraction) {
        return (Map<String, Object>) browser.executeAsyncScript("const fraction = arguments[0], done = arguments[arguments.length - 1];"
                + "const v = document.getElementById('video'); const target = v.duration * fraction; let finished = false;"
                + "const finish = (r) => { if (!finished) { finished = true; done(r); } };"
                + "v.addEventListener('seeked', () => { const landed = v.currentTime; let frames = 0, mediaTime = null;"
                + " const count = (now, meta) => { frames++; mediaTime = meta.mediaTime;"
                + "  if (frames < 5) v.requestVideoFrameCallback(count);"
                + "  else finish({target: target, landed: landed, frames: frames, mediaTime: mediaTime}); };"
                + " v.requestVideoFrameCallback(count);"
                + " setTimeout(() => finish({target: target, landed: landed, frames: frames, mediaTime: mediaTime, timedOut: true}), 10000);"
                + "}, {once: true});"
                + "v.currentTime = target; if (v.paused) v.play();", fraction);
    }

    private static HttpResponse<byte[]> fetch(String url) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofByteArray());
    }

    private static void assertDownload(HttpResponse<byte[]> answer, String url) {
        assertEquals(200, answer.statusCode(), url + ": " + new String(answer.body(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("video/mp4", answer.headers().firstValue("Content-Type").orElse(""), url);
        String disposition = answer.headers().firstValue("Content-Disposition").orElse("");
        assertTrue(disposition.startsWith("attachment") && disposition.contains("filename=\"main-"), url + ": " + disposition);
        byte[] body = answer.body();
        assertTrue(body.length > 10_000 && new String(body, 4, 4, java.nio.charset.StandardCharsets.US_ASCII).equals("ftyp"),
                url + ": an MP4 of " + body.length + " bytes");
    }

    private static String text(String selector) {
        return (String) js.executeScript("const e = document.querySelector(arguments[0]); return e && e.textContent.trim()",
                selector);
    }

    /** Elements that carry the hidden attribute and still take space or show. */
    @SuppressWarnings("unchecked")
    static List<String> renderedHiddenElements() {
        return (List<String>) js.executeScript("return Array.from(document.querySelectorAll('[hidden]'))"
                + ".filter(e => { const r = e.getBoundingClientRect();"
                + " return getComputedStyle(e).display !== 'none' || r.width > 0 || r.height > 0; })"
                + ".map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className ? '.' + e.className : ''));");
    }

    /** Visible buttons, links, inputs and the bar whose target is under 44 CSS pixels a side. */
    @SuppressWarnings("unchecked")
    static List<String> smallTargets() {
        return (List<String>) js.executeScript("return Array.from(document.querySelectorAll('button, a, input, [role=slider]'))"
                + ".map(e => ({e, r: e.getBoundingClientRect()}))"
                + ".filter(({r}) => r.width > 0 && (r.width < 44 || r.height < 44))"
                + ".map(({e, r}) => (e.id || e.textContent.trim()) + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));");
    }
}
