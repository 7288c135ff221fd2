package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camstream.testing.AvSync;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.camstream.testing.StreamRecorder;
import org.camstream.testing.TestServer;
import org.camstream.testing.VideoSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sound from the running server, with {@code audio=test}: a tone with a beep every second, and the test
 * pattern's flash at the same moments. ffprobe and ffmpeg read /stream.mp4 and HLS with both tracks, the
 * WebSocket names both codecs, sound and picture play within 40 ms of each other, and a killed audio process
 * costs the pictures nothing and comes back by itself.
 */
class SoundIT {

    private static TestServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void start() {
        server = TestServer.start("--audio", "test");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void ffprobeSeesH264AndAacAtTheirRatesInTheMp4AndFfmpegDecodesBoth() throws IOException {
        String url = server.uri("/stream.mp4").toString();
        Map<String, Object> video = probe(url, "v:0", "%+4");
        assertEquals("h264", video.get("codec_name"));
        int frames = MediaTools.intField(video, "nb_read_frames");
        assertTrue(Math.abs(frames - 4 * 30) <= 4, "4 s at 30 fps is about 120 pictures, got " + frames);
        Map<String, Object> audio = probe(url, "a:0", "%+4");
        assertEquals("aac", audio.get("codec_name"));
        assertEquals("LC", audio.get("profile"));
        assertEquals("48000", audio.get("sample_rate"));
        assertEquals(1, MediaTools.intField(audio, "channels"));
        int audioFrames = MediaTools.intField(audio, "nb_read_frames");
        assertTrue(Math.abs(audioFrames - 4 * 48_000 / 1024) <= 6, "4 s at 48 kHz is about 188 frames, got " + audioFrames);

        Path file = record(url, 4);
        MediaTools.Result decoded = MediaTools.ffmpeg("-v", "error", "-i", file.toString(), "-map", "0",
                "-fps_mode", "passthrough", "-enc_time_base", "-1", "-f", "null", "-");
        assertEquals(0, decoded.exitCode(), decoded.stderr());
        assertEquals("", decoded.stderr().strip(), "both tracks decode without a complaint");
    }

    @Test
    void soundAndPictureCapturedTogetherPlayWithin40Ms() throws IOException {
        Path file = record(server.uri("/stream.mp4").toString(), 7);
        List<Double> offsets = AvSync.offsetsMillis(file);
        System.out.println("A/V offset on /stream.mp4, beep minus flash, ms: " + offsets);
        assertTrue(offsets.size() >= 5, "flashes with their beeps: " + offsets);
        for (double offset : offsets) {
            assertTrue(Math.abs(offset) < 40, "sound " + offset + " ms from its picture: " + offsets);
        }
    }

    @Test
    void theWebSocketInitNamesBothCodecs() throws Exception {
        try (VideoSocketClient client = VideoSocketClient.connect(server.port(), null)) {
            VideoSocketClient.Message init = Poll.until(Duration.ofSeconds(15), "the init message", () -> {
                try {
                    return client.next(15);
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
            }, m -> m != null && m.isText() && m.text().contains("\"init\""));
            Map<String, Object> json = JSON.std.mapFrom(init.text());
            assertTrue(((String) json.get("codec")).matches("avc1\\.[0-9a-f]{6},mp4a\\.40\\.2"), init.text());
            assertEquals(Boolean.TRUE, json.get("audio"));
        }
    }

    @Test
    void hlsCarriesBothTracksMuxedAndFfmpegDecodesThem() {
        String url = server.uri("/hls/index.m3u8").toString();
        MediaTools.Result decoded = MediaTools.ffmpeg("-v", "error", "-i", url, "-t", "3", "-map", "0",
                "-fps_mode", "passthrough", "-enc_time_base", "-1", "-f", "null", "-");
        assertEquals(0, decoded.exitCode(), decoded.stderr());
        assertEquals("", decoded.stderr().strip());
        String streams = MediaTools.ffprobe("-show_entries", "stream=codec_name,sample_rate,channels", "-of", "csv=p=0", url);
        assertTrue(streams.contains("h264"), streams);
        assertTrue(streams.contains("aac,48000,1"), streams);
    }

    @Test
    @SuppressWarnings("unchecked")
    void killingTheAudioProcessLeavesThePicturesAtFullRateAndTheSoundComesBack() throws Exception {
        try (StreamRecorder viewer = StreamRecorder.webSocket(server.port())) {
            Map<String, Object> running = Poll.until(Duration.ofSeconds(15), "the sound running", this::audio,
                    a -> "running".equals(a.get("state")) && a.get("level") != null);
            long pid = ((Number) running.get("pid")).longValue();
            long restarts = ((Number) running.get("restarts")).longValue();
            Poll.until(Duration.ofSeconds(10), "pictures", () -> viewer.pictures() > 30);

            long killedAt = System.nanoTime();
            long before = viewer.pictures();
            ProcessHandle.of(pid).orElseThrow().destroyForcibly();
            Map<String, Object> back = Poll.until(Duration.ofSeconds(10), "the sound back", this::audio,
                    a -> "running".equals(a.get("state")) && a.get("pid") != null
                            && ((Number) a.get("pid")).longValue() != pid && a.get("level") != null);
            double backSeconds = (System.nanoTime() - killedAt) / 1e9;
            assertEquals(restarts + 1, ((Number) back.get("restarts")).longValue());
            assertNull(back.get("lastError"), "the error is history once sound flows again");
            assertNotNull(back.get("previousError"));
            // Three seconds from the kill: the pictures never paused.
            Poll.until(Duration.ofSeconds(10), "3 s after the kill", () -> System.nanoTime() - killedAt > 3_000_000_000L);
            double fps = (viewer.pictures() - before) / ((System.nanoTime() - killedAt) / 1e9);
            System.out.printf("audio killed: sound back after %.2f s; pictures meanwhile at %.1f fps%n", backSeconds, fps);
            assertTrue(fps > 27, "pictures at " + fps + " fps while the sound was away");
            assertTrue(viewer.longestGapNanos() < 500_000_000L, "longest gap " + viewer.longestGapNanos() / 1e6 + " ms");
            long filled = ((Number) back.get("filled")).longValue();
            assertTrue(filled > 0, "the gap was filled with silence");
        }
        // And the file made after it has real sound again: its beeps line up with the flashes.
        List<Double> offsets = AvSync.offsetsMillis(record(server.uri("/stream.mp4").toString(), 4));
        assertTrue(offsets.size() >= 2 && offsets.stream().allMatch(o -> Math.abs(o) < 40), "after the restart: " + offsets);
    }

    @Test
    void aLateJoinerGetsAPlayableStartOnBothTracks() throws Exception {
        // The camera and the sound are running for others; this viewer joins mid-GOP.
        try (StreamRecorder other = StreamRecorder.mp4(server.port())) {
            Poll.until(Duration.ofSeconds(15), "pictures for the first viewer", () -> other.pictures() > 45);
            Path file = record(server.uri("/stream.mp4").toString(), 2);
            String first = MediaTools.ffprobe("-show_entries", "stream=codec_name,start_time", "-of", "csv=p=0", file.toString());
            List<String> lines = first.lines().filter(l -> !l.isBlank()).toList();
            assertEquals(2, lines.size(), first);
            double videoStart = Double.parseDouble(lines.get(0).split(",")[1]);
            double audioStart = Double.parseDouble(lines.get(1).split(",")[1]);
            // The first fragment's sound arrived with its keyframe, captured up to a picture interval and the
            // encoder's delay before it: the tracks start within a few frames of each other.
            System.out.printf("late joiner: pictures from %.3f s, sound from %.3f s%n", videoStart, audioStart);
            assertTrue(Math.abs(videoStart - audioStart) < 0.15, "both tracks start together: " + first);
            MediaTools.Result decoded = MediaTools.ffmpeg("-v", "error", "-i", file.toString(), "-map", "0",
                    "-fps_mode", "passthrough", "-enc_time_base", "-1", "-f", "null", "-");
            assertEquals("", decoded.stderr().strip(), "the first picture is a keyframe, the first sound decodes");
        }
    }

    @SuppressWarnings("unchecked")
    private Map<String, Object> audio() {
        return (Map<String, Object>) server.status().get("audio");
    }

    /** {@code seconds} of a stream, stream-copied into a file that ends cleanly. */
    private Path record(String url, int seconds) throws IOException {
        Path file = Files.createTempFile(dir, "sound", ".mp4");
        MediaTools.runOk(List.of("ffmpeg", "-nostdin", "-v", "error", "-y", "-i", url, "-t", Integer.toString(seconds),
                "-map", "0", "-c", "copy", file.toString()));
        return file;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> probe(String url, String stream, String interval) throws IOException {
        String json = MediaTools.ffprobe("-count_frames", "-read_intervals", interval, "-select_streams", stream,
                "-show_entries", "stream=codec_name,profile,sample_rate,channels,nb_read_frames", "-of", "json", url);
        return ((List<Map<String, Object>>) JSON.std.mapFrom(json).get("streams")).get(0);
    }
}
