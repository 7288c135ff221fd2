package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Browser;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The viewer page's HLS mode in Chromium's own HLS player (no hls.js on the page), as the first viewer of a fresh
 * server, whose camera starts with the playlist request: it must play on its first try.
 *
 * <p>Chromium starts a live playlist at its third segment from the end, fetches what is listed, and gave up with
 * MediaError 4 (DEMUXER_ERROR_COULD_NOT_PARSE, "Segment queue never had any data") when the first playlist held
 * fewer: the page reconnected two or three times before a picture. {@link HlsPlayerIT} plays hls.js, which never
 * takes this path.
 */
class NativeHlsPlayerIT {

    /**
     * Put in the page before its own scripts: every error of a video element, with its message, and the frames
     * the video element presents.
     */
    private static final String RECORDER = "window.__hls = {errors: [], events: [], frames: 0, firstFrameMs: null};"
            + "for (const type of ['loadstart', 'loadedmetadata', 'playing', 'waiting', 'emptied'])"
            + " document.addEventListener(type, (e) => { if (e.target instanceof HTMLVideoElement) window.__hls.events"
            + "  .push(type + '@' + Math.round(performance.now()) + ':' + e.target.currentTime.toFixed(2)); }, true);"
            + "document.addEventListener('error', (e) => { const v = e.target;"
            + " if (v instanceof HTMLVideoElement && v.error) window.__hls.errors.push("
            + "  {ms: Math.round(performance.now()), code: v.error.code, message: v.error.message}); }, true);"
            + "document.addEventListener('DOMContentLoaded', () => { const v = document.getElementById('video');"
            + " const frame = () => { const r = window.__hls; r.frames++;"
            + "  if (r.firstFrameMs === null) r.firstFrameMs = Math.round(performance.now());"
            + "  v.requestVideoFrameCallback(frame); };"
            + " v.requestVideoFrameCallback(frame); });";

    @Test
    void theFirstViewerOfAFreshServerPlaysOnItsFirstTryInChromiumsOwnHlsPlayer() {
        ChromeDriver browser = Browser.start();
        try (TestServer server = TestServer.start()) {
            JavascriptExecutor js = browser;
            browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.of("source", RECORDER));
            assertEquals("idle", server.camera().get("state"), "a fresh server: the camera starts for this viewer");
            browser.get(server.uri("/?mode=hls").toString());
            assertEquals(true, js.executeScript("return !window.Hls && document.createElement('video')"
                    + ".canPlayType('application/vnd.apple.mpegurl') !== ''"), "Chromium's own HLS player, no hls.js");
            Poll.until(Duration.ofSeconds(30), "the video to play", () -> currentTime(js) > 0);
            double started = currentTime(js);
            Poll.until(Duration.ofSeconds(15), "the video to play on for 3 s, last: " + record(js),
                    () -> currentTime(js) > started + 3);

            Map<String, Object> recorded = record(js);
            assertEquals(List.of(), recorded.get("errors"), "no MediaError");
            @SuppressWarnings("unchecked")
            Map<String, Object> stats = (Map<String, Object>) js.executeScript("return window.camstream.stats()");
            assertEquals("hls", stats.get("mode"));
            assertEquals(0L, ((Number) stats.get("reconnects")).longValue(), "no reconnect: " + stats + " " + recorded);
            assertEquals(true, js.executeScript("return document.getElementById('video').currentSrc"
                    + ".endsWith('hls/index.m3u8')"), "the video element plays the playlist itself");
            // 3 s of the stream at 30 fps; a busy machine's headless Chromium presents fewer than it decodes.
            assertTrue(((Number) recorded.get("frames")).longValue() > 30, "frames presented: " + recorded);
            assertEquals(1280L, ((Number) js.executeScript("return document.getElementById('video').videoWidth"))
                    .longValue());
            assertTrue(pictureVaries(js), "a decoded picture, not a blank one");
            System.out.printf("Chromium's own HLS player, the first viewer of a fresh server: first picture %s ms"
                    + " after the page began to load, no error, no reconnect%n", recorded.get("firstFrameMs"));
        } finally {
            browser.quit();
        }
    }

    private static double currentTime(JavascriptExecutor js) {
        return ((Number) js.executeScript("return document.getElementById('video').currentTime")).doubleValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> record(JavascriptExecutor js) {
        return (Map<String, Object>) js.executeScript("return window.__hls");
    }

    /** The picture drawn to a canvas has many shades: ffmpeg's test pattern, decoded. */
    private static boolean pictureVaries(JavascriptExecutor js) {
        Number shades = (Number) js.executeScript("const v = document.getElementById('video');"
                + "const c = document.createElement('canvas'); c.width = 160; c.height = 90;"
                + "const g = c.getContext('2d'); g.drawImage(v, 0, 0, 160, 90);"
                + "const d = g.getImageData(0, 0, 160, 90).data; const seen = new Set();"
                + "for (let i = 0; i < d.length; i += 4) seen.add((d[i] >> 4) << 8 | (d[i + 1] >> 4) << 4 | d[i + 2] >> 4);"
                + "return seen.size;");
        return shades.intValue() > 20;
    }
}
