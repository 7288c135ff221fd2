package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.camstream.camera.source.V4l2Device;
import org.camstream.testing.Axe;
import org.camstream.testing.Browser;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin page with several cameras, in a real Chromium against the real server: the list of cameras and the
 * choice of one (kept in the URL), adding, renaming and removing a camera while the others are watched without a
 * gap, the server's refusals in its own words, the devices another camera uses, and axe-core at two sizes in
 * both colour schemes. The server has two cameras: the flat settings' one, "main", first, and "yard".
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class CamerasAdminIT {

    private static final String[] TWO_CAMERAS = {"--codec", "mjpeg", "--width", "640", "--height", "360",
        "--camera.yard.source", "test", "--camera.yard.width", "640", "--camera.yard.height", "360"};

    private static TestServer server;
    private static ChromeDriver browser;
    private static JavascriptExecutor js;

    @BeforeAll
    static void start() {
        server = TestServer.start(TWO_CAMERAS);
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

    /** Every test starts from the configured cameras: whatever an earlier one added, renamed or saved is forgotten. */
    @BeforeEach
    void forgetTheSavedSettings() {
        HttpResponse<byte[]> reset = server.send(server.asAdmin("/api/config").DELETE().build());
        assertEquals(200, reset.statusCode(), body(reset));
        assertEquals(List.of("main", "yard"), apiCameraNames(server));
    }

    @Test
    void camerasAreAddedRenamedRemovedAndChangedWhileTheFirstIsWatchedWithoutAGap() throws Exception {
        try (Watcher first = new Watcher(server.port(), "/stream.mjpeg");
                Watcher yard = new Watcher(server.port(), "/cam/yard/stream.mjpeg")) {
            Poll.until(Duration.ofSeconds(20), "both cameras' pictures", () -> first.pictures() > 10 && yard.pictures() > 10);
            open(server, "/admin");
            assertEquals(List.of("main", "yard"), pageCameraNames());
            assertEquals("true", pick("main").getAttribute("aria-current"), "the first camera is shown without ?camera=");
            Poll.until(Duration.ofSeconds(10), "the states in the list", () -> pill("main"), "running"::equals);

            // (a) Add garden, a test pattern: listed, shown, in the URL, and its snapshot answers.
            click("add-toggle");
            assertEquals("new-name", js.executeScript("return document.activeElement.id"), "the name has the focus");
            assertTrue(text("new-name-hint").contains("must be 1 to 32 lowercase letters"), text("new-name-hint"));
            type("new-name", "garden");
            new Select(browser.findElement(By.id("new-source"))).selectByValue("test");
            click("add-submit");
            Poll.until(Duration.ofSeconds(20), "garden in the list", this::pageCameraNames,
                    List.of("main", "yard", "garden")::equals);
            awaitShown("garden");
            assertTrue(browser.getCurrentUrl().endsWith("/admin?camera=garden"), browser.getCurrentUrl());
            assertTrue(text("cameras-message").startsWith("Added camera garden"), text("cameras-message"));
            assertFalse(browser.findElement(By.id("add-camera")).isDisplayed(), "the form closes");
            assertEquals("test", value("source"));
            assertEquals(List.of("main", "yard", "garden"), apiCameraNames(server));
            Poll.until(Duration.ofSeconds(40), "/cam/garden/snapshot.jpg", () -> server.get("/cam/garden/snapshot.jpg")
                    .statusCode(), status -> status == 200);

            // (b) Rename it porch: the new URLs answer, the old ones are gone.
            click("rename-toggle");
            assertEquals("garden", value("rename-name"), "the form starts from the current name");
            type("rename-name", "porch");
            click("rename-submit");
            Poll.until(Duration.ofSeconds(20), "porch in the list instead of garden", this::pageCameraNames,
                    List.of("main", "yard", "porch")::equals);
            awaitShown("porch");
            assertTrue(browser.getCurrentUrl().endsWith("/admin?camera=porch"), browser.getCurrentUrl());
            Poll.until(Duration.ofSeconds(40), "/cam/porch/snapshot.jpg", () -> server.get("/cam/porch/snapshot.jpg")
                    .statusCode(), status -> status == 200);
            assertEquals(404, server.get("/cam/garden/snapshot.jpg").statusCode(), "the old name's URLs are gone");
            assertTrue(browser.findElement(By.id("viewer-link")).getAttribute("href").endsWith("/cam/porch/"));

            // (c) Remove porch, once asked in words that name it: the first camera is shown again.
            click("remove-toggle");
            assertTrue(text("remove-question").startsWith("Remove camera porch?"), text("remove-question"));
            assertEquals("Remove porch", text("remove-yes"));
            assertEquals("remove-no", js.executeScript("return document.activeElement.id"), "Cancel has the focus");
            click("remove-yes");
            Poll.until(Duration.ofSeconds(20), "porch gone from the list", this::pageCameraNames,
                    List.of("main", "yard")::equals);
            awaitShown("main");
            assertTrue(browser.getCurrentUrl().endsWith("/admin?camera=main"), browser.getCurrentUrl());
            assertEquals(List.of("main", "yard"), apiCameraNames(server), "gone from /api/cameras");
            assertEquals(404, server.get("/cam/porch/snapshot.jpg").statusCode());

            // (d) Yard's width from its own settings card: yard restarts at 320, the first camera goes on at 640.
            pick("yard").click();
            awaitShown("yard");
            Poll.until(Duration.ofSeconds(10), "yard's width in the form", () -> value("width"), "640"::equals);
            type("width", "320");
            assertEquals("Apply 1 change", text("apply"));
            click("apply");
            Poll.until(Duration.ofSeconds(30), "the page to report yard running at 320 wide",
                    () -> text("form-message"), message -> message.contains("running at 320 × 360"));
            Poll.until(Duration.ofSeconds(20), "/cam/yard/snapshot.jpg 320 wide",
                    () -> jpegWidth(server.get("/cam/yard/snapshot.jpg").body()), width -> width == 320);
            Poll.until(Duration.ofSeconds(20), "yard's viewer to receive 320-wide pictures", () -> yard.lastWidth,
                    width -> width == 320);
            assertEquals(640, jpegWidth(server.get("/snapshot.jpg").body()), "the first camera is unchanged");
            assertEquals(640, first.lastWidth);

            int before = first.pictures();
            Poll.until(Duration.ofSeconds(5), "the first camera's pictures to go on", () -> first.pictures() > before + 20);
            assertNull(first.failure, "the first camera's viewer was disconnected");
            assertNull(yard.failure, "yard's viewer was disconnected by its own restart");
            Duration gap = first.longestGap();
            System.out.println("the first camera's viewer: " + first.pictures() + " pictures, the longest wait "
                    + gap.toMillis() + " ms");
            assertTrue(gap.toMillis() <= 1000, "the first camera's viewer waited " + gap.toMillis()
                    + " ms for a picture while the other cameras were added, renamed, removed and changed");
        }
    }

    @Test
    void aTakenOrBadNameIsRefusedInTheServersWordsAndTheLastCameraIsKept() throws Exception {
        open(server, "/admin");
        click("add-toggle");
        type("new-name", "yard");
        click("add-submit");
        String taken = problem(server.send(post(server, "/api/config/cameras", "{\"name\":\"yard\",\"source\":\"test\"}")));
        Poll.until(Duration.ofSeconds(10), "the server's refusal next to the name", () -> text("new-name-error"),
                taken::equals);
        assertTrue(browser.findElement(By.id("new-name-error")).isDisplayed());
        assertEquals("true", browser.findElement(By.id("new-name")).getAttribute("aria-invalid"));
        assertEquals("new-name", js.executeScript("return document.activeElement.id"), "focus goes to the name");
        assertTrue(text("add-message").startsWith("Not added"), text("add-message"));

        type("new-name", "Front Door");
        assertFalse(browser.findElement(By.id("new-name-error")).isDisplayed(), "editing takes the verdict away");
        click("add-submit");
        String bad = problem(server.send(post(server, "/api/config/cameras",
                "{\"name\":\"Front Door\",\"source\":\"test\"}")));
        Poll.until(Duration.ofSeconds(10), "the server's rule next to the name", () -> text("new-name-error"), bad::equals);
        assertTrue(bad.contains("lowercase letters"), bad);

        // A renaming to a taken name, likewise.
        click("rename-toggle");
        assertFalse(browser.findElement(By.id("add-camera")).isDisplayed(), "one form at a time");
        type("rename-name", "yard");
        click("rename-submit");
        String renameTaken = problem(server.send(server.asAdmin("/api/config/cameras/main")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"name\":\"yard\"}")).build()));
        Poll.until(Duration.ofSeconds(10), "the server's refusal of the rename", () -> text("rename-name-error"),
                renameTaken::equals);
        assertEquals(List.of("main", "yard"), apiCameraNames(server), "nothing changed");
        assertEquals(List.of("main", "yard"), pageCameraNames());

        // The only camera cannot be removed: the server says so, the page shows its words.
        try (TestServer single = TestServer.start("--codec", "mjpeg", "--width", "320", "--height", "240")) {
            open(single, "/admin");
            assertEquals(List.of("main"), pageCameraNames());
            click("remove-toggle");
            click("remove-yes");
            Poll.until(Duration.ofSeconds(10), "the refusal", () -> browser.findElement(By.id("remove-error")).isDisplayed());
            HttpResponse<byte[]> refused = single.send(single.asAdmin("/api/config/cameras/main").DELETE().build());
            assertEquals(400, refused.statusCode());
            assertEquals(problem(refused), text("remove-error"));
            assertTrue(text("remove-error").startsWith("camstream needs a camera"), text("remove-error"));
            assertTrue(text("cameras-message").startsWith("Not removed"), text("cameras-message"));
            assertEquals(List.of("main"), apiCameraNames(single));
            assertEquals(List.of("main"), pageCameraNames());
        }
    }

    @Test
    void twoCamerasOnOneDeviceAreRefusedNamingTheCameraThatHasIt() throws Exception {
        // The webcam opens only when someone watches, so the server starts with one that is not there.
        try (TestServer webcam = TestServer.start("--source", "v4l2", "--device", "/dev/video0",
                "--camera.yard.source", "test", "--camera.yard.width", "640", "--camera.yard.height", "360")) {
            HttpResponse<byte[]> put = webcam.send(webcam.asAdmin("/api/config?camera=yard")
                    .header("Content-Type", "application/json")
                    .PUT(HttpRequest.BodyPublishers.ofString("{\"source\":\"v4l2\",\"device\":\"/dev/video0\"}")).build());
            assertEquals(400, put.statusCode(), body(put));
            Map<String, Object> refusal = JSON.std.mapFrom(put.body());
            assertEquals("device", refusal.get("field"), refusal.toString());
            String words = (String) refusal.get("error");
            assertTrue(words.contains("/dev/video0") && words.contains("camera main"), words);
            assertEquals("test", values(config(webcam, "yard")).get("source"), "yard is unchanged");

            HttpResponse<byte[]> check = webcam.send(post(webcam, "/api/config/check?camera=yard",
                    "{\"source\":\"v4l2\",\"device\":\"/dev/video0\"}"));
            assertEquals(400, check.statusCode());
            assertEquals(words, JSON.std.mapFrom(check.body()).get("error"), "the check words it as PUT does");

            HttpResponse<byte[]> added = webcam.send(post(webcam, "/api/config/cameras",
                    "{\"name\":\"garden\",\"source\":\"v4l2\",\"device\":\"/dev/video0\"}"));
            assertEquals(400, added.statusCode(), body(added));
            Map<String, Object> both = JSON.std.mapFrom(added.body());
            assertEquals("device", both.get("field"));
            String named = (String) both.get("error");
            assertTrue(named.contains("main") && named.contains("garden") && named.contains("/dev/video0"), named);
            assertEquals(List.of("main", "yard"), apiCameraNames(webcam), "no camera was added");
        }
    }

    @Test
    void theCameraShownIsKeptInTheUrlAndSwitchingStopsThePreviousCamerasRequests() {
        open(server, "/admin?camera=yard");
        assertEquals("yard · camstream admin", browser.getTitle());
        assertEquals("true", pick("yard").getAttribute("aria-current"));
        assertNull(pick("main").getAttribute("aria-current"));
        assertEquals("command-line flag --camera.yard.width, --camera.yard.height", text("size-origin"));
        assertTrue(browser.findElement(By.id("viewer-link")).getAttribute("href").endsWith("/cam/yard/"));
        assertTrue(pick("yard").findElement(By.xpath("..")).findElement(By.cssSelector(".camera-view"))
                .getAttribute("href").endsWith("/cam/yard/"), "each camera links to its viewer page");
        Poll.until(Duration.ofSeconds(10), "yard's live status", () -> text("status-title"), "Live status of yard"::equals);
        Poll.until(Duration.ofSeconds(10), "a status of yard", () -> text("st-size"), "640 × 360"::equals);

        browser.navigate().refresh();
        awaitShown("yard");

        // Switch to main, and from then on nothing of yard is asked for: not its status, history, settings or check.
        // Clicked from the script, so that no poll of yard's can start between the mark and the click.
        js.executeScript("performance.setResourceTimingBufferSize(2000); performance.clearResourceTimings();"
                + "window.switchedAt = performance.now(); arguments[0].click();", pick("main"));
        awaitShown("main");
        assertTrue(browser.getCurrentUrl().endsWith("/admin?camera=main"), browser.getCurrentUrl());
        Poll.until(Duration.ofSeconds(15), "several of main's status polls", () -> requestsSinceSwitch("/cam/main/api/status").size(),
                n -> n >= 4);
        assertEquals(List.of(), requestsSinceSwitch("/cam/yard/"), "requests for yard after the switch");
        assertEquals(List.of(), requestsSinceSwitch("camera=yard"), "requests for yard after the switch");
        assertTrue(requestsSinceSwitch("/cam/main/api/status/history").size() >= 1, "main's history for its charts");

        // The browser's Back goes to yard again, without a reload.
        js.executeScript("window.notReloaded = true");
        browser.navigate().back();
        awaitShown("yard");
        assertEquals(true, js.executeScript("return window.notReloaded === true"), "the page was not reloaded");
        assertTrue(browser.getCurrentUrl().endsWith("/admin?camera=yard"), browser.getCurrentUrl());

        // A link to a camera that is not there shows the first one, and says why.
        open(server, "/admin?camera=nope");
        Poll.until(Duration.ofSeconds(10), "the page to say so", () -> text("cameras-message"),
                message -> message.startsWith("There is no camera nope"));
        awaitShown("main");
    }

    @Test
    void devicesAnotherCameraUsesAreMarkedAndTheServersRefusalIsShown() throws Exception {
        String path = "/dev/video-cameras-it";
        server.listWebcams(List.of(new V4l2Device(path, "USB Camera", List.of(
                new V4l2Device.Format(true, "mjpeg", "Motion-JPEG", List.of("640x480", "320x240"))))));
        HttpResponse<byte[]> yard = server.send(server.asAdmin("/api/config?camera=yard")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"source\":\"v4l2\",\"device\":\"" + path + "\"}")).build());
        assertEquals(200, yard.statusCode(), body(yard));
        // The fake rpicam-hello on the tests' PATH lists two Raspberry Pi cameras: 0 (imx708) and 1 (imx708_wide).
        HttpResponse<byte[]> pi = server.send(post(server, "/api/config/cameras",
                "{\"name\":\"pi\",\"source\":\"rpicam\",\"camera\":1}"));
        assertEquals(200, pi.statusCode(), body(pi));

        open(server, "/admin?camera=main");
        Poll.until(Duration.ofSeconds(10), "the devices and their cameras", () -> text("device-owners"),
                owners -> owners.contains("Webcam " + path + " · USB Camera — in use by yard")
                        && owners.contains("Raspberry Pi camera 1 · imx708_wide · 4608×2592 — in use by pi")
                        && owners.contains("Raspberry Pi camera 0 · imx708 · 4608×2592 — free"));

        // The webcam yard uses is offered, marked; the server's refusal of it shows, as advice and after Apply.
        select("source", "v4l2");
        Select device = new Select(browser.findElement(By.id("device")));
        assertEquals(path + " · USB Camera — in use by yard", device.getOptions().stream()
                .filter(o -> path.equals(o.getAttribute("value"))).findFirst().orElseThrow().getText());
        device.selectByValue(path);
        assertTrue(text("device-hint").contains("in use by yard"), text("device-hint"));
        String refusal = problem(server.send(post(server, "/api/config/check?camera=main",
                "{\"source\":\"v4l2\",\"device\":\"" + path + "\"}")));
        Poll.until(Duration.ofSeconds(10), "the server's warning next to the webcam", () -> text("device-error"),
                refusal::equals);
        click("apply");
        Poll.until(Duration.ofSeconds(10), "the server's refusal", () -> browser.findElement(By.id("device-error"))
                .getAttribute("data-kind"), "server"::equals);
        assertEquals(refusal, text("device-error"), "the warning before and the refusal after Apply read the same");
        assertEquals("test", values(config(server, "main")).get("source"), "main is unchanged");

        // The Raspberry Pi camera pi uses: a marked chip, which fills in the number and draws the server's warning.
        select("source", "rpicam");
        WebElement taken = browser.findElement(By.id("csi-camera-1")).findElement(By.xpath(".."));
        assertEquals("1 · imx708_wide · 4608×2592 · in use by pi", taken.getText());
        assertTrue(taken.getAttribute("class").contains("taken"));
        assertEquals("0 · imx708 · 4608×2592", browser.findElement(By.id("csi-camera-0")).findElement(By.xpath(".."))
                .getText());
        taken.click();
        assertEquals("1", value("camera"));
        assertTrue(text("camera-hint").contains("in use by pi"), text("camera-hint"));
        String csiRefusal = problem(server.send(post(server, "/api/config/check?camera=main",
                "{\"source\":\"rpicam\",\"camera\":1}")));
        Poll.until(Duration.ofSeconds(10), "the server's warning next to the camera number", () -> text("camera-error"),
                csiRefusal::equals);
        click("revert");

        // The add form marks them too.
        click("add-toggle");
        new Select(browser.findElement(By.id("new-source"))).selectByValue("v4l2");
        assertEquals(path + " · USB Camera — in use by yard",
                new Select(browser.findElement(By.id("new-device"))).getFirstSelectedOption().getText());
        assertTrue(text("new-device-hint").startsWith("In use by yard"), text("new-device-hint"));
        new Select(browser.findElement(By.id("new-source"))).selectByValue("rpicam");
        assertEquals("0 · imx708 · 4608×2592", new Select(browser.findElement(By.id("new-camera")))
                .getFirstSelectedOption().getText(), "a free Raspberry Pi camera is chosen first");
        assertTrue(new Select(browser.findElement(By.id("new-camera"))).getOptions().stream()
                .anyMatch(o -> o.getText().equals("1 · imx708_wide · 4608×2592 — in use by pi")));
        click("add-cancel");

        // On yard's own card, its webcam is its own, not someone else's.
        pick("yard").click();
        awaitShown("yard");
        assertEquals(path + " · USB Camera", new Select(browser.findElement(By.id("device"))).getFirstSelectedOption()
                .getText());
        Poll.until(Duration.ofSeconds(10), "yard's view of the devices", () -> text("device-owners"),
                owners -> owners.contains("in use by yard (this camera)"));
    }

    @Test
    void thePagePassesAxeWithItsCameraFormsOpenOnADesktopAndAPhoneInLightAndDark() throws IOException {
        try (Watcher first = new Watcher(server.port(), "/stream.mjpeg")) {
            for (String scheme : List.of("light", "dark")) {
                browser.executeCdpCommand("Emulation.setEmulatedMedia",
                        Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", scheme))));
                for (int[] viewport : VIEWPORTS) {
                    browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", viewport[0],
                            "height", viewport[1], "deviceScaleFactor", viewport[2], "mobile", viewport[3] == 1));
                    String where = viewport[0] + "x" + viewport[1] + " in the " + scheme + " scheme";
                    open(server, "/admin?camera=yard");
                    Poll.until(Duration.ofSeconds(20), "main running in the list", () -> pill("main"), "running"::equals);
                    checkPage(where);
                    click("add-toggle");
                    new Select(browser.findElement(By.id("new-source"))).selectByValue("ffmpeg");
                    type("new-name", "Bad Name");
                    click("add-submit");
                    Poll.until(Duration.ofSeconds(10), "the refusal", () -> browser.findElement(By.id("new-name-error"))
                            .isDisplayed());
                    checkPage(where + " with the add form and a refusal");
                    click("rename-toggle");
                    checkPage(where + " with the rename form");
                    click("remove-toggle");
                    checkPage(where + " with the removal's question");
                }
            }
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    // ---------------------------------------------------------------- the page

    /** A desktop, and a phone (390x844 CSS pixels at three device pixels each): width, height, scale, mobile. */
    private static final List<int[]> VIEWPORTS = List.of(new int[] {1280, 800, 1, 0}, new int[] {390, 844, 3, 1});

    private static void checkPage(String where) throws IOException {
        assertEquals(List.of(), Axe.violations(browser), "axe-core WCAG 2.1 A and AA at " + where);
        assertEquals(List.of(), smallTargets(), "touch targets under 44 px at " + where);
        assertEquals(List.of(), cutOff(), "elements cut off at " + where);
        assertEquals(List.of(), renderedHidden(), "elements with hidden that are rendered at " + where);
    }

    /** Opens the admin page with the login in the URL, as a person's browser would after the prompt. */
    private static void open(TestServer on, String path) {
        browser.get("http://" + TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:" + on.port() + path);
        Poll.until(Duration.ofSeconds(20), "the settings of a camera", () -> (Boolean) js.executeScript(
                "return !document.getElementById('fields').disabled"
                        + " && document.getElementById('settings-title').textContent.startsWith('Settings of ')"
                        + " && document.querySelectorAll('#camera-list li').length > 0"), loaded -> loaded);
    }

    /** Waits for the page to show a camera: its settings loaded, its name in the headings and the list. */
    private static void awaitShown(String camera) {
        Poll.until(Duration.ofSeconds(20), camera + "'s settings on the page", () -> (Boolean) js.executeScript(
                "const li = document.querySelector('#camera-list li.selected');"
                        + "return !document.getElementById('fields').disabled"
                        + " && document.getElementById('settings-title').textContent === 'Settings of ' + arguments[0]"
                        + " && !!li && li.dataset.camera === arguments[0]", camera), shown -> shown);
    }

    @SuppressWarnings("unchecked")
    private List<String> pageCameraNames() {
        return (List<String>) js.executeScript(
                "return [...document.querySelectorAll('#camera-list li')].map(li => li.dataset.camera)");
    }

    private static WebElement pick(String camera) {
        return browser.findElement(By.cssSelector("#camera-list li[data-camera='" + camera + "'] .camera-pick"));
    }

    private static String pill(String camera) {
        return (String) js.executeScript("const p = document.querySelector("
                + "'#camera-list li[data-camera=\"' + arguments[0] + '\"] .pill'); return p && p.dataset.state", camera);
    }

    /** The page's requests whose URL contains {@code part}, sent after window.switchedAt. */
    @SuppressWarnings("unchecked")
    private static List<String> requestsSinceSwitch(String part) {
        return (List<String>) js.executeScript("return performance.getEntriesByType('resource')"
                + ".filter(e => e.startTime > window.switchedAt && e.name.includes(arguments[0])).map(e => e.name)", part);
    }

    private static void click(String id) {
        browser.findElement(By.id(id)).click();
    }

    private static void select(String id, String value) {
        new Select(browser.findElement(By.id(id))).selectByValue(value);
    }

    private static String value(String id) {
        return browser.findElement(By.id(id)).getAttribute("value");
    }

    private static String text(String id) {
        return (String) js.executeScript("return document.getElementById(arguments[0]).textContent.trim()", id);
    }

    private static void type(String id, String text) {
        WebElement input = browser.findElement(By.id(id));
        input.clear();
        input.sendKeys(text);
    }

    /** Controls a finger hits that are under 44 by 44 CSS pixels; a radio button or checkbox through its label. */
    @SuppressWarnings("unchecked")
    private static List<String> smallTargets() {
        return (List<String>) js.executeScript("const small = [];"
                + "document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])')"
                + ".forEach(e => {"
                + "  if (e.matches('a.skip')) return;"
                + "  const target = e.matches('input[type=radio], input[type=checkbox]') ? (e.closest('label') || e) : e;"
                + "  const r = target.getBoundingClientRect();"
                + "  if (r.width === 0 && r.height === 0) return;"
                + "  if (r.width < 43.5 || r.height < 43.5) small.push(e.tagName + '#' + e.id + '.' + e.className + ' '"
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
                + "  if (e.matches('a.skip, .visually-hidden') || e.closest('[hidden]')) return;"
                + "  const r = e.getBoundingClientRect();"
                + "  if (r.width === 0 || r.height === 0 || clipped(e)) return;"
                + "  if (r.left < -0.5 || r.right > width + 0.5) cut.push(e.tagName + '#' + e.id + '.' + e.className"
                + "    + ' spans ' + r.left.toFixed(1) + ' to ' + r.right.toFixed(1)); });"
                + "return cut;");
    }

    /** Elements with the hidden attribute that take space or are displayed anyway (a CSS display rule wins). */
    @SuppressWarnings("unchecked")
    private static List<String> renderedHidden() {
        return (List<String>) js.executeScript("return [...document.querySelectorAll('[hidden]')].filter(e => {"
                + " const r = e.getBoundingClientRect();"
                + " return getComputedStyle(e).display !== 'none' || r.width > 0 || r.height > 0; })"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className);");
    }

    // ---------------------------------------------------------------- the API

    private static HttpRequest post(TestServer on, String path, String json) {
        return on.asAdmin(path).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json)).build();
    }

    /** The error of a 400, as the page shows it next to the field. */
    private static String problem(HttpResponse<byte[]> response) throws IOException {
        assertEquals(400, response.statusCode(), body(response));
        return (String) JSON.std.mapFrom(response.body()).get("error");
    }

    private static String body(HttpResponse<byte[]> response) {
        return new String(response.body(), StandardCharsets.UTF_8);
    }

    @SuppressWarnings("unchecked")
    private static List<String> apiCameraNames(TestServer on) {
        HttpResponse<byte[]> response = on.get("/api/cameras");
        assertEquals(200, response.statusCode());
        try {
            List<String> names = new ArrayList<>();
            for (Object camera : (List<Object>) JSON.std.mapFrom(response.body()).get("cameras")) {
                names.add((String) ((Map<String, Object>) camera).get("name"));
            }
            return names;
        } catch (IOException e) {
            throw new AssertionError("/api/cameras is not JSON", e);
        }
    }

    private static Map<String, Object> config(TestServer on, String camera) throws IOException {
        HttpResponse<byte[]> response = on.send(on.asAdmin("/api/config?camera=" + camera).build());
        assertEquals(200, response.statusCode(), body(response));
        return JSON.std.mapFrom(response.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> values(Map<String, Object> config) {
        return (Map<String, Object>) config.get("values");
    }

    /** A JPEG's width from its frame header, without decoding it; -1 when it has none. */
    static int jpegWidth(byte[] jpeg) {
        int i = 2;
        while (i + 8 < jpeg.length) {
            if ((jpeg[i] & 0xFF) != 0xFF) {
                i++;
                continue;
            }
            int marker = jpeg[i + 1] & 0xFF;
            if (marker == 0xFF) {
                i++;
            } else if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
                return ((jpeg[i + 7] & 0xFF) << 8) | (jpeg[i + 8] & 0xFF);
            } else if (marker == 0x01 || marker >= 0xD0 && marker <= 0xD8) {
                i += 2;
            } else {
                i += 2 + (((jpeg[i + 2] & 0xFF) << 8) | (jpeg[i + 3] & 0xFF));
            }
        }
        return -1;
    }

    /**
     * An MJPEG viewer that reads every picture on its own thread and records when each arrived, so that the
     * longest wait for a picture can be measured and the server never sees it stall.
     */
    private static final class Watcher implements AutoCloseable {
        private final MjpegClient client;
        private final Thread reader;
        private final List<Long> arrivals = new ArrayList<>();
        volatile int lastWidth = -1;
        volatile Throwable failure;
        private volatile boolean closing;

        Watcher(int port, String path) throws IOException {
            client = MjpegClient.open(port, path);
            assertEquals(200, client.status(), path);
            reader = new Thread(() -> {
                try {
                    while (!closing) {
                        MjpegClient.Part part = client.next();
                        synchronized (arrivals) {
                            arrivals.add(part.receivedNanos());
                        }
                        lastWidth = jpegWidth(part.body());
                    }
                } catch (IOException | RuntimeException e) {
                    if (!closing) {
                        failure = e;
                    }
                }
            }, "cameras-admin-it " + path);
            reader.setDaemon(true);
            reader.start();
        }

        int pictures() {
            synchronized (arrivals) {
                return arrivals.size();
            }
        }

        /** The longest time between two pictures, and since the last one, from the first picture on. */
        Duration longestGap() {
            synchronized (arrivals) {
                long longest = 0;
                for (int i = 1; i < arrivals.size(); i++) {
                    longest = Math.max(longest, arrivals.get(i) - arrivals.get(i - 1));
                }
                if (!arrivals.isEmpty()) {
                    longest = Math.max(longest, System.nanoTime() - arrivals.get(arrivals.size() - 1));
                }
                return Duration.ofNanos(longest);
            }
        }

        @Override
        public void close() throws IOException {
            closing = true;
            client.close();
        }
    }
}
