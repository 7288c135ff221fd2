package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * hls.js (from npm, pinned in package-lock.json, never served by camstream) playing {@code /hls/index.m3u8}
 * in a real Chromium through {@code hls-player.js}, in low-latency mode: its latency, and that it keeps going
 * through a camera restart and a change of resolution.
 *
 * <p>The page is one of camstream's own (its 404 page, which runs no script), so the player runs on
 * camstream's origin as the viewer page would; hls.js is handed to it by WebDriver, which a page's
 * Content-Security-Policy does not stop, so nothing needs to be added to the WAR for the test.
 */
class HlsPlayerIT {

    private static final Path HLS_JS = Path.of("node_modules", "hls.js", "dist", "hls.min.js");

    private static TestServer server;
    private static ChromeDriver browser;

    @BeforeAll
    static void start() throws Exception {
        if (!Files.isReadable(HLS_JS)) {
            throw new AssertionError("this test needs hls.js in " + HLS_JS.toAbsolutePath() + ": run `npm ci`");
        }
        server = TestServer.start();
        browser = Browser.start();
        browser.get(server.uri("/hls-player-test").toString());
        JavascriptExecutor js = browser;
        js.executeScript(Files.readString(HLS_JS, StandardCharsets.UTF_8));
        // player.js first, as the viewer page loads them: the HLS player watches its video with player.js's parts.
        for (String script : List.of("/player.js", "/hls-player.js")) {
            assertEquals(true, js.executeAsyncScript("const done = arguments[arguments.length - 1];"
                    + "const s = document.createElement('script'); s.src = '" + script + "';"
                    + "s.onload = () => done(true); s.onerror = () => done(false); document.head.appendChild(s);"),
                    script);
        }
        assertEquals(true, js.executeScript("return CamstreamHlsPlayer.supported()"));
        js.executeScript("const v = document.createElement('video'); v.muted = true; v.autoplay = true;"
                + "v.playsInline = true; document.body.appendChild(v);"
                + "window.player = new CamstreamHlsPlayer(v, {onNotice() {}, onCameraState() {}});"
                + "window.player.start();");
        assertEquals("hls.js", js.executeScript("return window.player.engine()"));
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

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stats() {
        return (Map<String, Object>) browser.executeScript("return window.player.stats()");
    }

    private static double currentTime() {
        return ((Number) browser.executeScript("return document.querySelector('video').currentTime")).doubleValue();
    }

    private static void awaitPlaying(int width, String what) {
        Poll.until(Duration.ofSeconds(30), what, HlsPlayerIT::stats,
                s -> Boolean.TRUE.equals(s.get("playing")) && s.get("width") instanceof Number w && w.intValue() == width);
        double t0 = currentTime();
        Poll.until(Duration.ofSeconds(10), "the video to advance a second", HlsPlayerIT::currentTime, t -> t > t0 + 1);
    }

    /** Latency samples over {@code seconds}, each of which must be under 2 s; returns them sorted. */
    private static List<Double> sampleLatency(int seconds) {
        // hls.js comes to PART-HOLD-BACK behind the live edge within a few seconds of starting or of a stall.
        Poll.until(Duration.ofSeconds(20), "a latency under 2 s", () -> (Number) stats().get("latencyMs"),
                l -> l != null && l.doubleValue() < 2000);
        List<Double> samples = new ArrayList<>();
        long until = System.nanoTime() + seconds * 1_000_000_000L;
        Poll.until(Duration.ofSeconds(seconds + 10), seconds + " s of latency samples", () -> {
            Number latency = (Number) stats().get("latencyMs");
            if (latency != null) {
                assertTrue(latency.doubleValue() < 2000, "latency stays under 2 s, was " + latency + " ms");
                samples.add(latency.doubleValue());
            }
            return System.nanoTime() > until;
        });
        assertTrue(samples.size() > seconds * 5, "samples: " + samples.size());
        samples.sort(Double::compare);
        return samples;
    }

    @Test
    void hlsJsPlaysAtLowLatencyAndKeepsGoingThroughACameraRestartAndAResolutionChange() {
        awaitPlaying(1280, "hls.js to play 1280 px wide video");
        List<Double> latency = sampleLatency(5);
        double median = latency.get(latency.size() / 2);
        System.out.printf("HLS latency with hls.js (lowLatencyMode), capture to playing: median %.0f ms, max %.0f ms,"
                + " hls.js's own estimate %s s%n", median, latency.get(latency.size() - 1),
                browser.executeScript("return window.player.hls.latency.toFixed(3)"));
        long reconnects = ((Number) stats().get("reconnects")).longValue();

        // The camera dies: it is restarted within about a second, and the same player goes on.
        long pid = ((Number) server.camera().get("pid")).longValue();
        long restarts = ((Number) server.camera().get("restarts")).longValue();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Poll.until(Duration.ofSeconds(15), "the camera to be restarted",
                () -> ((Number) server.camera().get("restarts")).longValue() > restarts
                        && "running".equals(server.camera().get("state")));
        awaitPlaying(1280, "the player to go on after the camera restart");
        sampleLatency(2);

        // A change of resolution: a new init segment after EXT-X-DISCONTINUITY, still the same player.
        HttpResponse<byte[]> put = server.send(server.asAdmin("/api/config")
                .header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString("{\"width\":640,\"height\":360}")).build());
        assertEquals(200, put.statusCode(), new String(put.body(), StandardCharsets.UTF_8));
        awaitPlaying(640, "the player to show 640 px wide video");
        assertEquals(360L, ((Number) stats().get("height")).longValue());
        sampleLatency(2);
        String playlist = new String(server.get("/hls/index.m3u8").body(), StandardCharsets.UTF_8);
        assertTrue(playlist.contains("#EXT-X-DISCONTINUITY\n") || playlist.contains("#EXT-X-DISCONTINUITY-SEQUENCE:1"),
                playlist);
        System.out.println("HLS player reconnects: " + stats().get("reconnects") + " (before the restart: "
                + reconnects + ")");
    }
}
