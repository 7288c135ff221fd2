package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The admin page's Relays card, in Chromium: a relay that cannot be reached shows its masked URL, its state and
 * its error, never its password or stream key; the card's form refuses a bad URL with the server's reason, and
 * stops publishing.
 */
@Timeout(value = 2, unit = TimeUnit.MINUTES)
class PublishAdminIT {

    private static final String KEY = "stream-key-0123456789";

    @Test
    void theCardShowsTheRelayAndChangesTheSetting() {
        // Port 9 on loopback: nothing listens, so the relay refuses every attempt.
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "10",
                "--publish", "rtmp://cam:Pa55-word@127.0.0.1:9/live/" + KEY, "--publish-retry", "1")) {
            ChromeDriver browser = Browser.start();
            try {
                browser.get("http://" + TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:"
                        + server.port() + "/admin");
                WebElement relays = Poll.until(Duration.ofSeconds(20), "the relay with its error",
                        () -> browser.findElement(By.id("relays")),
                        list -> list.getText().contains("Connection refused"));
                String text = relays.getText();
                assertTrue(text.contains("rtmp://cam:***@127.0.0.1:9/live/***"), text);
                String page = browser.getPageSource();
                assertFalse(page.contains(KEY) || page.contains("Pa55-word"), "the page shows a secret");

                WebElement input = browser.findElement(By.id("publish"));
                input.sendKeys("http://relay/live/x");
                input.submit();
                WebElement error = Poll.until(Duration.ofSeconds(10), "the server's reason",
                        () -> browser.findElement(By.id("publish-error")), WebElement::isDisplayed);
                assertTrue(error.getText().contains("rtmp://"), error.getText());
                assertEquals("true", input.getAttribute("aria-invalid"));

                browser.findElements(By.cssSelector(".relays button")).stream()
                        .filter(b -> b.getText().equals("Stop publishing")).findFirst().orElseThrow().click();
                Poll.until(Duration.ofSeconds(10), "no relays in the status",
                        () -> ((List<?>) server.status().get("publish")).isEmpty());
                Poll.until(Duration.ofSeconds(10), "the card to say so",
                        () -> browser.findElement(By.cssSelector(".relays")).getText()
                                .contains("camstream publishes to no relay."));
                @SuppressWarnings("unchecked")
                Map<String, Object> camera = (Map<String, Object>) server.status().get("camera");
                assertEquals(0, ((Number) camera.get("restarts")).intValue(), "the camera was not restarted");
            } finally {
                browser.quit();
            }
        }
        Poll.until(Duration.ofSeconds(15), "every ffmpeg to end with the server",
                () -> TestServer.ffmpegProcesses().isEmpty());
    }
}
