package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.Boxes;
import org.camstream.testing.MediaTools;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.camstream.testing.VideoSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The H.264-based formats of a server whose test camera encodes H.264 (the default), 1280x720 at 30 fps. */
class VideoStreamIT {

    private static final int SYNC_SAMPLE = 0x02000000;
    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start();
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void ffprobeReadsFragmentedMp4FromTheRunningServerAtTheCameraRate() throws IOException {
        // fMP4 carries capture-based timestamps: four seconds of media hold about 4 x 30 frames.
        Map<String, Object> stream = probe("/stream.mp4", "%+4");
        assertEquals("h264", stream.get("codec_name"));
        assertEquals(1280, MediaTools.intField(stream, "width"));
        assertEquals(720, MediaTools.intField(stream, "height"));
        int frames = MediaTools.intField(stream, "nb_read_frames");
        assertTrue(Math.abs(frames - 4 * 30) <= 3, "4 s at 30 fps is about 120 frames, got " + frames);
    }

    @Test
    void ffprobeReadsRawH264FromTheRunningServerAtTheCameraRate() throws IOException {
        // Raw H.264 packets carry no timestamps, so count 120 frames and time them instead: after the cached
        // GOP (at most a second of frames, sent at once), they arrive at the camera's 30 fps.
        long start = System.nanoTime();
        Map<String, Object> stream = probe("/stream.h264", "%+#120");
        double seconds = (System.nanoTime() - start) / 1e9;
        assertEquals("h264", stream.get("codec_name"));
        assertEquals(1280, MediaTools.intField(stream, "width"));
        assertEquals(720, MediaTools.intField(stream, "height"));
        assertEquals(120, MediaTools.intField(stream, "nb_read_frames"));
        assertTrue(seconds > 2.5 && seconds < 12, "120 frames at 30 fps, less one GOP, took " + seconds + " s");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> probe(String path, String interval) throws IOException {
        String json = MediaTools.ffprobe("-count_frames", "-read_intervals", interval, "-select_streams", "v:0",
                "-show_entries", "stream=codec_name,width,height,nb_read_frames", "-of", "json",
                server.uri(path).toString());
        return ((List<Map<String, Object>>) JSON.std.mapFrom(json).get("streams")).get(0);
    }

    @Test
    void rawH264StartsWithSpsPpsAndAnIdrWheneverAViewerJoins() throws IOException {
        for (int attempt = 0; attempt < 3; attempt++) {
            try (MjpegClient client = MjpegClient.open(server.port(), "/stream.h264")) {
                assertEquals(200, client.status());
                assertEquals("video/h264", client.headers().get("content-type"));
                assertEquals("no-store, no-cache, must-revalidate, max-age=0", client.headers().get("cache-control"));
                List<Integer> types = new ArrayList<>();
                AnnexBReader reader = new AnnexBReader(nal -> types.add(nal.type()));
                byte[] buffer = new byte[16 * 1024];
                while (types.size() < 4) {
                    int n = client.body().read(buffer);
                    reader.feed(buffer, 0, n);
                }
                assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR), types.subList(0, 3));
            }
            // Join again at another point of the GOP.
            long frames = ((Number) server.camera().get("frames")).longValue();
            Poll.until(Duration.ofSeconds(5), "a few more frames",
                    () -> ((Number) server.camera().get("frames")).longValue() > frames + 7);
        }
    }

    @Test
    void progressiveMp4StartsWithTheInitSegmentThenASyncFragment() throws IOException {
        try (MjpegClient client = MjpegClient.open(server.port(), "/stream.mp4")) {
            assertEquals("video/mp4", client.headers().get("content-type"));
            byte[] start = client.body().readNBytes(256 * 1024);
            List<Boxes.Box> boxes = Boxes.children(start, 0, lastWholeBox(start));
            assertEquals("ftyp", boxes.get(0).type());
            assertEquals("moov", boxes.get(1).type());
            assertEquals("prft", boxes.get(2).type());
            assertEquals("moof", boxes.get(3).type());
            assertEquals("mdat", boxes.get(4).type());
            byte[] firstFragment = java.util.Arrays.copyOfRange(start, boxes.get(2).offset(),
                    boxes.get(4).offset() + boxes.get(4).size());
            assertEquals(SYNC_SAMPLE, Boxes.firstSampleFlags(firstFragment), "the first fragment is a sync sample");
        }
    }

    @Test
    void headAnswersWithoutABody() throws IOException {
        for (String[] pathAndType : new String[][] {{"/stream.h264", "video/h264"}, {"/stream.mp4", "video/mp4"}}) {
            try (MjpegClient client = MjpegClient.open(server.port(), "HEAD", pathAndType[0], null)) {
                assertEquals(200, client.status());
                assertEquals(pathAndType[1], client.headers().get("content-type"));
                client.socket().setSoTimeout(5000);
                assertEquals(-1, client.socket().getInputStream().read());
            }
        }
    }

    @Test
    void theWebSocketSendsInitJsonThenTheInitSegmentThenFragmentsFromASyncSample() throws Exception {
        try (VideoSocketClient ws = VideoSocketClient.connect(server.port(), null)) {
            VideoSocketClient.Message init = ws.next(10);
            assertTrue(init.isText(), "first an init message");
            Map<String, Object> json = JSON.std.mapFrom(init.text());
            assertEquals("init", json.get("type"));
            assertTrue(String.valueOf(json.get("codec")).matches("avc1\\.[0-9a-f]{6}"), json.toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> h264 = (Map<String, Object>) server.camera().get("h264");
            assertEquals(h264.get("codec"), json.get("codec"), "the codec string comes from the camera's SPS");
            assertEquals(1280, ((Number) json.get("width")).intValue());
            assertEquals(720, ((Number) json.get("height")).intValue());
            assertTrue(((Number) json.get("generation")).longValue() >= 1);

            VideoSocketClient.Message segment = ws.next(10);
            assertNotNull(segment.binary(), "then the binary init segment");
            List<Boxes.Box> initBoxes = Boxes.children(segment.binary(), 0, segment.binary().length);
            assertEquals(List.of("ftyp", "moov"), initBoxes.stream().map(Boxes.Box::type).toList());

            VideoSocketClient.Message first = ws.next(10);
            assertNotNull(first.binary(), "then one binary message per fragment");
            assertEquals(List.of("prft", "moof", "mdat"),
                    Boxes.children(first.binary(), 0, first.binary().length).stream().map(Boxes.Box::type).toList());
            assertEquals(SYNC_SAMPLE, Boxes.firstSampleFlags(first.binary()), "the first media fragment is a sync sample");

            int fragments = 0;
            long end = System.nanoTime() + Duration.ofSeconds(3).toNanos();
            while (System.nanoTime() < end) {
                VideoSocketClient.Message next = ws.next(5);
                assertNotNull(next.binary());
                fragments++;
            }
            assertTrue(fragments >= 80, "about 90 fragments in 3 s, got " + fragments);
        }
    }

    @Test
    void aClockProbeIsAnsweredAheadOfMediaWithTheServersReceiveAndSendTimes() throws Exception {
        try (VideoSocketClient ws = VideoSocketClient.connect(server.port(), null)) {
            ws.send("not json");
            ws.send("{\"type\":\"clock\",\"client\":\"soon\"}");
            double client = System.currentTimeMillis() + 0.25;
            ws.send("{\"type\":\"clock\",\"client\":" + client + "}");
            java.util.Map<String, Object> answer = null;
            for (int i = 0; i < 400 && answer == null; i++) {
                VideoSocketClient.Message message = ws.next(10);
                if (message.isText() && message.text().contains("\"clock\"")) {
                    answer = com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(message.text());
                }
            }
            assertNotNull(answer, "a clock answer");
            double received = ((Number) answer.get("received")).doubleValue();
            double sent = ((Number) answer.get("sent")).doubleValue();
            assertEquals(client, ((Number) answer.get("client")).doubleValue(), 1e-6, "the probe's time, echoed");
            double now = System.currentTimeMillis();
            assertTrue(received >= client - 1000 && received <= sent && sent <= now + 1000,
                    "client " + client + ", received " + received + ", sent " + sent + ", now " + now);
            assertEquals(null, ws.closeReason(), "messages that are not probes are ignored, not fatal");
        }
    }

    @Test
    void aPageFromAnotherSiteCannotOpenTheWebSocket() throws Exception {
        Exception refused = assertThrows(Exception.class,
                () -> VideoSocketClient.connect(server.port(), "http://evil.example"));
        assertTrue(String.valueOf(refused.getMessage()).contains("403")
                || String.valueOf(refused.getCause()).contains("403"), refused.toString());
        try (VideoSocketClient sameOrigin = VideoSocketClient.connect(server.port(),
                "http://127.0.0.1:" + server.port())) {
            assertTrue(sameOrigin.next(10).isText());
        }
    }

    @Test
    void statusMessagesFollowTheCameraThroughACrash() throws Exception {
        try (VideoSocketClient ws = VideoSocketClient.connect(server.port(), null)) {
            assertTrue(ws.next(10).isText());
            Poll.until(Duration.ofSeconds(10), "the camera running", () -> "running".equals(server.camera().get("state")));
            List<ProcessHandle> camera = TestServer.ffmpegProcesses().stream()
                    .filter(p -> p.info().arguments().map(a -> String.join(" ", a).contains("lavfi")).orElse(false))
                    .toList();
            assertEquals(1, camera.size());
            camera.get(0).destroyForcibly();
            List<String> states = new ArrayList<>();
            Poll.until(Duration.ofSeconds(20), "status messages: restarting, then running", () -> {
                try {
                    VideoSocketClient.Message m = ws.next(10);
                    if (m.isText()) {
                        Map<String, Object> json = JSON.std.mapFrom(m.text());
                        if ("status".equals(json.get("type"))) {
                            states.add((String) json.get("state"));
                        }
                    }
                } catch (IOException | InterruptedException e) {
                    throw new AssertionError(e);
                }
                return states.contains("restarting") && states.get(states.size() - 1).equals("running");
            });
        }
    }

    @Test
    void jpegViewersOfAnH264CameraShareOneTranscoder() throws Exception {
        List<MjpegClient> viewers = new ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                viewers.add(MjpegClient.open(server.port(), "/stream.mjpeg"));
            }
            for (MjpegClient viewer : viewers) {
                BufferedImage image = ImageIO.read(new ByteArrayInputStream(viewer.next().body()));
                assertEquals(1280, image.getWidth());
                assertEquals(720, image.getHeight());
            }
            // Transcoded pictures keep the capture time of the camera picture they came from, and get here soon.
            MjpegClient.Part part = null;
            for (int i = 0; i < 60; i++) {
                part = viewers.get(0).next();
            }
            double age = System.currentTimeMillis() / 1000.0 - part.timestamp();
            assertTrue(age > 0 && age < 0.5, "capture to arrival through the transcoder took " + age + " s");
            assertEquals(200, server.get("/snapshot.jpg").statusCode());
            assertEquals(2, TestServer.ffmpegProcesses().size(), "the camera and one transcoder, whatever the viewers");
            @SuppressWarnings("unchecked")
            Map<String, Object> transcoder = (Map<String, Object>) server.status().get("transcoder");
            assertEquals("running", transcoder.get("state"));
            assertEquals("h264", transcoder.get("from"));
            assertEquals("mjpeg", transcoder.get("to"));
        } finally {
            for (MjpegClient viewer : viewers) {
                viewer.close();
            }
        }
    }

    private static int lastWholeBox(byte[] data) {
        int offset = 0;
        while (offset + 8 <= data.length) {
            int size = java.nio.ByteBuffer.wrap(data).getInt(offset);
            if (size < 8 || offset + size > data.length) {
                break;
            }
            offset += size;
        }
        return offset;
    }
}
