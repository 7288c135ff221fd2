package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.StreamRecorder;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

/**
 * Turning sound on and off and choosing the device, on the settings API and on the admin page in Chromium. The
 * sound devices are a faked {@code /proc/asound} (there is no sound card here); the processes are real, so the
 * listed USB microphone fails to open, and the status shows that error while the pictures go on.
 */
class SoundAdminIT {

    @TempDir
    static Path asound;
    private static TestServer server;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws IOException {
        Files.writeString(asound.resolve("cards"), " 0 [PCH            ]: HDA-Intel - HDA Intel PCH\n"
                + "                      HDA Intel PCH at 0xf7f10000 irq 32\n"
                + " 1 [Device         ]: USB-Audio - USB PnP Sound Device\n"
                + "                      C-Media Electronics Inc. USB PnP Sound Device at usb-0000:00:14.0-1, full speed\n");
        Files.writeString(asound.resolve("pcm"), "00-00: ALC3246 Analog : ALC3246 Analog : playback 1\n"
                + "01-00: USB Audio : USB Audio : capture 1\n");
        server = TestServer.start();
        server.listSoundDevices(asound);
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
    void theApiListsTheCaptureDevicesAndTurnsSoundOnAndOff() throws Exception {
        assertEquals(200, put("{\"audio\":\"none\"}").statusCode());
        Map<String, Object> config = JSON.std.mapFrom(server.send(server.asAdmin("/api/config").GET().build()).body());
        assertEquals("none", ((Map<String, Object>) config.get("values")).get("audio"));
        List<Map<String, Object>> devices = (List<Map<String, Object>>) config.get("audioDevices");
        assertEquals(List.of(Map.of("setting", "alsa:hw:1,0", "name", "USB PnP Sound Device: USB Audio")), devices,
                "the capture device, not the playback-only one");
        assertEquals("off", audio().get("state"));

        assertEquals(400, put("{\"audio\":\"alsa:hw:1,0 -f\"}").statusCode(), "an invalid device is refused");
        assertEquals(400, put("{\"audio\":\"input\"}").statusCode(), "input needs source ffmpeg");

        try (StreamRecorder viewer = StreamRecorder.webSocket(server.port())) {
            assertEquals(200, put("{\"audio\":\"test\"}").statusCode());
            Poll.until(Duration.ofSeconds(20), "the test sound running with a level", this::audio,
                    a -> "running".equals(a.get("state")) && a.get("level") != null && a.get("pid") != null);

            // The USB microphone of the listing is not there: the audio process fails, says why, and retries,
            // while the pictures go on.
            assertEquals(200, put("{\"audio\":\"alsa:hw:1,0\"}").statusCode());
            Map<String, Object> failing = Poll.until(Duration.ofSeconds(20), "the ALSA error", this::audio,
                    a -> a.get("lastError") != null && "alsa:hw:1,0".equals(a.get("setting")));
            System.out.println("audio error: " + failing.get("lastError") + "; log " + failing.get("recentLog"));
            long pictures = viewer.pictures();
            Poll.until(Duration.ofSeconds(10), "pictures while the sound fails", () -> viewer.pictures() > pictures + 30);

            assertEquals(200, put("{\"audio\":\"none\"}").statusCode());
            Poll.until(Duration.ofSeconds(10), "sound off", () -> "off".equals(audio().get("state")));
        }
    }

    @Test
    void theAdminPageChoosesTheDeviceAndShowsTheSoundsStatus() throws Exception {
        // The sound runs while someone watches an MP4-based stream, as the camera does.
        try (StreamRecorder viewer = StreamRecorder.webSocket(server.port())) {
            adminPage();
        }
    }

    private void adminPage() {
        browser.get("http://" + TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD + "@127.0.0.1:"
                + server.port() + "/admin");
        JavascriptExecutor js = browser;
        Poll.until(Duration.ofSeconds(20), "the form", () -> (Boolean) js.executeScript(
                "return document.getElementById('audio').options.length > 2 && !document.getElementById('fields').disabled"));
        Select sound = new Select(browser.findElement(By.id("audio")));
        List<String> values = sound.getOptions().stream().map(o -> o.getAttribute("value")).toList();
        assertTrue(values.containsAll(List.of("none", "alsa:hw:1,0", "test", "alsa:default", "pulse")), values.toString());
        assertTrue(sound.getOptions().stream().anyMatch(o -> o.getText().contains("USB PnP Sound Device")));
        sound.selectByValue("test");
        Poll.until(Duration.ofSeconds(5), "Apply enabled", () -> browser.findElement(By.id("apply")).isEnabled());
        browser.findElement(By.id("apply")).click();
        Poll.until(Duration.ofSeconds(20), "the status to show the sound running with its level",
                () -> browser.findElement(By.id("st-audio")).getText(), t -> t.startsWith("running") && t.contains("dBFS"));
        sound = new Select(browser.findElement(By.id("audio")));
        sound.selectByValue("none");
        Poll.until(Duration.ofSeconds(5), "Apply enabled", () -> browser.findElement(By.id("apply")).isEnabled());
        browser.findElement(By.id("apply")).click();
        Poll.until(Duration.ofSeconds(20), "the status to show the sound off",
                () -> browser.findElement(By.id("st-audio")).getText(), "off"::equals);
    }

    private HttpResponse<byte[]> put(String json) {
        return server.send(server.asAdmin("/api/config").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> audio() {
        return (Map<String, Object>) server.status().get("audio");
    }
}
