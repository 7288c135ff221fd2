package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.List;
import java.util.Map;
import org.camstream.testing.MediaTools;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.TestServer;
import org.camstream.testing.VideoSocketClient;
import org.junit.jupiter.api.Test;

/** A camera whose native codec is MJPEG: JPEG viewers need no transcoder, H.264 viewers share one. */
class MjpegCameraIT {

    @Test
    void h264FormatsComeFromOneTranscoderOnlyWhileSomeoneWatchesThem() throws Exception {
        try (TestServer server = TestServer.start("--codec", "mjpeg", "--width", "640", "--height", "360")) {
            try (MjpegClient mjpeg = MjpegClient.open(server.port(), "/stream.mjpeg")) {
                mjpeg.next();
                assertEquals(1, TestServer.ffmpegProcesses().size(), "JPEG viewers of a JPEG camera: no transcoder");
                assertEquals("idle", ((Map<?, ?>) server.status().get("transcoder")).get("state"));

                String json = MediaTools.ffprobe("-count_frames", "-read_intervals", "%+3", "-select_streams", "v:0",
                        "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json",
                        server.uri("/stream.mp4").toString());
                @SuppressWarnings("unchecked")
                Map<String, Object> stream = ((List<Map<String, Object>>) JSON.std.mapFrom(json).get("streams")).get(0);
                assertEquals("h264", stream.get("codec_name"));
                assertEquals(640, MediaTools.intField(stream, "width"));
                assertEquals(360, MediaTools.intField(stream, "height"));
                int frames = MediaTools.intField(stream, "nb_read_frames");
                assertTrue(Math.abs(frames - 90) <= 4, "3 s at 30 fps, got " + frames);

                try (VideoSocketClient ws1 = VideoSocketClient.connect(server.port(), null);
                        VideoSocketClient ws2 = VideoSocketClient.connect(server.port(), null)) {
                    for (VideoSocketClient ws : List.of(ws1, ws2)) {
                        Map<String, Object> init = JSON.std.mapFrom(ws.next(15).text());
                        assertEquals(640, ((Number) init.get("width")).intValue());
                        assertTrue(ws.next(10).binary().length > 0);
                        assertTrue(ws.next(10).binary().length > 0);
                    }
                    assertEquals(2, TestServer.ffmpegProcesses().size(), "the camera and one shared transcoder");
                    Map<?, ?> transcoder = (Map<?, ?>) server.status().get("transcoder");
                    assertEquals("running", transcoder.get("state"));
                    assertEquals("mjpeg", transcoder.get("from"));
                    assertEquals("h264", transcoder.get("to"));
                }
            }
        }
    }
}
