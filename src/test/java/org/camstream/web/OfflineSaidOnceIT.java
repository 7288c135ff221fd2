package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The viewer page of a dead camera in the MJPEG and stills modes, in a real Chromium, on a desktop and a phone:
 * the offline message is said once, with one countdown. The server sends these modes a picture that says the
 * camera is offline in words of its own, with a countdown of its own, for players that have no page around them
 * (an img tag, OctoPrint); the page hides it under its message ({@code .stage.covered img}).
 *
 * <p>Checked three ways, for seconds, through the server's new pictures and the page's status polls: the picture
 * in the img element is the server's offline picture (its grey, read back through a canvas); the page shows
 * exactly one countdown and leaves the picture unpainted; and a screenshot of the picture area is the same, outside
 * the page's own words, as one taken with the img element removed. The same screenshot check with the page's rule
 * switched off finds the picture: the check can fail.
 */
class OfflineSaidOnceIT {

    private static final Map<String, Map<String, Object>> VIEWPORTS = Map.of(
            "desktop", Map.of("width", 1280, "height", 800, "deviceScaleFactor", 1, "mobile", false),
            "phone", Map.of("width", 390, "height", 844, "deviceScaleFactor", 3, "mobile", true));
    /** The placeholder's background, #262a30 (PlaceholderImage), give or take JPEG's rounding. */
    private static final int[] PLACEHOLDER_GREY = {0x26, 0x2a, 0x30};

    private static ChromeDriver browser;

    @BeforeAll
    static void startBrowser() {
        browser = Browser.start();
    }

    @AfterAll
    static void quitBrowser() {
        if (browser != null) browser.quit();
    }

