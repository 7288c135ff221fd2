package org.camstream.camera.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.SpsParser;
import org.camstream.testing.FakeRpicam;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The rpicam source against a fake rpicam-vid (src/test/fake-bin, first on the PATH in these tests): the fake
 * checks the command line as the real one would take it and writes ffmpeg-made H.264 or MJPEG.
 */
class RpicamBackendIT {

    @RegisterExtension
    final FakeRpicam rpicam = new FakeRpicam();
    private final Path control = rpicam.control();

    @Test
    void h264FromRpicamVidWithTheDocumentedCommandLine() throws Exception {
        try (TestServer server = TestServer.start("--source", "rpicam", "--width", "640", "--height", "480",
                "--fps", "30", "--bitrate", "1M", "--keyframe-interval", "15", "--camera", "1")) {
            try (MjpegClient h264 = MjpegClient.open(server.port(), "/stream.h264")) {
                List<NalUnit> nals = readNals(h264, 6).stream().filter(n -> n.type() != NalUnit.SEI).toList();
                assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR),
                        nals.subList(0, 3).stream().map(NalUnit::type).toList());
                var sps = SpsParser.parse(nals.get(0));
                assertEquals(640, sps.width());
                assertEquals(480, sps.height());
            }
            List<String> call = calls().get(0);
            assertTrue(call.get(0).endsWith("rpicam-vid"), call.toString());
            // This machine has no bcm2835 codec device, like a Raspberry Pi 5: libav encodes in software.
            assertEquals(List.of("-t", "0", "-n", "--codec", "h264", "--inline", "--flush", "--width", "640",
                    "--height", "480", "--framerate", "30", "--intra", "15", "--bitrate", "1000000", "--camera", "1",
                    "--libav-format", "h264", "--low-latency", "-o", "-"), call.subList(1, call.size()));
            @SuppressWarnings("unchecked")
            List<String> notes = (List<String>) server.camera().get("notes");
            assertTrue(notes.stream().anyMatch(n -> n.contains("no hardware H.264 encoder")), notes.toString());
        }
    }

    @Test
    void mjpegWithRotationAndFlipsAndARestartAfterTheCameraExits() throws Exception {
        Files.writeString(control.resolve("exit-after"), "45"); // 1.5 s of frames, then the "camera" ends
        try (TestServer server = TestServer.start("--source", "rpicam", "--codec", "mjpeg", "--width", "320",
                "--height", "240", "--jpeg-quality", "90", "--rotation", "180", "--vflip");
                MjpegClient viewer = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(viewer.next().body()));
            assertEquals(320, image.getWidth());
            assertEquals(240, image.getHeight());
            List<String> first = calls().get(0);
            assertEquals(List.of("--quality", "90", "--camera", "0", "--rotation", "180", "--vflip", "-o", "-"),
                    first.subList(first.size() - 9, first.size()));

            // The fake ends after 45 frames; the supervisor starts it again and the same viewer goes on.
            int received = 0;
            while (calls().size() < 3) {
                viewer.next();
                received++;
            }
            assertTrue(received > 45, "frames kept coming across restarts: " + received);
            assertTrue(((Number) server.camera().get("restarts")).intValue() >= 2);
        }
    }

    @Test
    void aCameraHeldByAnotherProcessIsAClearErrorNotARestartStorm() throws Exception {
        Files.writeString(control.resolve("busy"), "");
        try (TestServer server = TestServer.start("--source", "rpicam", "--width", "320", "--height", "240")) {
            assertEquals(503, server.get("/snapshot.jpg").statusCode());
            Map<String, Object> camera = Poll.until(Duration.ofSeconds(10), "the camera to report the busy camera",
                    server::camera, c -> c.get("lastError") != null);
            assertTrue(String.valueOf(camera.get("lastError")).contains("in use by another process"),
                    String.valueOf(camera.get("lastError")));
            assertEquals("restarting", camera.get("state"));
            long seen = System.nanoTime();
            Poll.until(Duration.ofSeconds(10), "a few quiet seconds",
                    () -> System.nanoTime() - seen > Duration.ofSeconds(4).toNanos());
            assertEquals(1, calls().size(), "it waits the longest backoff (30 s) instead of retrying every second");
        }
    }

    private List<List<String>> calls() {
        try {
            Path log = control.resolve("calls.log");
            if (!Files.exists(log)) {
                return List.of();
            }
            List<List<String>> calls = new ArrayList<>();
            for (String line : Files.readAllLines(log, StandardCharsets.UTF_8)) {
                calls.add(List.of(line.split("\t")));
            }
            return calls;
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static List<NalUnit> readNals(MjpegClient client, int count) throws IOException {
        List<NalUnit> nals = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(nals::add);
        byte[] buffer = new byte[16 * 1024];
        while (nals.size() < count) {
            int n = client.body().read(buffer);
            if (n < 0) {
                throw new IOException("stream ended");
            }
            reader.feed(buffer, 0, n);
        }
        return nals;
    }
}
