package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The viewer page with sound, in Chromium: MSE plays the WebSocket's two tracks, the page starts muted with a
 * speaker button, one tap unmutes and the level meter moves, and the player's own measurement of the test
 * source's beeps against its flashes, as the user sees and hears them, is under 40 ms.
 */
class SoundPlayerIT {

    private static TestServer server;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() {
        server = TestServer.start("--audio", "test");
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
    @SuppressWarnings("unchecked")
    void msePlaysTheWebSocketWithSoundInSyncAndOneTapUnmutes() {
        browser.get(server.uri("/?mode=mse").toString());
        JavascriptExecutor js = browser;
        Poll.until(Duration.ofSeconds(30), "MSE to play 1280 px wide video",
                () -> ((Number) js.executeScript("return document.getElementById('video').videoWidth")).intValue(),
                width -> width == 1280);
        long first = decoded(js);
        Poll.until(Duration.ofSeconds(10), "decoded sound to grow", () -> decoded(js) > first + 10_000);

        WebElement speaker = Poll.until(Duration.ofSeconds(5), "the speaker button",
                () -> browser.findElement(By.id("sound")), WebElement::isDisplayed);
        assertEquals("false", speaker.getAttribute("aria-pressed"), "starts muted");
        assertEquals(Boolean.TRUE, js.executeScript("return document.getElementById('video').muted"));
        assertTrue(speaker.getSize().getWidth() >= 44 && speaker.getSize().getHeight() >= 44, "a 44 px target");

        speaker.click();
        assertEquals("true", speaker.getAttribute("aria-pressed"));
        assertEquals(Boolean.FALSE, js.executeScript("return document.getElementById('video').muted"));
        // WebAudio hears it: the analyser's peak rises above the quiet tone's floor at some point.
        Poll.until(Duration.ofSeconds(10), "the level meter to show sound",
                () -> (Number) ((Map<String, Object>) js.executeScript("return window.camstream.sound()")).get("level"),
                level -> level != null && level.doubleValue() > 0.02);

        assertEquals(Boolean.TRUE, js.executeAsyncScript(
                "const done = arguments[arguments.length - 1]; window.camstream.measureSync().then(done, e => done(String(e)));"));
        List<Number> offsets = Poll.until(Duration.ofSeconds(30), "six beeps paired with their flashes",
                () -> (List<Number>) ((Map<String, Object>) js.executeScript("return window.camstream.sound()")).get("avOffsets"),
                list -> list != null && list.size() >= 6);
        Number median = (Number) ((Map<String, Object>) js.executeScript("return window.camstream.sound()")).get("avOffsetMs");
        System.out.println("Chromium MSE, beep heard minus flash shown, ms: " + offsets + ", median " + median);
        assertTrue(Math.abs(median.doubleValue()) < 40, "A/V offset " + median + " ms: " + offsets);
        long stillDecoding = decoded(js);
        Poll.until(Duration.ofSeconds(5), "sound to keep coming", () -> decoded(js) > stillDecoding);
    }

    private static long decoded(JavascriptExecutor js) {
        return ((Number) js.executeScript("return document.getElementById('video').webkitAudioDecodedByteCount")).longValue();
    }
}
