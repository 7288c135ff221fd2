package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Browser;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
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
    void mjpegModeRendersTheLivePictureAtTheConfiguredWidthAndMoves() {
        browser.get(server.uri("/?mode=mjpeg").toString());
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

    @Test
    void mseModePlaysAtTheLiveEdgeWithLowLatency() {
        browser.get(server.uri("/?mode=mse").toString());
        JavascriptExecutor js = browser;
        Poll.until(Duration.ofSeconds(30), "the MSE player to show 1280 px wide video",
                () -> ((Number) js.executeScript("return document.getElementById('video').videoWidth")).intValue(),
                width -> width == 1280);
        assertEquals("mse", js.executeScript("return window.camstream.stats().mode"));
        double t0 = currentTime(js);
        Poll.until(Duration.ofSeconds(10), "currentTime to advance", () -> currentTime(js), t -> t > t0 + 1);
        // The player measures capture-to-display latency from each fragment's prft box.
        Poll.until(Duration.ofSeconds(20), "a latency under 500 ms",
                () -> (Number) js.executeScript("return window.camstream.stats().latencyMs"),
                latency -> latency != null && latency.doubleValue() > 0 && latency.doubleValue() < 500);
        long sampleUntil = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(5);
        Poll.until(Duration.ofSeconds(10), "five seconds of latency samples", () -> {
            Number latency = (Number) js.executeScript("return window.camstream.stats().latencyMs");
            org.junit.jupiter.api.Assertions.assertTrue(latency.doubleValue() < 500,
                    "latency stays under 500 ms, was " + latency);
            return System.nanoTime() > sampleUntil;
        });
        @SuppressWarnings("unchecked")
        java.util.Map<String, Object> stats = (java.util.Map<String, Object>) js.executeScript(
                "return window.camstream.stats()");
        assertEquals(1280L, stats.get("width"));
        assertEquals(720L, stats.get("height"));
        org.junit.jupiter.api.Assertions.assertTrue(((Number) stats.get("fps")).doubleValue() > 10, "fps " + stats);
    }

    @Test
    void mp4ModePlaysToo() {
        browser.get(server.uri("/?mode=mp4").toString());
        JavascriptExecutor js = browser;
        Poll.until(Duration.ofSeconds(30), "the progressive MP4 to show 1280 px wide video",
                () -> ((Number) js.executeScript("return document.getElementById('video').videoWidth")).intValue(),
                width -> width == 1280);
        assertEquals("mp4", js.executeScript("return window.camstream.stats().mode"));
        double t0 = currentTime(js);
        Poll.until(Duration.ofSeconds(10), "currentTime to advance", () -> currentTime(js), t -> t > t0 + 1);
    }

    @Test
    void theMsePlayerReconnectsByItselfWhenTheServerComesBack() throws Exception {
        int port;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        TestServer first = TestServer.start("--port", Integer.toString(port), "--width", "640", "--height", "360");
        JavascriptExecutor js = browser;
        try {
            browser.get(first.uri("/?mode=mse").toString());
            Poll.until(Duration.ofSeconds(30), "playback", () -> ((Number) js.executeScript(
                    "return document.getElementById('video').videoWidth")).intValue(), w -> w == 640);
            js.executeScript("window.notReloaded = true;");
        } finally {
            first.close();
        }
        assertEquals(0L, js.executeScript("return window.camstream.stats().reconnects"));
        try (TestServer second = TestServer.start("--port", Integer.toString(port), "--width", "640",
                "--height", "360")) {
            Poll.until(Duration.ofSeconds(40), "the player to reconnect by itself",
                    () -> ((Number) js.executeScript("return window.camstream.stats().reconnects")).intValue(),
                    n -> n >= 1);
            double t0 = currentTime(js);
            Poll.until(Duration.ofSeconds(30), "playback to go on", () -> currentTime(js), t -> t > t0 + 1);
            assertEquals(true, js.executeScript("return window.notReloaded === true"), "without a page reload");
        }
    }

    @Test
    void thePageNamesItsCameraAndItsLinksReachIt() {
        JavascriptExecutor js = browser;
        for (String path : List.of("/", "/cam/main/")) {
            browser.get(server.uri(path + "?mode=mjpeg").toString());
            Poll.until(Duration.ofSeconds(10), path + ": the camera's name in the heading",
                    () -> (String) js.executeScript("return document.getElementById('camera-name').textContent"),
                    name -> name.equals("main"));
            assertEquals("main · camstream", browser.getTitle(), path);
            assertEquals(Boolean.TRUE, js.executeScript("return document.querySelector('h1').textContent.includes('main')"));
            // One camera: no grid to go back to.
            assertEquals(Boolean.TRUE, js.executeScript("return document.getElementById('all-cameras').hidden"), path);
            assertEquals(server.uri(path + "stream.mjpeg").toString(), js.executeScript(
                    "return document.querySelector('.links a[href=\"stream.mjpeg\"]').href"), path + ": relative links");
            Poll.until(Duration.ofSeconds(20), path + ": playing", () -> Boolean.TRUE.equals(js.executeScript(
                    "return window.camstream.stats().playing && window.camstream.view() === null")));
        }
        browser.get(server.uri("/cam/main").toString());
        assertEquals(server.uri("/cam/main/").toString(), browser.getCurrentUrl(), "redirected to the page's own root");
    }

    /**
     * "Use with…" gives the camera's RTSP URL, as this page reaches the server, and settings that carry it for
     * Frigate, Home Assistant and VLC; the URL it gives is one that ffprobe plays at the camera's size.
     */
    @Test
    void useWithGivesTheRtspUrlThatPlaysAndTheToolsSettings() {
        JavascriptExecutor js = browser;
        browser.get(server.uri("/cam/main/?mode=mjpeg").toString());
        String expected = server.rtspUrl("/main");
        String shown = Poll.until(Duration.ofSeconds(10), "the RTSP URL in the copy field",
                () -> (String) js.executeScript("return document.getElementById('rtsp-url').value"),
                url -> !url.isEmpty());
        assertEquals(expected, shown);
        assertEquals(expected, js.executeScript("return document.getElementById('rtsp-link').textContent"));
        String frigate = (String) js.executeScript("return document.getElementById('use-frigate').textContent");
        assertTrue(frigate.contains("- path: " + expected) && frigate.contains("width: 1280"), frigate);
        String homeAssistant = (String) js.executeScript(
                "return document.getElementById('use-home-assistant').textContent");
        assertTrue(homeAssistant.contains("Stream source:    " + expected), homeAssistant);
        assertTrue(homeAssistant.contains(server.uri("/cam/main/snapshot.jpg").toString()), homeAssistant);
        assertTrue(((String) js.executeScript("return document.getElementById('use-vlc').textContent"))
                .startsWith("vlc " + expected));

        js.executeScript("document.getElementById('rtsp-copy').click()");
        String said = Poll.until(Duration.ofSeconds(5), "the copy button to say what it did",
                () -> (String) js.executeScript("return document.getElementById('rtsp-copied').textContent"),
                text -> !text.isEmpty());
        assertTrue(said.equals("Copied") || said.startsWith("Selected"), said);

        String size = MediaTools.ffprobe("-rtsp_transport", "tcp", "-select_streams", "v:0", "-show_entries",
                "stream=codec_name,width,height", "-of", "csv=p=0", shown);
        assertEquals("h264,1280,720", size);
    }

    @Test
    void theCaptionCountsThisPagesOwnViewerInEveryFormat() {
        JavascriptExecutor js = browser;
        browser.get(server.uri("/?mode=mse").toString());
        Poll.until(Duration.ofSeconds(20), "the caption to count this page's WebSocket",
                () -> (String) js.executeScript("return document.getElementById('caption').textContent"),
                caption -> caption.endsWith(" · 1 viewer"));
        browser.get(server.uri("/?mode=jpeg").toString());
        Poll.until(Duration.ofSeconds(20), "the caption to count this page's stills",
                () -> (String) js.executeScript("return document.getElementById('caption').textContent"),
                caption -> caption.endsWith(" · 1 viewer"));
    }

    /**
     * The caption sums every number under the status's viewers, formats it does not know included (the server
     * counts HLS players as viewers.hls): the page's fetch of api/status is given a document with such counts.
     */
    @Test
    void theCaptionSumsEveryViewerCountTheStatusGives() {
        JavascriptExecutor js = browser;
        Object script = browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source",
                "const realFetch = window.fetch; window.fetch = async (u, o) => { const r = await realFetch(u, o);"
                + " if (!String(u).endsWith('api/status') || !r.ok) return r; const s = await r.json();"
                + " s.viewers = {mjpeg: 1, ws: 0, hls: 2, somethingNew: 4, note: 'not a count'};"
                + " return new Response(JSON.stringify(s), {status: 200, headers: {'Content-Type': 'application/json'}}); };"))
                .get("identifier");
        try {
            browser.get(server.uri("/?mode=jpeg").toString());
            Poll.until(Duration.ofSeconds(20), "the caption to sum every count",
                    () -> (String) js.executeScript("return document.getElementById('caption').textContent"),
                    caption -> caption.endsWith(" · 7 viewers"));
        } finally {
            browser.executeCdpCommand("Page.removeScriptToEvaluateOnNewDocument", Map.of("identifier", script));
        }
    }

    /** An HLS player is a viewer too, once the server counts them (viewers.hls). */
    @Test
    void theCaptionCountsAnHlsViewer() {
        Assumptions.assumeTrue(((Map<?, ?>) server.status().get("viewers")).containsKey("hls"),
                "the server does not count HLS viewers (viewers.hls) yet");
        JavascriptExecutor js = browser;
        browser.get(server.uri("/?mode=hls").toString());
        Poll.until(Duration.ofSeconds(30), "the caption to count this page's HLS player",
                () -> (String) js.executeScript("return document.getElementById('caption').textContent"),
                caption -> caption.matches(".* · [1-9]\\d* viewers?"));
    }

    private static double currentTime(JavascriptExecutor js) {
        return ((Number) js.executeScript("return document.getElementById('video').currentTime")).doubleValue();
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
