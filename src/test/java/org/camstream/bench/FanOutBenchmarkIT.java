package org.camstream.bench;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.camstream.testing.WarProcess;

/**
 * The fan-out benchmark: many MJPEG viewers on one server started from the WAR with a 64 MB heap.
 * It measures, it does not assert tight numbers. Run it with
 * {@code mvn verify -Dit.test=FanOutBenchmarkIT -Dbenchmark=true [-Dviewers=200] [-Dseconds=20] [-Dsize=640x360]
 * [-Dcodec=mjpeg]}. With {@code -Dcodec=h264} the JPEG pictures come through the shared transcoder, and the
 * latency includes decoding and re-encoding.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class FanOutBenchmarkIT {

    @Test
    void manyViewers() throws Exception {
        int viewers = Integer.getInteger("viewers", 200);
        int seconds = Integer.getInteger("seconds", 20);
        String size = System.getProperty("size", "640x360");
        String codec = System.getProperty("codec", "mjpeg");
        String[] wh = size.split("x");
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD,
                "--max-viewers", Integer.toString(viewers + 10), "--width", wh[0], "--height", wh[1],
                "--codec", codec);
                HttpLoad load = HttpLoad.start(server.port(), "/stream.mjpeg", viewers, HttpLoad.Kind.MULTIPART)) {
            HttpLoad.pass(3); // warm-up
            long cameraFramesBefore = server.cameraFrames();
            load.startMeasuring();
            HttpLoad.pass(seconds / 2);
            Map<String, Object> midStatus = server.statusDocument();
            HttpLoad.pass(seconds - seconds / 2);
            HttpLoad.Result result = load.stopMeasuring(seconds);
            double cameraFps = (server.cameraFrames() - cameraFramesBefore) / (double) seconds;
            System.out.printf("%n=== fan-out benchmark: %d MJPEG viewers, %s, camera codec %s, %d s, server -Xmx64m ===%n",
                    viewers, size, codec, seconds);
            System.out.printf("camera: %.1f fps%n", cameraFps);
            System.out.printf("viewer fps: min %.1f, median %.1f (%.0f%% of camera rate at min)%n", result.slowestFps(),
                    result.medianFps(), 100 * result.slowestFps() / cameraFps);
            System.out.printf("capture-to-client latency: p50 %.1f ms, p99 %.1f ms (parts measured: %d)%n",
                    result.latencyMillis(50), result.latencyMillis(99), result.latencies().length);
            System.out.println("server during the run: " + WarProcess.describe(midStatus));
            System.out.printf("throughput: %.1f MB/s%n", result.bytes() / 1e6 / seconds);
        }
    }

}
