package org.camstream.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.camstream.testing.WarProcess;

/**
 * The WebSocket fan-out benchmark: many MSE-style viewers of the fMP4 stream on one server started from the
 * WAR with a 64 MB heap. Latency is from each fragment's prft capture time to its arrival. Run it with
 * {@code mvn verify -Dit.test=WebSocketFanOutBenchmarkIT -Dbenchmark=true [-Dviewers=100] [-Dseconds=20]}.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class WebSocketFanOutBenchmarkIT {

    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    @Test
    void manyWebSocketViewers() throws Exception {
        int viewers = Integer.getInteger("viewers", 100);
        int seconds = Integer.getInteger("seconds", 20);
        String size = System.getProperty("size", "1280x720");
        String[] wh = size.split("x");
        List<Viewer> all = new ArrayList<>();
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD,
                "--max-viewers", Integer.toString(viewers + 10), "--width", wh[0], "--height", wh[1])) {
            int port = server.port();
            HttpClient http = HttpClient.newHttpClient();
            for (int i = 0; i < viewers; i++) {
                Viewer viewer = new Viewer();
                http.newWebSocketBuilder().buildAsync(URI.create("ws://127.0.0.1:" + port + "/ws/video"), viewer)
                        .get(20, TimeUnit.SECONDS);
                all.add(viewer);
            }
            Poll.until(Duration.ofSeconds(30), "every viewer's first fragment",
                    () -> all.stream().allMatch(v -> v.fragments > 0));
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            Poll.until(Duration.ofSeconds(10), "warm-up", () -> System.nanoTime() > end);
            all.forEach(Viewer::startMeasuring);
            long measureEnd = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            Map<String, Object>[] mid = new Map[1];
            Poll.until(Duration.ofSeconds(seconds + 10), "the measurement", () -> {
                if (mid[0] == null && System.nanoTime() > measureEnd - TimeUnit.SECONDS.toNanos(seconds / 2)) {
                    mid[0] = server.statusDocument();
                }
                return System.nanoTime() > measureEnd;
            });
            all.forEach(Viewer::stopMeasuring);
            double[] fps = all.stream().mapToDouble(v -> v.measured / (double) seconds).sorted().toArray();
            List<Double> latencies = new ArrayList<>();
            all.forEach(v -> latencies.addAll(v.latencies));
            latencies.sort(null);
            System.out.printf("%n=== WebSocket fan-out benchmark: %d viewers, %s H.264, %d s, server -Xmx64m ===%n",
                    viewers, size, seconds);
            System.out.printf("fragments per viewer per second: min %.1f, median %.1f%n", fps[0], fps[fps.length / 2]);
            System.out.printf("capture-to-client latency: p50 %.1f ms, p99 %.1f ms (%d fragments)%n",
                    latencies.get(latencies.size() / 2), latencies.get(latencies.size() * 99 / 100), latencies.size());
            System.out.println("server: " + WarProcess.describe(mid[0]));
        } finally {
            for (Viewer v : all) {
                v.socket.abort();
            }
        }
    }

    /** Counts fragments and reads their prft capture time; keeps no media. */
    private static final class Viewer implements WebSocket.Listener {
        volatile WebSocket socket;
        volatile int fragments;
        volatile int measured;
        final AtomicBoolean measuring = new AtomicBoolean();
        final List<Double> latencies = new ArrayList<>();
        private ByteBuffer partial;

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
            if (partial == null) {
                partial = ByteBuffer.allocate(Math.max(64, data.remaining()));
            }
            if (partial.position() < 32) {
                ByteBuffer head = data.duplicate();
                head.limit(Math.min(head.limit(), head.position() + 32 - partial.position()));
                if (partial.remaining() < head.remaining()) {
                    partial = ByteBuffer.allocate(64).put(partial.flip());
                }
                partial.put(head);
            }
            if (last) {
                ByteBuffer b = partial.flip();
                if (b.remaining() >= 32 && b.getInt(4) == 0x70726674) { // 'prft'
                    fragments++;
                    if (measuring.get()) {
                        measured++;
                        long seconds = b.getInt(16) & 0xFFFFFFFFL;
                        long fraction = b.getInt(20) & 0xFFFFFFFFL;
                        double captureMs = (seconds - NTP_UNIX_OFFSET_SECONDS) * 1000.0 + fraction * 1000.0 / 4294967296.0;
                        latencies.add(System.currentTimeMillis() - captureMs);
                    }
                }
                partial = null;
            }
            webSocket.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            webSocket.request(1);
            return null;
        }

        void startMeasuring() {
            measuring.set(true);
        }

        void stopMeasuring() {
            measuring.set(false);
        }
    }
}
