package org.camstream.camera.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The ffmpeg source with a real Raspberry Pi recording as its input, looping like a camera that never stops. */
class FfmpegSourceIT {

    private static final String RECORDING = Fixtures.piH264(Fixtures.PI_720P_INLINE).toString();

    @AfterEach
    void noCameraProcessOutlivesATest() {
        Poll.until(Duration.ofSeconds(10), "no ffmpeg left running", () -> TestServer.ffmpegProcesses().isEmpty());
    }

    @Test
    void anH264RecordingIsStreamCopiedAtItsOwnRateAndLoops() throws Exception {
        // 141 frames at 30 fps: the file ends after 4.7 s, and the stream must go on.
        try (TestServer server = TestServer.start("--source", "ffmpeg", "--input", RECORDING);
                MjpegClient h264 = MjpegClient.open(server.port(), "/stream.h264")) {
            int[] pictures = new int[1];
            AnnexBReader reader = new AnnexBReader(nal -> {
                if (nal.isVcl()) {
                    pictures[0]++;
                }
            });
            byte[] buffer = new byte[64 * 1024];
            long start = System.nanoTime();
            while (System.nanoTime() - start < Duration.ofSeconds(8).toNanos()) {
                int n = h264.body().read(buffer);
                assertTrue(n > 0, "the stream goes on past the end of the file");
                reader.feed(buffer, 0, n);
            }
            // Paced like the recording (30 fps) after the cached GOP: about 240 pictures in 8 s, not thousands.
            assertTrue(pictures[0] > 200 && pictures[0] < 300, "pictures in 8 s: " + pictures[0]);

            String json = MediaTools.ffprobe("-count_frames", "-read_intervals", "%+3", "-select_streams", "v:0",
                    "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json",
                    server.uri("/stream.mp4").toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> stream = ((List<Map<String, Object>>) JSON.std.mapFrom(json).get("streams")).get(0);
            assertEquals(1280, MediaTools.intField(stream, "width"), "copied at the recording's own size");
            assertEquals(720, MediaTools.intField(stream, "height"));
            @SuppressWarnings("unchecked")
            Map<String, Object> h264Track = (Map<String, Object>) server.camera().get("h264");
            assertEquals("avc1.640028", h264Track.get("codec"), "the Raspberry Pi encoder's own SPS, untouched");
            @SuppressWarnings("unchecked")
            List<String> notes = (List<String>) server.camera().get("notes");
            assertTrue(notes.stream().anyMatch(n -> n.startsWith("stream copy")), notes.toString());
        }
    }

    @Test
    void aRecordingInAnotherCodecIsEncodedAtTheConfiguredSize() throws Exception {
        try (TestServer server = TestServer.start("--source", "ffmpeg", "--input", RECORDING, "--codec", "mjpeg",
                "--width", "640", "--height", "360", "--hflip")) {
            try (MjpegClient viewer = MjpegClient.open(server.port(), "/stream.mjpeg")) {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(viewer.next().body()));
                assertEquals(640, image.getWidth());
                assertEquals(360, image.getHeight());
                assertEquals(1, TestServer.ffmpegProcesses().size(), "one process: no transcoder for JPEG viewers");
            }
        }
    }

    @Test
    void aMissingFileIsAClearError() throws IOException {
        try (TestServer server = TestServer.start("--source", "ffmpeg", "--input", "/nonexistent/recording.mp4")) {
            assertEquals(503, server.get("/snapshot.jpg").statusCode());
            Map<String, Object> camera = server.camera();
            assertTrue(String.valueOf(camera.get("lastError")).contains("/nonexistent/recording.mp4 does not exist"),
                    String.valueOf(camera.get("lastError")));
        }
    }
}
