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
import java.util.ArrayList;
import java.util.Collections;
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
 * restarting with every byte, would never end), each replaced at once when the server closes it. That is more
 * than the 360 connections the server admits, so it is full for as long as the attack lasts; it must still
 * serve the people watching.
 *
 * <ul>
 * <li>a viewer watching since before the attack goes on at the camera's rate;</li>
 * <li>the status requests of a viewer page opened before it (on its keep-alive connection) answer within 2 s
 * throughout;</li>
 * <li>new viewers get their first picture within a second, and then the camera's rate; snapshots on new
 * connections answer within 2 s, every one;</li>
 * <li>once the attack ends the process is alive, a new connection answers at once and the heap never ran out;
 * and with the server calm again, a half-sent request keeps the whole 10 s of the request-head deadline, a
 * silent one the 5 s of connectionTimeout.</li>
 * </ul>
 */
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class SlowlorisIT {

    private static final int ATTACKERS = 600;
    private static final double NEARLY = 0.9;
    private static final int NEW_VIEWERS = 5;
    private static final int SNAPSHOTS = 15;
    private static final Duration VIEWER_GETS_IN = Duration.ofSeconds(1);
    private static final Duration SNAPSHOT_ANSWERS = Duration.ofSeconds(2);
    /** What the server logs when the crowding ends (CamstreamNioEndpoint). */
    private static final String CALM_AGAIN = "connections open again;";

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
                // The first snapshot starts the JPEG encoder; the attack is not to be charged with that.
                assertEquals(200, server.status("/snapshot.jpg", Duration.ofSeconds(10)));

                long attack = System.nanoTime();
                flood.hold(Kind.SILENT, ATTACKERS / 2);
                flood.hold(Kind.DRIP, ATTACKERS / 2);
                // Full: the server has closed, and the flood replaced, as many as it admits.
                Poll.until(Duration.ofSeconds(30), "the attack to fill the server's " + EmbeddedServer.MAX_CONNECTIONS
                        + " connections and keep it full", () -> {
                            flood.checkHealthy();
                            return flood.replaced() >= EmbeddedServer.MAX_CONNECTIONS;
                        });
                System.out.printf("attack: full after %.1f s; %d connected (the server's and its kernel queue's),"
                        + " %d waiting to connect%n", (System.nanoTime() - attack) / 1e9,
                        flood.open(Kind.SILENT) + flood.open(Kind.DRIP),
                        flood.notConnected(Kind.SILENT) + flood.notConnected(Kind.DRIP));

                List<Double> gotIn = new ArrayList<>();
                List<Counter> joined = new ArrayList<>();
                List<MjpegClient> joining = new ArrayList<>();
                try {
                    for (int i = 0; i < NEW_VIEWERS; i++) {
                        long start = System.nanoTime();
                        MjpegClient viewer = MjpegClient.open(port, "/stream.mjpeg");
                        joining.add(viewer);
                        assertEquals(200, viewer.status());
                        viewer.next();
                        gotIn.add((System.nanoTime() - start) / 1e9);
                        joined.add(Counter.start(viewer));
                    }
                    List<Double> snapshots = new ArrayList<>();
                    for (int i = 0; i < SNAPSHOTS; i++) {
                        long start = System.nanoTime();
                        try (MjpegClient snapshot = MjpegClient.open(port, "/snapshot.jpg")) {
                            assertEquals(200, snapshot.status(), "snapshot " + i);
                        }
                        snapshots.add((System.nanoTime() - start) / 1e9);
                    }
                    long seconds = 5;
                    long fromBefore = before.parts();
                    long fromJoined = joined.get(0).parts();
                    double camera = cameraFps(server);
                    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
                    Poll.until(Duration.ofSeconds(seconds + 5), "the measurement", () -> System.nanoTime() > end);
                    double watchingFps = (before.parts() - fromBefore) / (double) seconds;
                    double joinedFps = (joined.get(0).parts() - fromJoined) / (double) seconds;
                    System.out.printf("during the attack: new viewers' first picture after %s s, snapshots"
                            + " answered after %s s; viewers at %.1f and %.1f fps, camera %.1f fps; %d attacking"
                            + " connections replaced%n", seconds(gotIn), seconds(snapshots), watchingFps, joinedFps,
                            camera, flood.replaced());
                    assertTrue(Collections.max(gotIn) <= VIEWER_GETS_IN.toNanos() / 1e9,
                            "new viewers' first picture after " + gotIn + " s");
                    assertTrue(Collections.max(snapshots) <= SNAPSHOT_ANSWERS.toNanos() / 1e9,
                            "snapshots answered after " + snapshots + " s");
                    assertTrue(joinedFps >= NEARLY * camera, "a new viewer at " + joinedFps + " fps, camera " + camera);
                    assertTrue(watchingFps >= NEARLY * camera, "the viewer from before at " + watchingFps + " fps");
                    joined.forEach(Counter::check);
                    before.check();
                    page.check(Duration.ofSeconds(2));
                } finally {
                    for (MjpegClient viewer : joining) {
                        viewer.close();
                    }
                }
                flood.closeAll(Kind.SILENT);
                flood.closeAll(Kind.DRIP);
                flood.checkHealthy();
            }
            assertTrue(server.process().isAlive(), server.log());
            long start = System.nanoTime();
            assertEquals(200, server.status("/api/status", Duration.ofSeconds(2)), "a new connection after it all");
            System.out.printf("a new connection answered in %.0f ms%n", (System.nanoTime() - start) / 1e6);
            assertFalse(server.log().contains("OutOfMemoryError"), server.log());

            // The attack's last connections are gone once the server has seen them close, and says so: its last
            // word on crowding, as a crowd may have come and gone during the attack too.
            long calming = System.nanoTime();
            Poll.until(Duration.ofSeconds(20), "the server to say it is no longer crowded",
                    () -> lastCrowdingLine(server).contains(CALM_AGAIN));
            System.out.printf("calm again %.1f s after the attack ended: %s%n", (System.nanoTime() - calming) / 1e9,
                    lastCrowdingLine(server));
            calmAgainTheDeadlinesAreTheLongOnes(server);
        }
    }

    /** The half second is for a crowded server only: calm, half-sent requests get their whole time. */
    private static void calmAgainTheDeadlinesAreTheLongOnes(WarProcess server) throws Exception {
        try (ConnectionFlood calm = new ConnectionFlood(server.port(), 2000)) {
            long start = System.nanoTime();
            calm.open(Kind.SILENT, 2, null);
            calm.open(Kind.DRIP, 2, null);
            double[] closedAfter = new double[2];
            Poll.until(Duration.ofSeconds(30), "the server to close the dripping connections", () -> {
                calm.checkHealthy();
                if (closedAfter[0] == 0 && calm.closedByServer(Kind.SILENT) == 2) {
                    closedAfter[0] = (System.nanoTime() - start) / 1e9;
                }
                if (closedAfter[1] == 0 && calm.closedByServer(Kind.DRIP) == 2) {
                    closedAfter[1] = (System.nanoTime() - start) / 1e9;
                }
                return closedAfter[0] > 0 && closedAfter[1] > 0;
            });
            System.out.printf("calm: silent connections closed after %.1f s, dripping ones after %.1f s%n",
                    closedAfter[0], closedAfter[1]);
            double connectionTimeout = EmbeddedServer.CONNECTION_TIMEOUT_MILLIS / 1000.0;
            double headDeadline = EmbeddedServer.REQUEST_HEAD_DEADLINE_MILLIS / 1000.0;
            String crowding = String.join("\n", server.log().lines().filter(l -> l.contains(" connections open"))
                    .toList());
            assertTrue(closedAfter[0] >= connectionTimeout - 0.5 && closedAfter[0] < connectionTimeout + 5,
                    "silent ones closed after " + closedAfter[0] + " s; the server said:\n" + crowding);
            assertTrue(closedAfter[1] >= headDeadline - 0.5 && closedAfter[1] < headDeadline + 5,
                    "dripping ones closed after " + closedAfter[1] + " s; the server said:\n" + crowding);
        }
    }

    /** The server's last line on crowding (CamstreamNioEndpoint logs when it starts and when it ends), or "". */
    private static String lastCrowdingLine(WarProcess server) {
        return server.log().lines().filter(l -> l.contains(" connections open")).reduce((a, b) -> b).orElse("");
    }

    private static String seconds(List<Double> values) {
        return values.stream().map(v -> String.format("%.2f", v)).toList().toString();
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
