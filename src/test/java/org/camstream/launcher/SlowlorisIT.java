package org.camstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.camstream.launcher.ConnectionFlood.Kind;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.camstream.testing.WarProcess;

/**
 * A slowloris attack on the server of {@code java -jar}, sized as on a small board: 600 connections that send
 * half a request, half of them nothing more, half a header byte every 2 s (which Tomcat's connectionTimeout,
 * restarting with every byte, would never end). That is more than the 400 connections the server admits, so it
 * is full; it must still serve the people watching.
 *
 * <ul>
 * <li>a viewer watching since before the attack goes on at the camera's rate;</li>
 * <li>the status requests of a viewer page opened before it (on its keep-alive connection) answer within 2 s
 * throughout;</li>
 * <li>a new viewer gets in as soon as the silent connections' 5 s are up or the dripping ones' 10 s deadline
 * for the whole request head passes, and then gets the camera's rate;</li>
 * <li>every attacking connection is closed by the server, the process is alive, its acceptor takes new
 * connections at once, and the heap never ran out.</li>
 * </ul>
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SlowlorisIT {

    private static final int ATTACKERS = 600;
    private static final double NEARLY = 0.9;

    @Test
    void halfSentRequestsDoNotStarveViewers() throws Exception {
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD, "--width", "640", "--height", "360",
                "--codec", "mjpeg", "--fps", "30");
                ConnectionFlood flood = new ConnectionFlood(server.port(), 2000)) {
            int port = server.port();
            try (MjpegClient watching = MjpegClient.open(port, "/stream.mjpeg");
                    StatusPoller page = new StatusPoller(port)) {
                assertEquals(200, watching.status());
                Counter before = Counter.start(watching);
                Poll.until(Duration.ofSeconds(20), "the camera to run at its rate", () -> cameraFps(server) > 25);

                long attack = System.nanoTime();
                flood.open(Kind.SILENT, ATTACKERS / 2, null);
                flood.open(Kind.DRIP, ATTACKERS / 2, null);
                Poll.until(Duration.ofSeconds(30), "the attack to fill the server's " + EmbeddedServer.MAX_CONNECTIONS
                        + " connections", () -> flood.open(Kind.SILENT) + flood.open(Kind.DRIP)
                        >= EmbeddedServer.MAX_CONNECTIONS);
                System.out.printf("attack: %d connected (the server's and its kernel queue's), %d waiting%n",
                        flood.open(Kind.SILENT) + flood.open(Kind.DRIP),
                        flood.notConnected(Kind.SILENT) + flood.notConnected(Kind.DRIP));

                // A new viewer, while the attackers are open: it waits for a slot, then streams.
                MjpegClient joining = Poll.until(Duration.ofSeconds(60), "a new viewer to get in", () -> {
                    try {
                        return MjpegClient.open(port, "/stream.mjpeg");
                    } catch (IOException e) {
                        return null; // the kernel's queue was full and the connect timed out: try again
                    }
                }, client -> client != null && client.status() == 200);
                double joinedAfter = (System.nanoTime() - attack) / 1e9;
                try (joining) {
                    Counter joined = Counter.start(joining);
                    long seconds = 5;
                    long fromBefore = before.parts();
                    long fromJoined = joined.parts();
                    double camera = cameraFps(server);
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                    Poll.until(Duration.ofSeconds(seconds + 5), "the measurement", () -> System.nanoTime() > end);
                    double watchingFps = (before.parts() - fromBefore) / (double) seconds;
                    double joinedFps = (joined.parts() - fromJoined) / (double) seconds;
                    System.out.printf("new viewer in after %.1f s; viewers at %.1f and %.1f fps, camera %.1f fps,"
                            + " attackers still open: %d%n", joinedAfter, watchingFps, joinedFps, camera,
                            flood.open(Kind.SILENT) + flood.open(Kind.DRIP));
                    assertTrue(joinedFps >= NEARLY * camera, "the new viewer at " + joinedFps + " fps, camera " + camera);
                    assertTrue(watchingFps >= NEARLY * camera, "the viewer from before at " + watchingFps + " fps");
                    assertTrue(joinedAfter < (EmbeddedServer.REQUEST_HEAD_DEADLINE_MILLIS / 1000.0) + 20,
                            "the new viewer waited " + joinedAfter + " s");
                    joined.check();
                }

                // Every attacker is closed in the end, the dripping ones too, by the request-head deadline.
                Poll.until(Duration.ofSeconds(120), "the server to close every attacking connection", () -> {
                    flood.checkHealthy();
                    return flood.closedByServer(Kind.SILENT) == ATTACKERS / 2
                            && flood.closedByServer(Kind.DRIP) == ATTACKERS / 2;
                });
                System.out.printf("every attacker closed %.1f s after the attack began%n",
                        (System.nanoTime() - attack) / 1e9);
                before.check();
                page.check(Duration.ofSeconds(2));
            }
            assertTrue(server.process().isAlive(), server.log());
            long start = System.nanoTime();
            assertEquals(200, server.status("/api/status", Duration.ofSeconds(2)), "a new connection after it all");
            System.out.printf("a new connection answered in %.0f ms%n", (System.nanoTime() - start) / 1e6);
            assertFalse(server.log().contains("OutOfMemoryError"), server.log());
        }
    }

    private static double cameraFps(WarProcess server) {
        try {
            Map<String, Object> status = JSON.std.mapFrom(server.get("/api/status"));
            return ((Number) ((Map<?, ?>) status.get("camera")).get("measuredFps")).doubleValue();
        } catch (IOException e) {
            return 0;
        }
    }

    /** Reads an MJPEG stream's parts on a thread of its own, counting them. */
    private static final class Counter {
        private final AtomicLong parts = new AtomicLong();
        private volatile Throwable failure;
        private final AtomicBoolean running = new AtomicBoolean(true);

        static Counter start(MjpegClient client) {
            Counter counter = new Counter();
            Thread thread = new Thread(() -> {
                try {
                    while (counter.running.get()) {
                        client.next();
                        counter.parts.incrementAndGet();
                    }
                } catch (IOException | RuntimeException e) {
                    if (counter.running.get() && !client.socket().isClosed()) {
                        counter.failure = e;
                    }
                }
            }, "mjpeg-counter");
            thread.setDaemon(true);
            thread.start();
            return counter;
        }

        long parts() {
            return parts.get();
        }

        /** The stream went on without a broken part or an early end. */
        void check() {
            if (failure != null) {
                throw new AssertionError("the stream broke", failure);
            }
        }
    }

    /**
     * A viewer page's status requests, every 500 ms on one keep-alive connection opened before the attack, as
     * the page's own script makes them.
     */
    private static final class StatusPoller implements AutoCloseable {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final List<String> failures = new CopyOnWriteArrayList<>();
        private final AtomicLong slowestNanos = new AtomicLong();
        private final AtomicInteger answered = new AtomicInteger();
        private final ScheduledExecutorService pace = Executors.newSingleThreadScheduledExecutor();

        StatusPoller(int port) {
            HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/status"))
                    .timeout(Duration.ofSeconds(5)).build();
            pace.scheduleWithFixedDelay(() -> {
                long start = System.nanoTime();
                try {
                    int status = http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
                    if (status != 200) {
                        failures.add("status " + status);
                    }
                    answered.incrementAndGet();
                } catch (IOException e) {
                    failures.add(e.toString());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
                slowestNanos.accumulateAndGet(System.nanoTime() - start, Math::max);
            }, 0, 500, TimeUnit.MILLISECONDS);
            Poll.until(Duration.ofSeconds(10), "the first status answer", () -> answered.get() > 0);
        }

        void check(Duration limit) {
            System.out.printf("status: %d answers, slowest %.0f ms%n", answered.get(), slowestNanos.get() / 1e6);
            assertEquals(List.of(), failures, "status requests failed");
            assertTrue(slowestNanos.get() < limit.toNanos(), "the slowest status answer took "
                    + slowestNanos.get() / 1e6 + " ms");
        }

        @Override
        public void close() throws InterruptedException {
            pace.shutdownNow();
            pace.awaitTermination(10, TimeUnit.SECONDS);
        }
    }
}
