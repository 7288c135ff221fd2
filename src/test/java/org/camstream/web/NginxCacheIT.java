package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.camstream.testing.LlHlsClient;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Nginx;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.camstream.testing.VideoSocketClient;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * camstream behind Debian's nginx with the shipped {@code tomcat-conf/nginx-camstream.conf}: 200 LL-HLS clients
 * cost camstream about one request per part and playlist version, and every client gets every part; MJPEG and
 * the WebSocket pass through unbuffered.
 */
class NginxCacheIT {

    private static final int CLIENTS = Integer.getInteger("nginx.clients", 200);
    private static final int SECONDS = 20;

    private static TestServer server;
    private static Nginx nginx;

    @BeforeAll
    static void start() throws Exception {
        server = TestServer.start();
        nginx = Nginx.start(server.port());
    }

    @AfterAll
    static void stop() {
        // The integration tests share one JVM, and some read its heap figure: leave it as it was found, not
        // with the garbage of 25,000 responses.
        System.gc();
        if (nginx != null) {
            nginx.close();
        }
        if (server != null) {
            server.close();
        }
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> hls() {
        return (Map<String, Object>) server.status().get("hls");
    }

    private static long number(Map<String, Object> map, String... path) {
        Object value = map;
        for (String key : path) {
            value = ((Map<String, Object>) value).get(key);
        }
        return ((Number) value).longValue();
    }

    @Test
    void twoHundredLowLatencyClientsCostCamstreamAboutOneRequestPerPartAndPlaylistVersion() throws Exception {
        URI base = URI.create("http://127.0.0.1:" + nginx.port() + "/hls/");
        HttpClient warm = HttpClient.newHttpClient();
        HttpResponse<String> first = warm.send(java.net.http.HttpRequest.newBuilder(base.resolve("index.m3u8")).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, first.statusCode(), first.body() + nginx.log());

        ExecutorService threads = Executors.newFixedThreadPool(4);
        // One HttpClient has one selector thread for all its connections; 200 clients' 400 connections would
        // make that thread the bottleneck of the test, so they share a few.
        List<HttpClient> https = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            https.add(HttpClient.newBuilder().executor(threads).connectTimeout(Duration.ofSeconds(5)).build());
        }
        Map<String, Object> before = hls();
        long startNanos = System.nanoTime();
        long deadline = startNanos + SECONDS * 1_000_000_000L;
        List<LlHlsClient> clients = new ArrayList<>();
        for (int i = 0; i < CLIENTS; i++) {
            LlHlsClient client = new LlHlsClient(https.get(i % https.size()), base, deadline);
            clients.add(client);
            client.start();
        }
        Poll.until(Duration.ofSeconds(SECONDS + 15), "the clients to finish their last requests",
                () -> System.nanoTime() > deadline && clients.stream().allMatch(c -> c.inFlight() == 0));
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        Map<String, Object> after = hls();
        threads.shutdown();

        long origin = number(after, "requests", "total") - number(before, "requests", "total");
        long parts = number(after, "lastPart") - number(before, "lastPart");
        long clientRequests = clients.stream().mapToLong(LlHlsClient::requests).sum();
        List<Double> latency = new ArrayList<>();
        clients.forEach(c -> latency.addAll(c.latencies()));
        latency.sort(Double::compare);
        System.out.printf("Through nginx: %d clients, %.1f s, %d parts made; clients asked %d times (%.0f/s), camstream"
                + " was asked %d times (%.1f/s, %.2f per part); part latency after capture: median %.0f ms, p95 %.0f ms,"
                + " max %.0f ms%n", CLIENTS, seconds, parts, clientRequests, clientRequests / seconds, origin,
                origin / seconds, origin / (double) parts, latency.get(latency.size() / 2),
                latency.get((int) (latency.size() * 0.95)), latency.get(latency.size() - 1));

        assertTrue(parts >= SECONDS * 4, "the camera made parts all along: " + parts);
        for (LlHlsClient client : clients) {
            assertEquals(List.of(), client.missing(), "every part from the one it joined at; errors "
                    + client.errors());
            // It kept following. It may trail the live edge at the end by its latency, which on a busy machine is
            // mostly the 200 clients' own CPU (reported above, not a criterion).
            assertTrue(client.partsReceived() >= parts * 0.5, "a client got " + client.partsReceived() + " of " + parts);
        }
        // One part and one playlist version per part, the odd plain playlist (1 s in the cache), and a few
        // spares: not 200 times that.
        assertTrue(origin <= 2.5 * parts + SECONDS + 20, "camstream was asked " + origin + " times for " + parts
                + " parts");
        assertTrue(clientRequests > CLIENTS / 4.0 * origin, "the cache answered the rest: " + clientRequests + " vs " + origin);
    }

    @Test
    void mjpegAndTheWebSocketPassThroughUnbuffered() throws Exception {
        try (MjpegClient mjpeg = MjpegClient.open(nginx.port(), "/stream.mjpeg")) {
            assertEquals(200, mjpeg.status());
            // Buffered, nginx would pass nothing on until its buffers filled; unbuffered, pictures flow at once.
            long start = System.nanoTime();
            for (int i = 0; i < 10; i++) {
                mjpeg.next();
            }
            assertTrue((System.nanoTime() - start) / 1e9 < 5, "ten pictures within 5 s");
        }
        String origin = "http://127.0.0.1:" + nginx.port();
        try (VideoSocketClient socket = VideoSocketClient.connect(nginx.port(), origin)) {
            VideoSocketClient.Message init = null;
            for (int i = 0; i < 20 && (init == null || !init.text().contains("\"init\"")); i++) {
                init = socket.next(10);
                if (init != null && !init.isText()) {
                    init = null;
                }
            }
            assertTrue(init != null && init.text().contains("\"type\":\"init\""), "the init message through nginx");
            VideoSocketClient.Message media = socket.next(10);
            assertTrue(media != null && !media.isText(), "media after it");
        }
    }
}
