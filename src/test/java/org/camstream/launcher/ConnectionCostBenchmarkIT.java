package org.camstream.launcher;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.camstream.launcher.ConnectionFlood.Kind;
import org.camstream.testing.WarProcess.Histogram;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.camstream.testing.WarProcess;

/**
 * What one connection costs in heap, by kind: the server runs from the WAR with the small-board JVM options,
 * N connections of one kind are opened, and the live heap after a full collection is read from
 * {@code jcmd GC.class_histogram}. The cost is the slope over several N, and the classes that grow most are
 * listed per connection. It measures, it does not assert. Run one kind with
 * {@code mvn verify -Dit.test=ConnectionCostBenchmarkIT#mjpeg640 -Dbenchmark=true -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false [-Dsteps=0,100,200,300] [-Dxmx=64m] [-Dbenchmark.war=other.war]}.
 * The numbers behind the connector limits in EmbeddedServer and tomcat-conf/server.xml come from here.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class ConnectionCostBenchmarkIT {

    private static final int SAMPLES = 3;

    /**
     * Half-sent requests that drip a header byte every second, so that connectionTimeout does not close them.
     * camstream's 10 s deadline for a request head does: the steps follow each other quickly enough for the
     * first connections to be measured at every step before it ends them.
     */
    @Test
    void idle() throws Exception {
        try (WarProcess server = server("--width", "640", "--height", "360", "--codec", "mjpeg");
                ConnectionFlood flood = new ConnectionFlood(server.port(), 1000)) {
            measure("half-sent request (dripping)", server, steps("0,100,200,300"),
                    n -> open(flood, Kind.DRIP, n - flood.open(Kind.DRIP), null), () -> flood.open(Kind.DRIP),
                    () -> 1, 1);
        }
    }

    @Test
    void mjpeg640() throws Exception {
        mjpeg("640", "360", "0,50,100,150,200");
    }

    @Test
    void mjpeg1280() throws Exception {
        mjpeg("1280", "720", "0,50,100,150");
    }

    /**
     * MJPEG viewers whose requests are as large as the connector lets them be: as many headers as
     * maxHeaderCount allows, filling maxHttpRequestHeaderSize. Tomcat keeps every header parsed while the
     * stream lasts, so this is the dearest connection an attacker can hold.
     */
    @Test
    void mjpegLargestRequest() throws Exception {
        int headers = Integer.getInteger("headers", EmbeddedServer.MAX_HEADER_COUNT - 1);
        int bytes = Integer.getInteger("headerBytes", EmbeddedServer.MAX_REQUEST_HEADER_BYTES - 64);
        StringBuilder request = new StringBuilder("GET /stream.mjpeg HTTP/1.1\r\nHost: x\r\n");
        int valueLength = Math.max(1, (bytes - request.length()) / headers - 8);
        for (int i = 0; i < headers - 1; i++) {
            request.append(String.format("X-%02d: ", i)).append("v".repeat(valueLength)).append("\r\n");
        }
        request.append("\r\n");
        System.out.printf("request of %d bytes with %d headers%n", request.length(), headers);
        try (WarProcess server = server("--width", "640", "--height", "360", "--codec", "mjpeg");
                ConnectionFlood flood = new ConnectionFlood(server.port(), 0)) {
            warmUp(server, flood);
            measure("MJPEG viewer with the largest request, 640x360", server, steps("0,50,100,150,200"),
                    n -> {
                        int more = n + 1 - flood.open(Kind.READER);
                        flood.openRaw(Kind.READER, more, request.toString());
                        Poll.until(Duration.ofSeconds(30), "the viewers", () -> flood.open(Kind.READER) >= n + 1);
                    }, () -> flood.open(Kind.READER) - 1,
                    () -> flood.minBytesRead(Kind.READER));
        }
    }

    /**
     * What a flood of viewers leaves behind once they have gone: Tomcat keeps idle processors, each with its
     * request's buffers, for reuse (processorCache).
     */
    @Test
    void afterAFlood() throws Exception {
        int viewers = Integer.getInteger("viewers", 250);
        try (WarProcess server = server("--width", "640", "--height", "360", "--codec", "mjpeg");
                ConnectionFlood watching = new ConnectionFlood(server.port(), 0);
                ConnectionFlood flood = new ConnectionFlood(server.port(), 0)) {
            warmUp(server, watching);
            long before = median(server);
            open(flood, Kind.READER, viewers, "/stream.mjpeg");
            long during = median(server);
            flood.closeAll(Kind.READER);
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
            Poll.until(Duration.ofSeconds(10), "the server to see them go", () -> System.nanoTime() > settle);
            long after = median(server);
            System.out.printf("%n=== after a flood (server %s) ===%nlive heap: %.2f MB before, %.2f MB with %d more"
                    + " viewers, %.2f MB once they left: %.2f MB kept%n", jvmOptions(), before / 1e6, during / 1e6,
                    viewers, after / 1e6, (after - before) / 1e6);
        }
    }

    /** MJPEG viewers that read nothing, in the 10 s before camstream closes them. */
    @Test
    void stalled() throws Exception {
        String[] size = System.getProperty("size", "1280x720").split("x");
        try (WarProcess server = server("--width", size[0], "--height", size[1], "--codec", "mjpeg");
                ConnectionFlood flood = new ConnectionFlood(server.port(), 0)) {
            warmUp(server, flood);
            List<int[]> steps = steps("0,50,100");
            System.out.printf("%n=== stalled MJPEG viewers, %sx%s ===%n", size[0], size[1]);
            long base = -1;
            int opened = 0;
            for (int[] step : steps) {
                opened += open(flood, Kind.STALLED, step[0] - opened, "/stream.mjpeg");
                long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
                Poll.until(Duration.ofSeconds(5), "the stalled viewers' buffers to fill",
                        () -> System.nanoTime() > deadline);
                long live = median(server);
                base = base < 0 ? live : base;
                System.out.printf("%4d stalled: live heap %.2f MB, %s B per stalled viewer%n", step[0], live / 1e6,
                        step[0] == 0 ? "-" : Long.toString((live - base) / step[0]));
                if (step[0] > 0) {
                    break; // camstream closes them after 10 s: one step is all there is time for
                }
            }
        }
    }

    @Test
    void webSocket() throws Exception {
        try (WarProcess server = server("--width", "1280", "--height", "720")) {
            HttpClient http = HttpClient.newHttpClient();
            List<WebSocket> sockets = new ArrayList<>();
            List<AtomicLong> received = new ArrayList<>();
            // One viewer first, so that the camera and its caches are part of the baseline.
            WebSocket first = http.newWebSocketBuilder().buildAsync(
                    URI.create("ws://127.0.0.1:" + server.port() + "/ws/video"), new WebSocket.Listener() {
                    }).get(20, TimeUnit.SECONDS);
            Poll.until(Duration.ofSeconds(30), "the camera to run",
                    () -> ((Number) camera(server).get("frames")).longValue() > 60);
            measure("WebSocket viewer of /ws/video, 1280x720 H.264", server, steps("0,50,100,150,200"), n -> {
                while (sockets.size() < n) {
                    AtomicLong bytes = new AtomicLong();
                    sockets.add(http.newWebSocketBuilder().buildAsync(
                            URI.create("ws://127.0.0.1:" + server.port() + "/ws/video"), new WebSocket.Listener() {
                                @Override
                                public CompletionStage<?> onBinary(WebSocket ws, ByteBuffer data, boolean last) {
                                    bytes.addAndGet(data.remaining());
                                    ws.request(1);
                                    return null;
                                }
                            }).get(20, TimeUnit.SECONDS));
                    received.add(bytes);
                }
            }, sockets::size, () -> received.stream().mapToLong(AtomicLong::get).min().orElse(1));
            sockets.forEach(WebSocket::abort);
            first.abort();
        }
    }

    private void mjpeg(String width, String height, String defaultSteps) throws Exception {
        try (WarProcess server = server("--width", width, "--height", height, "--codec", "mjpeg");
                ConnectionFlood flood = new ConnectionFlood(server.port(), 0)) {
            warmUp(server, flood);
            measure("MJPEG viewer, " + width + "x" + height, server, steps(defaultSteps),
                    n -> open(flood, Kind.READER, n + 1 - flood.open(Kind.READER), "/stream.mjpeg"),
                    () -> flood.open(Kind.READER) - 1,
                    () -> flood.minBytesRead(Kind.READER));
        }
    }

    /** One viewer before the first measurement, so that the camera and its caches are part of the baseline. */
    private static void warmUp(WarProcess server, ConnectionFlood flood) throws Exception {
        open(flood, Kind.READER, 1, "/stream.mjpeg");
        Poll.until(Duration.ofSeconds(30), "the camera to run", () -> flood.minBytesRead(Kind.READER) > 500_000);
    }

    /** Opens {@code n} more connections of a kind and waits until they are all established. */
    private static int open(ConnectionFlood flood, Kind kind, int n, String path) {
        int target = flood.open(kind) + n;
        try {
            flood.open(kind, n, path);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        Poll.until(Duration.ofSeconds(30), n + " more " + kind + " connections", () -> flood.open(kind) >= target);
        return n;
    }

    /** Brings the connections of the kind measured to {@code count}. */
    interface Opener {
        void openTo(int count) throws Exception;
    }

    /**
     * Brings the connections to each step's count, waits until every one has received something new (for kinds
     * that receive), and reads the live heap; prints the slope and the classes that grew.
     */
    private static void measure(String what, WarProcess server, List<int[]> steps, Opener opener,
            java.util.function.IntSupplier openNow, LongSupplier leastReceived) throws Exception {
        measure(what, server, steps, opener, openNow, leastReceived, 3);
    }

    private static void measure(String what, WarProcess server, List<int[]> steps, Opener opener,
            java.util.function.IntSupplier openNow, LongSupplier leastReceived, int settleSeconds) throws Exception {
        System.out.printf("%n=== heap per connection: %s (server %s) ===%n", what, jvmOptions());
        List<long[]> points = new ArrayList<>();
        Histogram first = null;
        Histogram last = null;
        for (int[] step : steps) {
            opener.openTo(step[0]);
            long before = leastReceived.getAsLong();
            long settle = System.nanoTime() + TimeUnit.SECONDS.toNanos(settleSeconds);
            Poll.until(Duration.ofSeconds(30), "every connection to be open and receiving (the least received)",
                    leastReceived::getAsLong, least -> System.nanoTime() > settle && (before == 1 || least > before));
            if (!server.process().isAlive()) {
                throw new AssertionError("the server died at " + step[0] + " connections:\n" + server.log());
            }
            Histogram h = null;
            long[] totals = new long[SAMPLES];
            for (int i = 0; i < SAMPLES; i++) {
                h = server.histogram();
                totals[i] = h.total();
            }
            Arrays.sort(totals);
            long live = totals[SAMPLES / 2];
            int open = openNow.getAsInt();
            points.add(new long[] {open, live});
            first = first == null ? h : first;
            last = h;
            long[] wrappers = h.classes().get("org.apache.tomcat.util.net.NioEndpoint$NioSocketWrapper");
            System.out.printf("%4d open (of %d asked; the server has %d): live heap after GC %.2f MB%n", open,
                    step[0], wrappers == null ? 0 : wrappers[0], live / 1e6);
        }
        double slope = slope(points);
        System.out.printf("slope: %.0f bytes per connection%n", slope);
        long n = points.get(points.size() - 1)[0] - points.get(0)[0];
        if (n > 0) {
            Histogram a = first;
            Histogram b = last;
            System.out.println("largest growth per connection (first to last step):");
            b.classes().entrySet().stream()
                    .map(e -> Map.entry(e.getKey(), e.getValue()[1] - a.bytes(e.getKey())))
                    .sorted(Comparator.comparingLong(e -> -e.getValue()))
                    .limit(Integer.getInteger("top", 15))
                    .forEach(e -> System.out.printf("  %8.0f B  %s%n", e.getValue() / (double) n, e.getKey()));
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> camera(WarProcess server) {
        try {
            return (Map<String, Object>) com.fasterxml.jackson.jr.ob.JSON.std.mapFrom(server.get("/api/status"))
                    .get("camera");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static long median(WarProcess server) throws Exception {
        long[] totals = new long[SAMPLES];
        for (int i = 0; i < SAMPLES; i++) {
            totals[i] = server.histogram().total();
        }
        Arrays.sort(totals);
        return totals[SAMPLES / 2];
    }

    /** Least-squares slope of live heap over open connections. */
    private static double slope(List<long[]> points) {
        double mx = points.stream().mapToDouble(p -> p[0]).average().orElse(0);
        double my = points.stream().mapToDouble(p -> p[1]).average().orElse(0);
        double num = 0;
        double den = 0;
        for (long[] p : points) {
            num += (p[0] - mx) * (p[1] - my);
            den += (p[0] - mx) * (p[0] - mx);
        }
        return den == 0 ? Double.NaN : num / den;
    }

    private static List<int[]> steps(String defaults) {
        return Arrays.stream(System.getProperty("steps", defaults).split(","))
                .map(s -> new int[] {Integer.parseInt(s.trim())}).toList();
    }

    private static List<String> jvmOptions() {
        return List.of("-Xmx" + System.getProperty("xmx", "64m"), "-XX:+UseSerialGC", "-Xss256k");
    }

    /** A server whose max-viewers (100 by default) lets every step's viewers in. */
    private static WarProcess server(String... settings) throws Exception {
        List<String> all = new ArrayList<>(List.of("--max-viewers", "400"));
        all.addAll(List.of(settings));
        return WarProcess.start(jvmOptions(), all.toArray(String[]::new));
    }
}
