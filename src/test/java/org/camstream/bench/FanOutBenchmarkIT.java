package org.camstream.bench;

import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
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

    private static final byte[] BOUNDARY = "\r\n--frame\r\n".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] TIMESTAMP = "X-Timestamp: ".getBytes(StandardCharsets.US_ASCII);

    @Test
    void manyViewers() throws Exception {
        int viewers = Integer.getInteger("viewers", 200);
        int seconds = Integer.getInteger("seconds", 20);
        String size = System.getProperty("size", "640x360");
        String codec = System.getProperty("codec", "mjpeg");
        String[] wh = size.split("x");
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD,
                "--max-viewers", Integer.toString(viewers + 10), "--width", wh[0], "--height", wh[1],
                "--codec", codec)) {
            int port = server.port();
            Viewer[] all = new Viewer[viewers];
            Selector selector = Selector.open();
            for (int i = 0; i < viewers; i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                channel.write(ByteBuffer.wrap(("GET /stream.mjpeg HTTP/1.1\r\nHost: x\r\n\r\n")
                        .getBytes(StandardCharsets.US_ASCII)));
                channel.configureBlocking(false);
                all[i] = new Viewer();
                channel.register(selector, SelectionKey.OP_READ, all[i]);
            }
            ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
            long warmupEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            long end = warmupEnd + TimeUnit.SECONDS.toNanos(seconds);
            boolean measuring = false;
            long cameraFramesBefore = 0;
            Map<String, Object> midStatus = null;
            while (System.nanoTime() < end) {
                if (!measuring && System.nanoTime() > warmupEnd) {
                    measuring = true;
                    cameraFramesBefore = server.cameraFrames();
                    for (Viewer v : all) {
                        v.reset();
                    }
                }
                if (measuring && midStatus == null && System.nanoTime() > warmupEnd + (end - warmupEnd) / 2) {
                    midStatus = server.statusDocument();
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    buffer.clear();
                    int n = ((SocketChannel) key.channel()).read(buffer);
                    if (n < 0) {
                        key.cancel();
                        continue;
                    }
                    ((Viewer) key.attachment()).scan(buffer.array(), n, System.currentTimeMillis() / 1000.0);
                }
                selector.selectedKeys().clear();
            }
            long cameraFrames = server.cameraFrames() - cameraFramesBefore;
            double cameraFps = cameraFrames / (double) seconds;
            double[] fps = Arrays.stream(all).mapToDouble(v -> v.parts / (double) seconds).sorted().toArray();
            List<Double> latencies = new ArrayList<>();
            for (Viewer v : all) {
                latencies.addAll(v.latencies);
            }
            latencies.sort(null);
            System.out.printf("%n=== fan-out benchmark: %d MJPEG viewers, %s, camera codec %s, %d s, server -Xmx64m ===%n",
                    viewers, size, codec, seconds);
            System.out.printf("camera: %.1f fps%n", cameraFps);
            System.out.printf("viewer fps: min %.1f, median %.1f, max %.1f (%.0f%% of camera rate at min)%n", fps[0],
                    fps[fps.length / 2], fps[fps.length - 1], 100 * fps[0] / cameraFps);
            System.out.printf("capture-to-client latency: p50 %.1f ms, p99 %.1f ms (parts measured: %d)%n",
                    1000 * latencies.get(latencies.size() / 2), 1000 * latencies.get(latencies.size() * 99 / 100),
                    latencies.size());
            System.out.println("server during the run: " + WarProcess.describe(midStatus));
            System.out.printf("throughput: %.1f MB/s%n", Arrays.stream(all).mapToLong(v -> v.bytes).sum() / 1e6 / seconds);
            selector.close();
        }
    }



    /** Counts parts by their boundary and reads each part's X-Timestamp, without keeping the bytes. */
    private static final class Viewer {
        int parts;
        long bytes;
        int boundaryMatch;
        int timestampMatch = -1;
        int stampMatch;
        final StringBuilder stamp = new StringBuilder();
        final List<Double> latencies = new ArrayList<>();

        void reset() {
            parts = 0;
            bytes = 0;
            latencies.clear();
        }

        void scan(byte[] data, int n, double nowSeconds) {
            bytes += n;
            for (int i = 0; i < n; i++) {
                byte b = data[i];
                boundaryMatch = b == BOUNDARY[boundaryMatch] ? boundaryMatch + 1 : (b == BOUNDARY[0] ? 1 : 0);
                if (boundaryMatch == BOUNDARY.length) {
                    parts++;
                    boundaryMatch = 0;
                }
                if (timestampMatch >= 0) {
                    if (b == '\r') {
                        latencies.add(nowSeconds - Double.parseDouble(stamp.toString()));
                        stamp.setLength(0);
                        timestampMatch = -1;
                    } else {
                        stamp.append((char) b);
                    }
                    continue;
                }
                stampMatch = b == TIMESTAMP[stampMatch] ? stampMatch + 1 : (b == TIMESTAMP[0] ? 1 : 0);
                if (stampMatch == TIMESTAMP.length) {
                    timestampMatch = 0;
                    stampMatch = 0;
                }
            }
        }
    }
}
