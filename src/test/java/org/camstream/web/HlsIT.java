package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lindstrom.m3u8.model.MediaPlaylist;
import io.lindstrom.m3u8.model.MediaSegment;
import io.lindstrom.m3u8.model.PartialSegment;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Playlists;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** {@code /hls/index.m3u8} from a real camera (ffmpeg's test pattern), over real HTTP. */
class HlsIT {

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--idle-stop", "1");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    private static MediaPlaylist playlist(String query) {
        HttpResponse<byte[]> response = server.get("/hls/index.m3u8" + (query.isEmpty() ? "" : "?" + query));
        assertEquals(200, response.statusCode(), () -> new String(response.body(), StandardCharsets.UTF_8));
        return Playlists.parse(new String(response.body(), StandardCharsets.UTF_8));
    }

    private static byte[] media(String uri) {
        HttpResponse<byte[]> response = server.get("/hls/" + uri);
        assertEquals(200, response.statusCode(), () -> uri + ": " + new String(response.body(), StandardCharsets.UTF_8));
        return response.body();
    }

    @Test
    void thePlaylistIsLowLatencyHlsWithPartsOfAFifthOfASecondAndSegmentsFromKeyframes() {
        HttpResponse<byte[]> response = server.get("/hls/index.m3u8");
        assertEquals(200, response.statusCode());
        assertEquals("application/vnd.apple.mpegurl", response.headers().firstValue("Content-Type").orElseThrow());
        assertEquals("public, max-age=1", response.headers().firstValue("Cache-Control").orElseThrow());
        assertTrue(response.headers().firstValue("Set-Cookie").isEmpty(), "no session");
        String text = new String(response.body(), StandardCharsets.UTF_8);
        assertTrue(text.contains("#EXT-X-VERSION:9\n"), text);
        MediaPlaylist playlist = Playlists.parse(text);
        // Wait for a few segments, so that there is something to check between them.
        MediaPlaylist full = Poll.until(Duration.ofSeconds(15), "four complete segments", () -> playlist(""),
                p -> p.mediaSegments().size() >= 4);

        double partTarget = full.partialSegmentInformation().orElseThrow().partTargetDuration();
        assertEquals(0.217, partTarget, 1e-9, "6 frames at 30 fps and half a frame for jitter");
        assertTrue(full.serverControl().orElseThrow().canBlockReload());
        assertTrue(full.serverControl().orElseThrow().partHoldBack().orElseThrow() >= 3 * partTarget - 1e-6);
        assertTrue(full.mediaSegments().get(0).segmentMap().isPresent(), "EXT-X-MAP before the first segment");
        long msn = full.mediaSequence();
        List<MediaSegment> listed = full.mediaSegments();
        for (int i = 0; i < listed.size(); i++) {
            MediaSegment segment = listed.get(i);
            assertTrue(Math.round(segment.duration()) <= full.targetDuration(), "EXT-X-TARGETDURATION holds it");
            // Keyframes every 30 frames: 1 s each, but for a camera's uneven first second at the run's start, and
            // for a segment that a stall of this busy machine cut short: the timeline skipped the stall, and the
            // next segment starts after a discontinuity.
            boolean beforeAGap = i + 1 < listed.size() && listed.get(i + 1).discontinuity();
            if (msn++ > 0 && !beforeAGap) {
                // 30 frames; their capture times jitter on a busy machine.
                assertTrue(segment.duration() >= 0.9 && segment.duration() <= 1.2, "segment of " + segment.duration()
                        + " in\n" + full);
            }
            assertTrue(segment.programDateTime().isPresent(), "every segment has its capture time");
            if (!segment.partialSegments().isEmpty()) {
                double sum = segment.partialSegments().stream().mapToDouble(PartialSegment::duration).sum();
                assertEquals(segment.duration(), sum, 1e-3, "the parts make the segment");
                assertTrue(segment.partialSegments().get(0).independent(), "a segment starts with a keyframe");
            }
        }
        // Every part, even where a frame came late (the camera or this busy machine stalled): no picture lasts
        // longer on the shared timeline than a part target, and a longer wait is a gap the timeline skips.
        List<Playlists.Part> parts = Playlists.parts(full);
        for (Playlists.Part part : parts) {
            assertTrue(part.duration() <= partTarget + 1e-6, part + " over the target:\n" + full);
        }
        String hint = full.preloadHint().orElseThrow().uri();
        long last = partNumber(Playlists.lastPart(full).uri());
        assertEquals(last + 1, partNumber(hint), "the hint names the next part");
        assertTrue(hint.matches("[0-9a-z]+/part-\\d+\\.m4s"), hint);
    }

    @Test
    void ffprobeAndFfmpegReadThePlaylistAndDecodeItWithoutAnError() {
        String url = server.uri("/hls/index.m3u8").toString();
        String size = MediaTools.ffprobe("-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height",
                "-of", "csv=p=0", url).lines().findFirst().orElse("");
        assertEquals("h264,1280,720", size);
        // The encoder's time base is the track's: at ffmpeg's default of one frame (1/30 s), two frames whose
        // capture times jitter closer than that collide in the null muxer, as with /stream.mp4; not an HLS error.
        MediaTools.Result decode = MediaTools.run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
                "-xerror", "-i", url, "-t", "3", "-enc_time_base:v", "1:90000", "-f", "framecrc", "-"));
        assertEquals(0, decode.exitCode(), decode.stderr());
        assertEquals("", decode.stderr().strip(), "ffmpeg reported no error");
        long frames = decode.stdoutText().lines().filter(line -> line.startsWith("0,")).count();
        // A run's first segment may hold a camera's uneven first second; the 3 s read may start there. After a
        // stall, which the timeline skips, the pictures that came late follow each other closely: 3 s of the
        // stream's time may hold a few more than 90.
        assertTrue(frames >= 60 && frames <= 110, "3 s at about 30 fps decoded, got " + frames + " frames");
    }

    @Test
    void partsAreTheSegmentsBytesAndTheSameMediaUrlGivesTheSameBytesForAYear() {
        MediaPlaylist playlist = Poll.until(Duration.ofSeconds(15), "a complete segment with its parts listed",
                () -> playlist(""), p -> p.mediaSegments().stream().anyMatch(s -> !s.partialSegments().isEmpty()));
        MediaSegment segment = playlist.mediaSegments().stream().filter(s -> !s.partialSegments().isEmpty())
                .reduce((a, b) -> b).orElseThrow();
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        for (PartialSegment part : segment.partialSegments()) {
            joined.writeBytes(media(part.uri()));
        }
        byte[] whole = media(segment.uri());
        assertArrayEquals(whole, joined.toByteArray(), "a segment is its parts, byte for byte");
        assertArrayEquals(whole, media(segment.uri()), "asked again, the same bytes");
        HttpResponse<byte[]> again = server.get("/hls/" + segment.uri());
        assertEquals("public, max-age=31536000, immutable", again.headers().firstValue("Cache-Control").orElseThrow());
        assertEquals("video/mp4", again.headers().firstValue("Content-Type").orElseThrow());
        String init = playlist.mediaSegments().get(0).segmentMap().orElseThrow().uri();
        assertArrayEquals(media(init), media(init));

        String runId = segment.uri().substring(0, segment.uri().indexOf('/'));
        assertTrue(runId.length() >= 8, "a per-run id: " + runId);
    }

    @Test
    void aBlockingReloadIsHeldUntilItsPartExistsAndThePreloadHintUntilItIsComplete() throws Exception {
        MediaPlaylist now = playlist("");
        Playlists.Part last = Playlists.lastPart(now);
        String hint = now.preloadHint().orElseThrow().uri();
        // Two parts ahead: at least one part time away, whatever moment this request is made at.
        String query = "_HLS_msn=" + last.msn() + "&_HLS_part=" + (last.index() + 2);
        var hinted = java.util.concurrent.CompletableFuture.supplyAsync(() -> server.get("/hls/" + hint));
        long started = System.nanoTime();
        HttpResponse<byte[]> held = server.get("/hls/index.m3u8?" + query);
        double heldSeconds = (System.nanoTime() - started) / 1e9;
        assertEquals(200, held.statusCode());
        assertEquals("public, max-age=1", held.headers().firstValue("Cache-Control").orElseThrow());
        MediaPlaylist later = Playlists.parse(new String(held.body(), StandardCharsets.UTF_8));
        Playlists.Part reached = Playlists.lastPart(later);
        assertTrue(reached.msn() > last.msn() || reached.index() >= last.index() + 2, "holds the asked-for part");
        // Released at once: the asked-for part was the newest when it came, none after it.
        assertTrue(reached.msn() == last.msn() ? reached.index() == last.index() + 2 : reached.index() == 0,
                "the first version that has the part: " + reached + " after " + last);
        assertTrue(heldSeconds > 0.1 && heldSeconds < 1.5, "held for " + heldSeconds + " s, about two parts");

        HttpResponse<byte[]> part = hinted.get();
        assertEquals(200, part.statusCode());
        assertTrue(Playlists.parts(later).stream().anyMatch(p -> p.uri().equals(hint)), "the hinted part is listed");
        assertArrayEquals(media(hint), part.body(), "held, the hinted part came whole");
    }

    @Test
    void requestsOutOfRangeGetTheSpecs400AndUnknownFilesA404AsJson() throws Exception {
        MediaPlaylist now = playlist("");
        Playlists.Part last = Playlists.lastPart(now);
        // Three after the last is the spec's limit; one more for a segment that may begin between the requests.
        assertJson(server.get("/hls/index.m3u8?_HLS_msn=" + (last.msn() + 4)), 400, "more than two segments");
        assertJson(server.get("/hls/index.m3u8?_HLS_msn=" + last.msn() + "&_HLS_part=" + (last.index() + 20)), 400,
                "parts after the last one");
        assertJson(server.get("/hls/index.m3u8?_HLS_part=1"), 400, "_HLS_part needs _HLS_msn");
        assertJson(server.get("/hls/index.m3u8?_HLS_msn=abc"), 400, "whole number");
        assertJson(server.get("/hls/index.m3u8?_HLS_msn=-1"), 400, "whole number");
        assertJson(server.get("/hls/nothing.txt"), 404, "no such HLS file");
        assertJson(server.get("/hls/0000oldrun/seg-1.m4s"), 404, "has ended");
        String run = now.preloadHint().orElseThrow().uri().split("/")[0];
        long far = partNumber(now.preloadHint().orElseThrow().uri()) + 50;
        assertJson(server.get("/hls/" + run + "/part-" + far + ".m4s"), 404, "not the next part");
        assertJson(server.get("/hls/" + run + "/seg-0.m4s" + "x"), 404, "no such HLS file");
        ErrorChecks.assertJsonError(RawHttp.get(server.port(), "/hls/nothing.txt", ErrorChecks.BROWSER), 404,
                "JSON even for a browser, and no leak");
        ErrorChecks.assertJsonError(RawHttp.get(server.port(), "/hls/index.m3u8?_HLS_msn=x", ErrorChecks.BROWSER), 400,
                "a 400 from the playlist");
    }

    @Test
    void theMuxerStartsWithTheFirstRequestKeepsSevenSegmentsAndStopsAfterTheLast() {
        playlist("");
        Map<String, Object> running = hls();
        assertEquals(true, running.get("running"));
        // Past the playlist's window, memory keeps seven segments, not more.
        Poll.until(Duration.ofSeconds(20), "seven segments kept", () -> {
            playlist("");
            return ((Number) hls().get("segmentsKept")).intValue() == 7;
        });
        playlist("");
        assertTrue(((Number) hls().get("segmentsKept")).intValue() <= 7);
        // No more requests: idle-stop is 1 s here, and HLS waits at least 5 s.
        long quietSince = System.nanoTime();
        Poll.until(Duration.ofSeconds(15), "the HLS run to stop", () -> hls().get("running").equals(false));
        double quiet = (System.nanoTime() - quietSince) / 1e9;
        assertTrue(quiet > 4, "stopped " + quiet + " s after the last request, not before 5 s");
        assertNull(hls().get("runId"));
        Poll.until(Duration.ofSeconds(10), "the camera to stop, nobody else watching",
                () -> server.camera().get("state").equals("idle"));
    }

    /**
     * HLS started again after the camera went idle (and so stopped and started again), and a camera killed in a
     * run, read on the real playlists of every reload: no part is longer than PART-TARGET (RFC 8216bis 4.4.4.9),
     * each segment's EXTINF is the time to the next segment's PROGRAM-DATE-TIME unless EXT-X-DISCONTINUITY comes
     * between them, and EXT-X-TARGETDURATION stays what it was in each run (6.2.1). The run after the idle stop
     * is a new one (a new id, its media sequence from 0) and has no discontinuity; the killed camera's run goes
     * on after one. Before, the first picture after the gap lasted up to a second: a part of 1 s against 0.217 s,
     * a first segment of 1.96 s dated 0.99 s before the next, and a target duration of 2 that became 1.
     */
    @Test
    void aRunAfterAnIdleCameraAndACameraRestartKeepPartsTargetAndDatesRight() {
        RunWatch cold = RunWatch.until(3, "the first run");
        // No more requests: the run stops after 5 s, then the camera after its idle-stop of 1 s.
        Poll.until(Duration.ofSeconds(20), "the HLS run to stop", () -> hls().get("running").equals(false));
        Poll.until(Duration.ofSeconds(10), "the camera to stop", () -> server.camera().get("state").equals("idle"));

        // Past 8 segments, the run's first one is no longer among the 7 kept, and its length no longer counted.
        RunWatch again = RunWatch.until(9, "the run after the camera's idle stop");
        assertFalse(again.runId.equals(cold.runId), "a new run");
        assertEquals(0, again.firstSequence, "that starts at media sequence 0");
        assertEquals(0, again.discontinuities, "and with no discontinuity");

        // Killed, the camera is back within about a second; the same run goes on, after a discontinuity.
        long pid = ((Number) server.camera().get("pid")).longValue();
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
        Poll.until(Duration.ofSeconds(15), "the camera to run again", () -> server.camera().get("pid") instanceof Number p
                && p.longValue() != pid && "running".equals(server.camera().get("state")));
        RunWatch killed = RunWatch.until(again.lastSequence + 4, "the run through the camera's restart");
        assertEquals(again.runId, killed.runId, "the same run");
        assertEquals(again.targetDuration, killed.targetDuration, "the same target duration");
        assertTrue(killed.discontinuities >= 1, "the restart is a discontinuity");
    }

    /** Every version of one run's playlist, reloaded until a segment numbered {@code lastMsn} is complete. */
    private static final class RunWatch {
        String runId;
        long firstSequence = Long.MAX_VALUE;
        long lastSequence = -1;
        int targetDuration = -1;
        int discontinuities;
        private String last = "";

        static RunWatch until(long lastMsn, String what) {
            RunWatch watch = new RunWatch();
            Poll.until(Duration.ofSeconds(30), what + " to reach segment " + lastMsn, () -> {
                HttpResponse<byte[]> response = server.get("/hls/index.m3u8");
                assertEquals(200, response.statusCode());
                watch.check(new String(response.body(), StandardCharsets.UTF_8));
                return watch.lastSequence >= lastMsn;
            });
            return watch;
        }

        void check(String text) {
            if (text.equals(last)) {
                return;
            }
            last = text;
            MediaPlaylist playlist = Playlists.parse(text);
            String run = playlist.preloadHint().orElseThrow().uri().split("/")[0];
            if (runId == null) {
                runId = run;
                targetDuration = playlist.targetDuration();
            }
            assertEquals(runId, run, "one run:\n" + text);
            assertEquals(targetDuration, playlist.targetDuration(), "EXT-X-TARGETDURATION changed in a run:\n" + text);
            double partTarget = playlist.partialSegmentInformation().orElseThrow().partTargetDuration();
            for (Playlists.Part part : Playlists.parts(playlist)) {
                assertTrue(part.duration() <= partTarget + 1e-6, "a part over PART-TARGET: " + part + " in\n" + text);
            }
            List<MediaSegment> segments = playlist.mediaSegments();
            firstSequence = Math.min(firstSequence, playlist.mediaSequence());
            lastSequence = Math.max(lastSequence, playlist.mediaSequence() + segments.size() - 1);
            for (int i = 0; i + 1 < segments.size(); i++) {
                MediaSegment segment = segments.get(i);
                assertTrue(Math.round(segment.duration()) <= targetDuration, "EXTINF over the target:\n" + text);
                if (segments.get(i + 1).discontinuity()) {
                    discontinuities++; // counted once per version that shows it: "at least one" is all that is asked
                    continue;
                }
                double dated = Duration.between(segment.programDateTime().orElseThrow(),
                        segments.get(i + 1).programDateTime().orElseThrow()).toNanos() / 1e9;
                // The date is the segment's start on the timeline, written to the millisecond; EXTINF to 10 us.
                assertEquals(dated, segment.duration(), 0.002, "EXTINF against the next PROGRAM-DATE-TIME:\n" + text);
            }
        }
    }

    /**
     * An HLS player is a viewer: its first playlist request takes a place under max-viewers (or is refused, like
     * any viewer past the limit), its next ones keep it, and once it asks for nothing for viewer-timeout the place
     * is free. Players are told apart by address and User-Agent; the status counts them in viewers.hls.
     */
    @Test
    void hlsPlayersTakePlacesUnderMaxViewersAndFreeThemWhenTheyStopAsking() throws Exception {
        try (TestServer limited = TestServer.start("--max-viewers", "1", "--viewer-timeout", "2")) {
            assertEquals(200, playlistAs(limited, "player-one").statusCode());
            assertEquals(1, hlsViewers(limited));
            HttpResponse<byte[]> refused = playlistAs(limited, "player-two");
            assertJson(refused, 503, "limit of 1 viewer");
            assertTrue(refused.headers().firstValue("Retry-After").isPresent());
            assertEquals(503, limited.get("/snapshot.jpg").statusCode(), "the place is taken for every format");
            assertEquals(200, playlistAs(limited, "player-one").statusCode(), "the same player keeps its place");
            Poll.until(Duration.ofSeconds(15), "player-one, asking no more, to be gone",
                    () -> hlsViewers(limited) == 0);
            assertEquals(200, playlistAs(limited, "player-two").statusCode(), "its place is free again");
            assertEquals(1, hlsViewers(limited));
        }
    }

    private static HttpResponse<byte[]> playlistAs(TestServer on, String userAgent) {
        return on.send(java.net.http.HttpRequest.newBuilder(on.uri("/hls/index.m3u8"))
                .header("User-Agent", userAgent).timeout(Duration.ofSeconds(20)).build());
    }

    @SuppressWarnings("unchecked")
    private static int hlsViewers(TestServer on) {
        return ((Number) ((Map<String, Object>) on.status().get("viewers")).get("hls")).intValue();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> hls() {
        Map<String, Object> hls = (Map<String, Object>) server.status().get("hls");
        assertNotNull(hls, "/api/status has an hls entry");
        return hls;
    }

    private static void assertJson(HttpResponse<byte[]> response, int status, String says) {
        String body = new String(response.body(), StandardCharsets.UTF_8);
        assertEquals(status, response.statusCode(), body);
        assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("application/json"), body);
        assertTrue(body.startsWith("{\"status\":" + status + ",\"error\":\""), body);
        assertTrue(body.contains(says), body);
        assertFalse(body.contains("Exception") || body.contains("\tat "), body);
        String cacheControl = response.headers().firstValue("Cache-Control").orElseThrow();
        assertTrue(cacheControl.startsWith("no-store"), "errors are never cached: " + cacheControl);
    }

    private static long partNumber(String uri) {
        Matcher m = Pattern.compile("part-(\\d+)\\.m4s$").matcher(uri);
        assertTrue(m.find(), uri);
        return Long.parseLong(m.group(1));
    }
}