    @Test
    void aDeadCamerasOfflineMessageIsSaidOnceWithOneCountdown() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        try (TestServer server = TestServer.start("--source", "ffmpeg", "--input",
                "rtsp://127.0.0.1:" + closed + "/cam", "--width", "640", "--height", "480")) {
            for (String viewport : List.of("desktop", "phone")) {
                browser.executeCdpCommand("Emulation.setDeviceMetricsOverride", VIEWPORTS.get(viewport));
                for (String mode : List.of("mjpeg", "jpeg")) {
                    String where = mode + " on a " + viewport;
                    browser.get(server.uri("/?mode=" + mode).toString());
                    Poll.until(Duration.ofSeconds(30), where + ": the page's countdown and the server's picture", () ->
                            String.valueOf(view().get("retry")).matches("Retrying (in \\d+ s|now…)") && showsPlaceholder());
                    long end = System.nanoTime() + Duration.ofSeconds(5).toNanos();
                    int samples = 0;
                    while (System.nanoTime() < end || samples < 10) {
                        assertEquals(List.of("message-retry"), visibleCountdowns(), where + ": the countdowns shown");
                        assertEquals("hidden", imageVisibility(), where + ": the server's picture under the message");
                        samples++;
                    }
                    assertEquals(List.of(), paintedByThePicture(), where + ": what the picture adds to the screen");
                    assertTrue(showsPlaceholder(), where + ": still the server's offline picture");
                }
            }
            // The check can fail: without the page's rule, the server's picture shows through the message.
            browser.executeScript("const s = document.createElement('style'); s.id = 'uncover';"
                    + "s.textContent = '.stage.covered img { visibility: visible !important; }';"
                    + "document.head.appendChild(s);");
            assertTrue(paintedByThePicture().size() > 0, "the screenshot check sees the picture when it shows");
        } finally {
            browser.executeCdpCommand("Emulation.clearDeviceMetricsOverride", Map.of());
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> view() {
        Object view = browser.executeScript("return window.camstream && window.camstream.view()");
        return view == null ? Map.of() : (Map<String, Object>) view;
    }

    /** The img element holds the server's offline picture: its corner, drawn on a canvas, is the placeholder's grey. */
    private static boolean showsPlaceholder() {
        Object rgb = browser.executeScript("const img = document.getElementById('live');"
                + "if (!img.naturalWidth) return null;"
                + "const c = document.createElement('canvas'); c.width = img.naturalWidth; c.height = img.naturalHeight;"
                + "const g = c.getContext('2d'); g.drawImage(img, 0, 0);"
                + "return Array.from(g.getImageData(4, 4, 1, 1).data.slice(0, 3));");
        if (rgb == null) return false;
        List<?> channels = (List<?>) rgb;
        for (int i = 0; i < 3; i++) {
            if (Math.abs(((Number) channels.get(i)).intValue() - PLACEHOLDER_GREY[i]) > 6) return false;
        }
        return true;
    }

    /** Elements on screen whose own words count down to the next try, by id. */
    @SuppressWarnings("unchecked")
    private static List<String> visibleCountdowns() {
        return (List<String>) browser.executeScript("return Array.from(document.querySelectorAll('body *'))"
                + ".filter(e => Array.from(e.childNodes).some(n => n.nodeType === 3 && /retrying/i.test(n.textContent)))"
                + ".filter(e => { const r = e.getBoundingClientRect(), s = getComputedStyle(e);"
                + " return r.width > 0 && r.height > 0 && s.visibility === 'visible' && s.opacity !== '0'; })"
                + ".map(e => e.id || e.tagName.toLowerCase());");
    }

    private static String imageVisibility() {
        return (String) browser.executeScript("const img = document.getElementById('live');"
                + "return img.hidden ? 'hidden' : getComputedStyle(img).visibility;");
    }

    /**
     * The pixels of the picture area that differ between a screenshot as the page is and one with the img element
     * removed, outside the page's own words and statistics (which may change between the two): none while the
     * picture is hidden. A few, as "x,y", where it is not.
     */
    @SuppressWarnings("unchecked")
    private static List<String> paintedByThePicture() throws IOException {
        BufferedImage shown = stage();
        browser.executeScript("document.getElementById('live').style.display = 'none';");
        BufferedImage without;
        try {
            without = stage();
        } finally {
            browser.executeScript("document.getElementById('live').style.display = '';");
        }
        List<Map<String, Number>> words = (List<Map<String, Number>>) browser.executeScript(
                "const s = document.getElementById('stage').getBoundingClientRect(), k = devicePixelRatio;"
                + "return Array.from(document.querySelectorAll('#message p, #overlay, .controls')).map(e => {"
                + " const r = e.getBoundingClientRect();"
                + " return {x0: (r.left - s.left) * k - 2, y0: (r.top - s.top) * k - 2, x1: (r.right - s.left) * k + 2,"
                + " y1: (r.bottom - s.top) * k + 2}; });");
        List<String> differing = new ArrayList<>();
        int width = Math.min(shown.getWidth(), without.getWidth());
        int height = Math.min(shown.getHeight(), without.getHeight());
        for (int y = 0; y < height && differing.size() < 20; y += 2) {
            for (int x = 0; x < width && differing.size() < 20; x += 2) {
                if (inside(words, x, y)) continue;
                if (distance(shown.getRGB(x, y), without.getRGB(x, y)) > 4) differing.add(x + "," + y);
            }
        }
        return differing;
    }

    private static BufferedImage stage() throws IOException {
        byte[] png = browser.findElement(By.id("stage")).getScreenshotAs(OutputType.BYTES);
        return ImageIO.read(new ByteArrayInputStream(png));
    }

    private static boolean inside(List<Map<String, Number>> boxes, int x, int y) {
        return boxes.stream().anyMatch(b -> x >= b.get("x0").doubleValue() && x <= b.get("x1").doubleValue()
                && y >= b.get("y0").doubleValue() && y <= b.get("y1").doubleValue());
    }

    private static int distance(int a, int b) {
        int d = 0;
        for (int shift = 0; shift <= 16; shift += 8) d = Math.max(d, Math.abs((a >> shift & 0xff) - (b >> shift & 0xff)));
        return d;
    }
}
