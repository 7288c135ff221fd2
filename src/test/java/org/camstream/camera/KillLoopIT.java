package org.camstream.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Poll;
import org.camstream.testing.StreamRecorder;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * The camera is killed 20 times in a row, with MJPEG (through the transcoder), raw H.264 and WebSocket
 * viewers attached. Each viewer must stay connected and get pictures again within 3 s of each kill, and no
 * process may be left over.
 */
class KillLoopIT {

    private static final int KILLS = 20;
    private static final long RECOVERY_NANOS = 3_000_000_000L;

    @Test
    void everyViewerSurvivesTwentyCameraKillsInARow() throws Exception {
        List<Double> recoveries = new ArrayList<>();
        try (TestServer server = TestServer.start("--width", "640", "--height", "360", "--bitrate", "800k");
                StreamRecorder mjpeg = StreamRecorder.multipart(server.port(), "/stream.mjpeg");
                StreamRecorder h264 = StreamRecorder.h264(server.port());
                StreamRecorder ws = StreamRecorder.webSocket(server.port())) {
            List<StreamRecorder> viewers = List.of(mjpeg, h264, ws);
            Poll.until(Duration.ofSeconds(20), "every viewer's first pictures", () -> viewers.stream()
                    .allMatch(v -> v.pictures() > 5));
            long previousPid = -1;
            for (int kill = 1; kill <= KILLS; kill++) {
                long pid = cameraPid(server, previousPid);
                long killedAtMicros = System.currentTimeMillis() * 1000;
                long killedAtNanos = System.nanoTime();
                ProcessHandle.of(pid).orElseThrow().destroyForcibly();
                Poll.until(Duration.ofSeconds(10), "camera " + pid + " to be gone",
                        () -> ProcessHandle.of(pid).map(p -> !p.isAlive()).orElse(true));
                long h264Before = h264.pictures();
                int number = kill;
                Poll.until(Duration.ofSeconds(10), "every viewer to get pictures captured after kill " + number,
                        () -> mjpeg.newestCaptureMicros() > killedAtMicros && ws.newestCaptureMicros() > killedAtMicros
                                && h264.pictures() > h264Before + 3);
                long recovered = System.nanoTime() - killedAtNanos;
                recoveries.add(recovered / 1e9);
                assertTrue(recovered < RECOVERY_NANOS, "kill " + kill + ": pictures again after " + recovered / 1e9
                        + " s (all so far: " + recoveries + ")");
                for (StreamRecorder viewer : viewers) {
                    assertNull(viewer.failure(), viewer.name() + " was disconnected at kill " + kill);
                }
                previousPid = pid;
            }
            Map<String, Object> camera = server.camera();
            assertEquals(KILLS, ((Number) camera.get("restarts")).intValue());
            assertEquals("running", camera.get("state"));
            assertEquals(2, TestServer.ffmpegProcesses().size(), "one camera and one transcoder, nothing left over");
            System.out.println("Recovery after each of " + KILLS + " camera kills (s): " + recoveries);
        }
        Poll.until(Duration.ofSeconds(10), "no ffmpeg after the server stopped",
                () -> TestServer.ffmpegProcesses().isEmpty());
    }

    /** The running camera's process id, once it is another one than {@code previous}. */
    private static long cameraPid(TestServer server, long previous) {
        Map<String, Object> camera = Poll.until(Duration.ofSeconds(10), "a running camera process",
                server::camera, c -> "running".equals(c.get("state")) && c.get("pid") != null
                        && ((Number) c.get("pid")).longValue() != previous);
        return ((Number) camera.get("pid")).longValue();
    }
}
