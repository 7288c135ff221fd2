package org.camstream.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.Fixtures;
import org.camstream.testing.LogCapture;
import org.camstream.testing.Poll;
import org.camstream.testing.StreamRecorder;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A damaged camera stream makes ffmpeg print an error for nearly every picture. The server log gets a few of
 * them a minute, with a count, labelled with the process that printed them; the status keeps the recent ones;
 * and the pictures that can be decoded still reach the viewers.
 */
class LogFloodIT {

    @TempDir
    Path dir;

    @Test
    void aDamagedStreamFillsNeitherTheLogNorTheHeap() throws Exception {
        Path damaged = dir.resolve("damaged.h264");
        Files.write(damaged, damageEverySlice(Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE))));
        try (LogCapture log = new LogCapture();
                TestServer server = TestServer.start("--source", "ffmpeg", "--input", damaged.toString(),
                        "--width", "640", "--height", "360");
                StreamRecorder mjpeg = StreamRecorder.multipart(server.port(), "/stream.mjpeg")) {
            // The camera copies the damaged pictures; the transcoder, which decodes them for MJPEG, complains.
            Map<String, Object> transcoder = Poll.until(Duration.ofSeconds(30), "the transcoder's complaints",
                    () -> section(server, "transcoder"), t -> ((Number) t.get("logLines")).longValue() >= 150);
            assertTrue(((List<?>) transcoder.get("recentLog")).stream().anyMatch(l -> String.valueOf(l).contains("h264")),
                    "ffmpeg's decoder errors: " + transcoder.get("recentLog"));
            assertTrue(mjpeg.pictures() > 10, "decodable pictures still reach the viewer");

            List<String> logged = log.lines().stream()
                    .filter(l -> l.startsWith("org.camstream.process ")).toList();
            assertTrue(logged.stream().anyMatch(l -> l.contains("transcoder: ")), "labelled with its process: " + logged);
            assertTrue(logged.size() <= 30, logged.size() + " lines logged within a minute: " + logged);
            assertEquals(List.of(), log.lines().stream().filter(l -> l.startsWith("com.github.kokorin")).toList(),
                    "jaffree logs nothing of its own");
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> section(TestServer server, String name) {
        return (Map<String, Object>) server.status().get(name);
    }

    /** The recording with one bit flipped in the middle of every slice: every picture decodes with errors. */
    static byte[] damageEverySlice(byte[] annexB) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(annexB.length + 1024);
        AnnexBReader reader = new AnnexBReader(nal -> {
            byte[] bytes = new byte[nal.size()];
            nal.copyTo(bytes, 0);
            if (nal.type() == NalUnit.SLICE || nal.type() == NalUnit.IDR) {
                bytes[bytes.length / 2] ^= 0x10;
            }
            out.writeBytes(new byte[] {0, 0, 0, 1});
            out.writeBytes(bytes);
        });
        reader.feed(annexB, 0, annexB.length);
        reader.flush();
        return out.toByteArray();
    }
}
