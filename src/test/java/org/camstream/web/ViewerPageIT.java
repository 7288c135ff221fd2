package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/** The viewer page in a real Chromium. */
class ViewerPageIT {

    private static TestServer server;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        server = TestServer.start();
        browser = Browser.start();
    }

    @AfterAll
    static void stop() {
        if (browser != null) {
            browser.quit();
        }
        server.close();
    }

    @Test
    void theLivePictureRendersAtTheConfiguredWidthAndMoves() {
        browser.get(server.uri("/").toString());
        JavascriptExecutor js = browser;
        Poll.until(Duration.ofSeconds(20), "the MJPEG <img> to show a 1280 px wide picture",
                () -> ((Number) js.executeScript("return document.getElementById('live').naturalWidth")).intValue(),
                width -> width == 1280);
        assertEquals(1280L, js.executeScript(
                "return Math.round(document.getElementById('live').getBoundingClientRect().width)"),
                "rendered at its natural width in a wide window");
        assertEquals(720L, js.executeScript("return document.getElementById('live').naturalHeight"));

        String first = fingerprint(js);
        Poll.until(Duration.ofSeconds(10), "the picture to change", () -> fingerprint(js), now -> !now.equals(first));

        Poll.until(Duration.ofSeconds(10), "the page to show the camera state",
                () -> (String) js.executeScript("return document.getElementById('camera-state').textContent"),
                text -> text.equals("camera running"));
    }

    /** A digest of the pixels the <img> shows right now, read back through a canvas. */
    private static String fingerprint(JavascriptExecutor js) {
        return (String) js.executeScript(
                "const img = document.getElementById('live');"
                        + "const c = document.createElement('canvas'); c.width = 160; c.height = 90;"
                        + "const g = c.getContext('2d'); g.drawImage(img, 0, 0, 160, 90);"
                        + "const d = g.getImageData(0, 0, 160, 90).data; let h = 0;"
                        + "for (let i = 0; i < d.length; i += 4) { h = (h * 31 + d[i] + d[i + 1] * 3 + d[i + 2] * 7) | 0; }"
                        + "return String(h);");
    }
}
