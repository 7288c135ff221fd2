package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import javax.imageio.ImageIO;
import org.camstream.camera.source.V4l2Device;
import org.camstream.testing.Axe;
import org.camstream.testing.Browser;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * The admin page in a real Chromium against the real server: the form shows and changes the server's settings,
 * the server's refusals appear next to the field they name, and the live status and charts follow the camera.
 */
class AdminPageIT {

    private static final String USER = "admin";
    private static final String PASSWORD = "secret";

    private static TestServer server;
    private static ChromeDriver browser;
    private static JavascriptExecutor js;
    private static Viewer viewer;
    private static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() throws IOException {
        server = TestServer.start("--admin-password", PASSWORD, "--codec", "mjpeg", "--width", "640", "--height", "360");
        // One MJPEG viewer for the whole class keeps the camera running, so the status has a measured rate.
        viewer = new Viewer(server.port());
        browser = Browser.start();
        js = browser;
    }

    @AfterAll
    static void stop() throws IOException {
        if (browser != null) {
            browser.quit();
        }
        if (viewer != null) {
            viewer.close();
        }
        server.close();
    }

    /** Every test starts from the configured settings, with the page freshly loaded and logged in. */
    @BeforeEach
    void openThePage() {
        assertEquals(200, config("DELETE").statusCode(), "forgetting the saved settings");
        // Chrome sends the credentials in the URL with this navigation and answers the later 401s of the page's
        // own requests (its script, api/config) from the same login: no test-only way in.
        browser.get("http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + server.port() + "/admin");
        Poll.until(Duration.ofSeconds(20), "the form to show the loaded settings",
                () -> (Boolean) js.executeScript("return document.getElementById('width').value === '640'"
                        + " && !document.getElementById('fields').disabled"),
                loaded -> loaded);
    }

    @Test
    void theFormShowsTheServersCurrentValuesAndWhereTheyComeFrom() {
        assertEquals("test", value("source"));
        assertEquals("640", value("width"));
        assertEquals("360", value("height"));
        assertEquals("30", value("fps"));
        assertEquals("2000", value("bitrate"), "the bitrate is shown in kbit/s");
        assertEquals("80", value("jpegQuality"));
        assertEquals("80", text("jpegQuality-value"));
        assertEquals("30", value("keyframeInterval"));
        assertTrue(browser.findElement(By.id("rotation-0")).isSelected());
        assertFalse(browser.findElement(By.id("hflip")).isSelected());
        assertFalse(browser.findElement(By.id("vflip")).isSelected());
        assertEquals("command-line flag --width, --height", text("size-origin"));
        assertEquals("default", text("fps-origin"));
        // 640x360 is no preset, so the size is a custom one.
        assertTrue(browser.findElement(By.id("preset-custom")).isSelected());

        // A preset fills in the size, and the form counts what would be sent.
        chip("640x480").click();
        assertEquals("640", value("width"));
        assertEquals("480", value("height"));
        assertEquals("Apply 1 change", text("apply"));
        browser.findElement(By.id("revert")).click();
        assertEquals("360", value("height"));
        assertEquals("Apply", text("apply"));
    }

    @Test
    void theLiveStatusShowsTheRunningCameraAndItsMeasuredRate() {
        Poll.until(Duration.ofSeconds(20), "the camera state to show as running",
                () -> text("camera-state") + " / " + browser.findElement(By.id("camera-state")).getAttribute("data-state"),
                state -> state.equals("camera running / running"));
        double fps = Poll.until(Duration.ofSeconds(20), "a measured frame rate above 0",
                () -> Double.parseDouble(text("measured-fps").replace(" fps", "")), rate -> rate > 0);
        assertTrue(fps < 100, "measured " + fps + " fps from a 30 fps camera");
        assertEquals("640 × 360", text("st-size"));
        Poll.until(Duration.ofSeconds(10), "the MJPEG viewer to be counted",
                () -> (String) js.executeScript(
                        "const b = document.querySelector('#viewers li[data-format=mjpeg] b'); return b && b.textContent"),
                count -> "1".equals(count));
        assertTrue(Integer.parseInt(text("viewers-total")) >= 1);
        assertTrue(text("st-uptime").matches("\\d+ (s|min \\d\\d s)"), text("st-uptime"));
        assertTrue(text("st-heap").matches("[\\d.]+ [MG]B of [\\d.]+ [MG]B"), text("st-heap"));
    }

    @Test
    void applyingACustomSizeRestartsTheCameraAtThatSize() throws IOException {
        browser.findElement(By.id("preset-custom")).findElement(By.xpath("..")).click();
        assertEquals("width", js.executeScript("return document.activeElement.id"), "Custom moves focus to the width");
        type("width", "320");
        type("height", "240");
        assertEquals("Apply 2 changes", text("apply"));
        browser.findElement(By.id("apply")).click();

        Poll.until(Duration.ofSeconds(30), "the page to report the camera running at the new size",
                () -> text("form-message"), message -> message.contains("running at 320 × 240"));
        Map<String, Object> config = configDocument();
        assertEquals(320, values(config).get("width"));
        assertEquals(240, values(config).get("height"));
        assertEquals(true, config.get("saved"));
        assertEquals("saved on the admin page", text("size-origin"));
        assertEquals("Apply", text("apply"), "nothing is left to apply");

        Poll.until(Duration.ofSeconds(20), "/snapshot.jpg to be 320x240", () -> {
            BufferedImage image = snapshot();
            return image.getWidth() + "x" + image.getHeight();
        }, size -> size.equals("320x240"));
        Poll.until(Duration.ofSeconds(10), "the live status to show the new size",
                () -> text("st-size"), size -> size.equals("320 × 240"));
    }

    @Test
    void anInvalidWidthShowsTheServersErrorNextToTheFieldAndChangesNothing() {
        type("width", "100000");
        // The page warns while the person types, in the server's own words: it asked the server (nothing changes).
        Poll.until(Duration.ofSeconds(10), "the server's warning while typing", () -> text("width-error"),
                "width must be from 64 to 4096, got '100000'"::equals);
        assertEquals("advice", browser.findElement(By.id("width-error")).getAttribute("data-kind"));
        browser.findElement(By.id("apply")).click();

        WebElement error = browser.findElement(By.id("width-error"));
        Poll.until(Duration.ofSeconds(10), "the server's error next to the width",
                () -> error.getAttribute("data-kind"), "server"::equals);
        assertTrue(error.isDisplayed());
        assertEquals("width must be from 64 to 4096, got '100000'", text("width-error"),
                "the warning before and the refusal after Apply read the same");
        assertEquals("true", browser.findElement(By.id("width")).getAttribute("aria-invalid"));
        assertTrue(browser.findElement(By.cssSelector("[data-field~=width]")).getAttribute("class").contains("invalid"));
        assertTrue(browser.findElement(By.id("summary")).isDisplayed());
        assertTrue(text("summary").contains("Nothing was changed"), text("summary"));
        assertEquals("width", js.executeScript("return document.activeElement.id"), "focus goes to the refused field");

        Map<String, Object> config = configDocument();
        assertEquals(640, values(config).get("width"), "a refused change changes nothing");
        assertEquals(false, config.get("saved"));

        // Correcting the value takes the server's verdict away.
        type("width", "800");
        assertFalse(error.isDisplayed());
    }

    @Test
    void resetAsksFirstThenGoesBackToTheConfiguredValues() {
        type("fps", "15");
        browser.findElement(By.id("apply")).click();
        Poll.until(Duration.ofSeconds(30), "the change to be applied",
                () -> text("form-message"), message -> message.startsWith("Applied."));
        assertEquals(15.0, ((Number) values(configDocument()).get("fps")).doubleValue());

        WebElement reset = browser.findElement(By.id("reset"));
        reset.click();
        assertTrue(browser.findElement(By.id("reset-confirm")).isDisplayed());
        assertEquals("reset-no", js.executeScript("return document.activeElement.id"), "Cancel has the focus");
        browser.findElement(By.id("reset-yes")).click();

        Poll.until(Duration.ofSeconds(30), "the form to show the configured frame rate again",
                () -> value("fps"), "30"::equals);
        Map<String, Object> config = configDocument();
        assertEquals(30.0, ((Number) values(config).get("fps")).doubleValue());
        assertEquals(false, config.get("saved"));
        assertEquals("default", text("fps-origin"));
        assertFalse(browser.findElement(By.id("reset-confirm")).isDisplayed());
    }

    @Test
    void theChartsDrawTheLastMinutesSharplyOnAHighDensityScreen() {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", 1400, "height", 1000, "deviceScaleFactor", 2, "mobile", false));
        try {
            for (String chart : List.of("chart-fps", "chart-bitrate", "chart-viewers")) {
                Poll.until(Duration.ofSeconds(15), chart + " to have drawn pixels",
                        () -> ((Number) js.executeScript(
                                "const c = document.getElementById(arguments[0]);"
                                        + "const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
                                        + "let n = 0; for (let i = 3; i < d.length; i += 4) if (d[i]) n++; return n;",
                                chart)).intValue(),
                        drawn -> drawn > 500);
                Poll.until(Duration.ofSeconds(5), chart + " to be backed by two device pixels per CSS pixel",
                        () -> (Boolean) js.executeScript("const c = document.getElementById(arguments[0]);"
                                + "return c.width === Math.round(c.clientWidth * 2) && c.height === Math.round(c.clientHeight * 2);",
                                chart),
                        sharp -> sharp);
            }
            for (String chart : List.of("chart-fps", "chart-viewers")) {
                Poll.until(Duration.ofSeconds(15), chart + " to plot a few seconds of samples",
                        () -> Integer.parseInt(browser.findElement(By.id(chart)).getAttribute("data-points")),
                        points -> points >= 3);
            }
            // The server's history may begin before the camera ran (0 fps, nothing set): wait for the running camera.
            Poll.until(Duration.ofSeconds(20), "the range with the configured rate", () -> text("chart-fps-range"),
                    range -> range.matches("min [\\d.]+ · max [1-9][\\d.]* fps · set 30\\.0"));
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @Test
    void aServerThatGoesAwayIsReportedAndAChangeIsNotClaimed() {
        TestServer doomed = TestServer.start("--admin-password", PASSWORD);
        try {
            browser.get("http://" + USER + ":" + PASSWORD + "@127.0.0.1:" + doomed.port() + "/admin");
            Poll.until(Duration.ofSeconds(20), "the form to load", () -> value("width"), "1280"::equals);
            Poll.until(Duration.ofSeconds(10), "the first status", () -> text("camera-state"), t -> t.startsWith("camera "));
        } finally {
            doomed.close();
        }
        Poll.until(Duration.ofSeconds(10), "the page to notice", () -> text("camera-state"), "server unreachable"::equals);
        assertTrue(browser.findElement(By.id("banner")).isDisplayed());
        assertTrue(text("banner-text").startsWith("Cannot reach the camstream server"), text("banner-text"));

        type("fps", "20");
        browser.findElement(By.id("apply")).click();
        Poll.until(Duration.ofSeconds(20), "the page to say the change may not have been applied",
                () -> text("form-message"), message -> message.startsWith("Cannot reach the server"));
    }

    @Test
    void theFormSwitchesToAnFfmpegInputFileThatTheCameraRunsFromAndBack() {
        select("source", "ffmpeg");
        assertTrue(browser.findElement(By.id("input")).isDisplayed(), "the ffmpeg source's own field");
        assertFalse(browser.findElement(By.cssSelector("[data-field=device]")).isDisplayed(), "not the webcam's");
        assertFalse(browser.findElement(By.cssSelector("[data-field=camera]")).isDisplayed(), "not the Pi camera's");
        // Without an input the server refuses, and the page says so beforehand in the very same words.
        Poll.until(Duration.ofSeconds(10), "the server's warning for the missing input", () -> text("input-error"),
                "input is needed for source ffmpeg: an rtsp:// or http:// URL, or a file"::equals);

        String file = Fixtures.piH264(Fixtures.PI_480P_ONCE).toAbsolutePath().normalize().toString();
        type("input", file);
        Poll.until(Duration.ofSeconds(10), "the warning to go", () -> browser.findElement(By.id("input-error"))
                .isDisplayed(), shown -> !shown);
        assertEquals("Apply 2 changes", text("apply"));
        browser.findElement(By.id("apply")).click();
        Poll.until(Duration.ofSeconds(40), "the camera to run from the file",
                () -> server.camera(), camera -> "ffmpeg".equals(camera.get("source"))
                        && "running".equals(camera.get("state")) && ((Number) camera.get("measuredFps")).doubleValue() > 0);
        Poll.until(Duration.ofSeconds(20), "the page to report it", () -> text("form-message"),
                message -> message.contains("The camera is running"));
        assertEquals(file, values(configDocument()).get("input"));
        assertEquals(file, value("input"), "a file path has no secret to mask");
        Poll.until(Duration.ofSeconds(10), "the live status to name the source", () -> text("st-source"),
                source -> source.startsWith("ffmpeg input"));

        select("source", "test");
        assertFalse(browser.findElement(By.id("input")).isDisplayed(), "the test pattern has no input");
        assertEquals("Apply 1 change", text("apply"), "the hidden input is not sent");
        browser.findElement(By.id("apply")).click();
        Poll.until(Duration.ofSeconds(40), "the test pattern again", () -> server.camera(),
                camera -> "test".equals(camera.get("source")) && "running".equals(camera.get("state")));
    }

    @Test
    void theWebcamPickerOffersEachListedDevicesFormatsAndSizes() {
        // No webcam on a test machine: the listing is faked, the page, the API and the camera's attempt are real.
        server.listWebcams(List.of(new V4l2Device("/dev/video-camstream-test", "USB Camera", List.of(
                new V4l2Device.Format(false, "yuyv422", "YUYV 4:2:2", List.of("640x480", "320x240")),
                new V4l2Device.Format(true, "mjpeg", "Motion-JPEG", List.of("1280x720", "800x600", "640x480"))))));
        openThePage();
        select("source", "v4l2");
        WebElement device = browser.findElement(By.id("device"));
        assertTrue(device.isDisplayed());
        assertFalse(browser.findElement(By.id("input")).isDisplayed());
        select("device", "/dev/video-camstream-test");
        assertEquals("/dev/video-camstream-test · USB Camera", new Select(device).getFirstSelectedOption().getText());
        assertTrue(browser.findElement(By.id("device-format-mjpeg")).isSelected(),
                "the format camstream would ask for is chosen first");
        assertTrue(text("device-formats").contains("MJPEG · Motion-JPEG (used)"), text("device-formats"));
        assertEquals(List.of("1280×720", "800×600", "640×480"), chipTexts("device-sizes"));
        browser.findElement(By.id("device-format-yuyv422")).findElement(By.xpath("..")).click();
        assertEquals(List.of("640×480", "320×240"), chipTexts("device-sizes"), "the sizes of the chosen format");
        assertEquals("Sizes in YUYV", text("device-sizes-label"));
        browser.findElement(By.id("device-size-320x240")).findElement(By.xpath("..")).click();
        assertEquals("320", value("width"), "a size fills in the picture size");
        assertEquals("240", value("height"));
        assertEquals("Apply 4 changes", text("apply"), "source, device, width and height");

        browser.findElement(By.id("apply")).click();
        // The device is not really there: the camera says so, and so do the log and the errors panel.
        Poll.until(Duration.ofSeconds(30), "the log panel to say what the camera is doing",
                () -> text("camera-log-state"), state -> state.startsWith("Camera restarting after: there is no webcam at"
                        + " /dev/video-camstream-test"));
        assertTrue(text("camera-log-state").matches(".*Next try \\S.*, (in \\d+ s|now)\\..*"), text("camera-log-state"));
        assertNotEquals("No messages from the camera process.", text("camera-log"));
        assertEquals("/dev/video-camstream-test · USB Camera", new Select(browser.findElement(By.id("device")))
                .getFirstSelectedOption().getText(), "the saved device, still with its listing");
        assertEquals(List.of("640×480", "320×240"), chipTexts("device-sizes"), "the saved size's format stays chosen");
        assertEquals("current", browser.findElement(By.id("st-error")).getAttribute("data-kind"));
        assertTrue(text("st-error").matches("there is no webcam at /dev/video-camstream-test.* — " + CLOCK
                + "; next try " + CLOCK + " \\((in \\d+ s|now)\\).*"), text("st-error"));

        select("source", "test");
        browser.findElement(By.id("apply")).click();
        Poll.until(Duration.ofSeconds(40), "the test pattern again", () -> server.camera(),
                camera -> "test".equals(camera.get("source")) && "running".equals(camera.get("state")));
        Poll.until(Duration.ofSeconds(10), "the log panel's state line to go", () -> browser.findElement(
                By.id("camera-log-state")).isDisplayed(), shown -> !shown);
    }

    @Test
    void anInputPasswordIsMaskedOnThePageAndKeptWhenTheSettingsAreAppliedAgain() throws IOException {
        String password = "Rtsp-S3cret-77";
        try (ServerSocket refusing = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            int port = refusing.getLocalPort();
            refusing.close(); // nothing listens there any more: the camera's connection is refused
            String input = "rtsp://cam:" + password + "@127.0.0.1:" + port + "/live";
            select("source", "ffmpeg");
            type("input", input);
            browser.findElement(By.id("apply")).click();
            String masked = "rtsp://cam:***@127.0.0.1:" + port + "/live";
            Poll.until(Duration.ofSeconds(20), "the field to show the saved input masked", () -> value("input"),
                    masked::equals);
            assertEquals(input, values(configDocument()).get("input"), "the admin's own API keeps the real one");

            // The camera tries and fails; its error and log, masked, reach the page.
            Poll.until(Duration.ofSeconds(40), "the refusal to show in the log panel", () -> text("camera-log-state"),
                    state -> state.startsWith("Camera restarting after:"));
            assertNotEquals("No messages from the camera process.", text("camera-log"));
            assertEquals(List.of(), secretsInThePage(password), "the password is nowhere in the page");

            // Applying again with the field untouched sends no input; with the address edited, *** keeps it.
            type("fps", "25");
            assertEquals("Apply 1 change", text("apply"));
            browser.findElement(By.id("apply")).click();
            Poll.until(Duration.ofSeconds(20), "the frame rate to be applied",
                    () -> ((Number) values(configDocument()).get("fps")).doubleValue(), fps -> fps == 25.0);
            assertEquals(input, values(configDocument()).get("input"), "re-applying lost nothing");
            type("input", masked.replace("/live", "/other"));
            browser.findElement(By.id("apply")).click();
            Poll.until(Duration.ofSeconds(20), "the edited address to be applied",
                    () -> values(configDocument()).get("input"), input.replace("/live", "/other")::equals);
            Poll.until(Duration.ofSeconds(10), "the field to show it masked", () -> value("input"),
                    masked.replace("/live", "/other")::equals);
            assertEquals(List.of(), secretsInThePage(password), "the password is nowhere in the page");
        }
    }

    @Test
    void theErrorsPanelSaysWhenTheCameraWasKilledAndWhenItRecovered() {
        Map<String, Object> camera = Poll.until(Duration.ofSeconds(30), "a running camera process",
                () -> server.camera(), c -> "running".equals(c.get("state")) && c.get("pid") != null);
        long pid = ((Number) camera.get("pid")).longValue();
        assertTrue(ProcessHandle.of(pid).orElseThrow().destroyForcibly(), "SIGKILL to the camera process " + pid);

        Map<String, Object> recovered = Poll.until(Duration.ofSeconds(30), "the camera to recover",
                () -> server.camera(), c -> "running".equals(c.get("state")) && c.get("previousError") != null
                        && c.get("pid") instanceof Number now && now.longValue() != pid);
        String message = (String) ((Map<?, ?>) recovered.get("previousError")).get("message");
        assertTrue(message.contains("signal 9"), message);
        WebElement panel = browser.findElement(By.id("st-error"));
        // The page polls once a second: wait for the poll that saw this recovery.
        Poll.until(Duration.ofSeconds(10), "the panel to say when it happened and when the camera came back",
                () -> text("st-error"), shown -> shown.matches(Pattern.quote(message) + " — " + CLOCK + ", recovered "
                        + CLOCK));
        assertEquals("recovered", panel.getAttribute("data-kind"));
        assertEquals("camera running", text("camera-state"));
        assertFalse(panel.getAttribute("class").contains("has-error"), "no red error next to running");
        String red = (String) js.executeScript("return getComputedStyle(document.documentElement).getPropertyValue('--bad')");
        String shown = (String) js.executeScript("return getComputedStyle(document.querySelector('#st-error .trouble')).color");
        assertNotEquals(rgb(red.trim()), shown, "a recovered error is not drawn in the error colour");
    }

    @Test
    void theChartsShowTheLastMinutesAtOnceAfterAReload() throws IOException {
        int held = Poll.until(Duration.ofSeconds(30), "the server to have sampled for a while",
                () -> history().size(), n -> n >= 15);
        assertTrue(held <= 300, "bounded at five minutes of samples: " + held);
        long loadedAt = System.nanoTime();
        browser.navigate().refresh();
        int points = Poll.until(Duration.ofSeconds(5), "the charts to draw the server's history",
                () -> Integer.parseInt(browser.findElement(By.id("chart-viewers")).getAttribute("data-points")),
                n -> n >= 12);
        double seconds = (System.nanoTime() - loadedAt) / 1e9;
        // The page polls once a second: on its own it could not have more than a few points yet.
        assertTrue(points > seconds + 3, points + " points " + seconds + " s after the reload");
        assertTrue(Integer.parseInt(browser.findElement(By.id("chart-fps")).getAttribute("data-points")) >= 12);
    }

    @Test
    void thePagePassesAxeFitsAndHidesWhatIsHiddenOnADesktopAndAPhone() throws IOException {
        try {
            for (int[] viewport : VIEWPORTS) {
                emulate(viewport);
                for (String source : List.of("test", "ffmpeg", "v4l2")) {
                    openThePage();
                    select("source", source);
                    String where = viewport[0] + "x" + viewport[1] + " with source " + source;
                    // Running, so that the state's colour is checked in the state it is seen most.
                    Poll.until(Duration.ofSeconds(30), "the camera to run", () -> text("camera-state"),
                            "camera running"::equals);
                    assertEquals(List.of(), Axe.violations(browser), "axe-core WCAG 2.1 A and AA at " + where);
                    assertEquals(List.of(), renderedHidden(), "elements with hidden that are rendered at " + where);
                    assertEquals(List.of(), smallTargets(), "touch targets under 44 px at " + where);
                    assertEquals(List.of(), cutOff(), "elements cut off at " + where);
                }
            }
            // The dark scheme too, with a change pending so that Apply wears the accent colour.
            browser.executeCdpCommand("Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            emulate(VIEWPORTS.get(0));
            openThePage();
            select("source", "ffmpeg");
            Poll.until(Duration.ofSeconds(30), "the camera to run", () -> text("camera-state"), "camera running"::equals);
            assertEquals(List.of(), Axe.violations(browser), "axe-core WCAG 2.1 A and AA in the dark scheme");
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            openThePage();
        }
    }

    /**
     * Screenshots for a person to look at, in each state the page has: light, dark and phone width with a
     * refused value; an ffmpeg input with its password masked while the camera cannot connect; the webcam
     * picker; and the errors panel after the camera recovered. Into the directory named by
     * {@code -Dadmin.screenshots}, such as docs/screenshots for the README:
     * {@code mvn verify -Dit.test=AdminPageIT#screenshots -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false
     * -Dadmin.screenshots=docs/screenshots}.
     */
    @Test
    @EnabledIfSystemProperty(named = "admin.screenshots", matches = ".+")
    void screenshots() throws IOException {
        Path directory = Path.of(System.getProperty("admin.screenshots"));
        Files.createDirectories(directory);
        // The server's history fills the charts; a few more seconds of the page's own polls join it.
        Poll.until(Duration.ofSeconds(30), "some chart samples",
                () -> Integer.parseInt(browser.findElement(By.id("chart-fps")).getAttribute("data-points")),
                points -> points >= 15);
        try {
            // The camera was killed and came back: the errors panel says when, in the muted colour.
            long pid = ((Number) Poll.until(Duration.ofSeconds(30), "a running camera", () -> server.camera(),
                    c -> "running".equals(c.get("state")) && c.get("pid") != null).get("pid")).longValue();
            ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
            Poll.until(Duration.ofSeconds(30), "the recovery on the page",
                    () -> browser.findElement(By.id("st-error")).getAttribute("data-kind"), "recovered"::equals);
            browser.findElement(By.id("preview-toggle")).click();
            Poll.until(Duration.ofSeconds(10), "the preview picture", () -> ((Number) js.executeScript(
                    "return document.getElementById('preview-img').naturalWidth")).intValue(), width -> width > 0);
            type("width", "100000");
            browser.findElement(By.id("apply")).click();
            Poll.until(Duration.ofSeconds(10), "the server's error", () -> text("width-error"), t -> t.contains("100000"));
            js.executeScript("window.scrollTo(0, 0)");
            shoot(directory.resolve("admin-light.png"), 1400, 1300);
            browser.executeCdpCommand("Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "dark"))));
            shoot(directory.resolve("admin-dark.png"), 1400, 1300);
            browser.executeCdpCommand("Emulation.setEmulatedMedia",
                    Map.of("features", List.of(Map.of("name", "prefers-color-scheme", "value", "light"))));
            shoot(directory.resolve("admin-phone.png"), 390, 2900);

            // The webcam picker, with a listing faked as in the picker's test.
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
            server.listWebcams(List.of(new V4l2Device("/dev/video2", "HD Pro Webcam C920", List.of(
                    new V4l2Device.Format(false, "yuyv422", "YUYV 4:2:2", List.of("640x480", "1280x720")),
                    new V4l2Device.Format(true, "mjpeg", "Motion-JPEG", List.of("1920x1080", "1280x720", "640x480"))))));
            openThePage();
            select("source", "v4l2");
            select("device", "/dev/video2");
            browser.findElement(By.id("device-size-1280x720")).findElement(By.xpath("..")).click();
            js.executeScript("window.scrollTo(0, 0)");
            shoot(directory.resolve("admin-webcam.png"), 1400, 1300);

            // An RTSP camera that refuses: the field masks the saved password, the log says what happens.
            openThePage();
            select("source", "ffmpeg");
            type("input", "rtsp://camera:not-shown@127.0.0.1:9/stream1");
            browser.findElement(By.id("apply")).click();
            Poll.until(Duration.ofSeconds(40), "the refusal in the log panel", () -> text("camera-log-state"),
                    state -> state.startsWith("Camera restarting after:"));
            js.executeScript("window.scrollTo(0, 0)");
            shoot(directory.resolve("admin-ffmpeg-refused.png"), 1400, 1300);
            shoot(directory.resolve("admin-ffmpeg-refused-phone.png"), 390, 2900);
        } finally {
            browser.executeCdpCommand("Emulation.setEmulatedMedia", Map.of("features", List.of()));
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    private static void shoot(Path file, int width, int height) throws IOException {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride",
                Map.of("width", width, "height", height, "deviceScaleFactor", 1, "mobile", width < 600));
        // Two polls, so that the charts redraw at the new size and in the new scheme.
        long points = Long.parseLong(browser.findElement(By.id("chart-fps")).getAttribute("data-points"));
        Poll.until(Duration.ofSeconds(10), "a redraw", () -> Long.parseLong(
                browser.findElement(By.id("chart-fps")).getAttribute("data-points")), p -> p >= points + 2);
        Files.write(file, browser.getScreenshotAs(OutputType.BYTES));
    }

    // ---------------------------------------------------------------- helpers

    /** A desktop, and a phone (390x844 CSS pixels at three device pixels each): width, height, scale, mobile. */
    private static final List<int[]> VIEWPORTS = List.of(new int[] {1280, 800, 1, 0}, new int[] {390, 844, 3, 1});
    /** A time of day as the page shows it, in any locale's 12- or 24-hour form. */
    private static final String CLOCK = "\\d{1,2}:\\d\\d:\\d\\d(\\s?[AP]M)?";

    private static void emulate(int[] viewport) {
        browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", Map.of("width", viewport[0],
                "height", viewport[1], "deviceScaleFactor", viewport[2], "mobile", viewport[3] == 1));
    }

    private static void select(String id, String value) {
        new Select(browser.findElement(By.id(id))).selectByValue(value);
    }

    private static List<String> chipTexts(String id) {
        return browser.findElement(By.id(id)).findElements(By.cssSelector(".chip span")).stream()
                .map(WebElement::getText).toList();
    }

    /** Where the password shows: the page's markup, its text, or any field's value. Empty when nowhere. */
    @SuppressWarnings("unchecked")
    private static List<String> secretsInThePage(String secret) {
        return (List<String>) js.executeScript("const secret = arguments[0]; const found = [];"
                + "if (document.documentElement.outerHTML.includes(secret)) found.push('markup');"
                + "if (document.body.innerText.includes(secret)) found.push('text');"
                + "document.querySelectorAll('input, select, textarea').forEach(e => {"
                + "  if (String(e.value).includes(secret)) found.push('value of #' + e.id); });"
                + "return found;", secret);
    }

    /** Elements with the hidden attribute that take space or are displayed anyway (a CSS display rule wins). */
    @SuppressWarnings("unchecked")
    private static List<String> renderedHidden() {
        return (List<String>) js.executeScript("return [...document.querySelectorAll('[hidden]')].filter(e => {"
                + " const r = e.getBoundingClientRect();"
                + " return getComputedStyle(e).display !== 'none' || r.width > 0 || r.height > 0; })"
                + ".map(e => e.tagName + '#' + e.id + '.' + e.className);");
    }

    /**
     * Controls a finger hits that are under 44 by 44 CSS pixels. A radio button or checkbox is hit through its
     * label, which is measured instead; the skip link is off screen until it has the focus.
     */
    @SuppressWarnings("unchecked")
    private static List<String> smallTargets() {
        return (List<String>) js.executeScript("const small = [];"
                + "document.querySelectorAll('a[href], button, input, select, textarea, [tabindex]:not([tabindex=\"-1\"])')"
                + ".forEach(e => {"
                + "  if (e.matches('a.skip')) return;"
                + "  const target = e.matches('input[type=radio], input[type=checkbox]') ? (e.closest('label') || e) : e;"
                + "  const r = target.getBoundingClientRect();"
                + "  if (r.width === 0 && r.height === 0) return;"
                + "  if (r.width < 43.5 || r.height < 43.5) small.push(e.tagName + '#' + e.id + ' ' + (e.value || e.textContent).trim().slice(0, 30)"
                + "    + ': ' + r.width.toFixed(1) + 'x' + r.height.toFixed(1)); });"
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
                + "  if (e.matches('a.skip') || e.closest('[hidden]')) return;"
                + "  const r = e.getBoundingClientRect();"
                + "  if (r.width === 0 || r.height === 0 || clipped(e)) return;"
                + "  if (r.left < -0.5 || r.right > width + 0.5) cut.push(e.tagName + '#' + e.id + '.' + e.className"
                + "    + ' spans ' + r.left.toFixed(1) + ' to ' + r.right.toFixed(1)); });"
                + "return cut;");
    }

    /** "#c92a2a" as the rgb() computed styles give. */
    private static String rgb(String hex) {
        int v = Integer.parseInt(hex.substring(1), 16);
        return "rgb(" + (v >> 16) + ", " + ((v >> 8) & 0xff) + ", " + (v & 0xff) + ")";
    }

    private static List<?> history() {
        HttpResponse<byte[]> response = server.get("/api/status/history");
        assertEquals(200, response.statusCode());
        Map<String, Object> document;
        try {
            document = JSON.std.mapFrom(response.body());
        } catch (IOException e) {
            throw new AssertionError("/api/status/history is not JSON", e);
        }
        assertEquals(300, document.get("capacity"));
        return (List<?>) document.get("samples");
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

    /** The clickable chip of a size preset: the label around its radio button. */
    private static WebElement chip(String preset) {
        return browser.findElement(By.cssSelector("input[name=preset][value='" + preset + "']")).findElement(By.xpath(".."));
    }

    private static HttpResponse<byte[]> config(String method) {
        String login = Base64.getEncoder().encodeToString((USER + ":" + PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/api/config"))
                .timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + login)
                .method(method, HttpRequest.BodyPublishers.noBody())
                .build();
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(method + " /api/config failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static Map<String, Object> configDocument() {
        HttpResponse<byte[]> response = config("GET");
        assertEquals(200, response.statusCode(), new String(response.body(), StandardCharsets.UTF_8));
        try {
            return JSON.std.mapFrom(response.body());
        } catch (IOException e) {
            throw new AssertionError("/api/config is not JSON", e);
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> values(Map<String, Object> config) {
        return (Map<String, Object>) config.get("values");
    }

    private static BufferedImage snapshot() {
        HttpResponse<byte[]> response = server.get("/snapshot.jpg");
        assertEquals(200, response.statusCode());
        try {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(response.body()));
            if (image == null) {
                throw new AssertionError("/snapshot.jpg is not an image ImageIO reads");
            }
            return image;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** An MJPEG viewer that reads every part on its own thread, so that the server never sees it stall. */
    private static final class Viewer implements AutoCloseable {
        private final MjpegClient client;
        private final Thread reader;

        Viewer(int port) throws IOException {
            client = MjpegClient.open(port, "/stream.mjpeg");
            assertEquals(200, client.status());
            reader = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        client.next();
                    }
                } catch (IOException e) {
                    // closed at the end of the class
                }
            }, "admin-it-viewer");
            reader.setDaemon(true);
            reader.start();
        }

        @Override
        public void close() throws IOException {
            reader.interrupt();
            client.close();
        }
    }
}
