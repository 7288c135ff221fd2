package org.camstream.bench;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.camstream.testing.Poll;

/**
 * camstream from the packaged WAR in its own JVM, sized as on a 512 MB Raspberry Pi (64 MB heap, serial GC,
 * small thread stacks), for the benchmarks to measure from outside.
 */
final class SmallBoardServer implements AutoCloseable {

    private final Process process;
    private final int port;
    private final HttpClient http = HttpClient.newHttpClient();

    private SmallBoardServer(Process process, int port) {
        this.process = process;
        this.port = port;
    }

    static SmallBoardServer start(String... settings) throws IOException {
        Path dataDir = Files.createTempDirectory("camstream-bench");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx64m", "-XX:+UseSerialGC", "-Xss256k", "-jar", System.getProperty("camstream.war"),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--data-dir", dataDir.toString(),
                "--admin-password", "bench"));
        command.addAll(List.of(settings));
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("server.log").toFile()).start();
        SmallBoardServer server = new SmallBoardServer(process, port);
        Poll.until(Duration.ofSeconds(60), "the server to start", () -> server.status() != null);
        return server;
    }

    int port() {
        return port;
    }

    HttpClient http() {
        return http;
    }

    /** {@code /api/status}, or null while the server does not answer. */
    Map<String, Object> status() {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + "/api/status")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return response.statusCode() == 200 ? JSON.std.mapFrom(response.body()) : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** The camera's frame count so far. */
    long cameraFrames() {
        @SuppressWarnings("unchecked")
        Map<String, Object> camera = (Map<String, Object>) status().get("camera");
        return ((Number) camera.get("frames")).longValue();
    }

    /** "threads, heap used of max, dropped" from a status document. */
    static String describe(Map<String, Object> status) {
        @SuppressWarnings("unchecked")
        Map<String, Object> jvm = (Map<String, Object>) status.get("jvm");
        return String.format("%s threads, heap used %.1f MB of %.1f MB, dropped %s", jvm.get("threads"),
                ((Number) jvm.get("heapUsedBytes")).doubleValue() / 1e6,
                ((Number) jvm.get("heapMaxBytes")).doubleValue() / 1e6, status.get("framesDropped"));
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        process.waitFor(20, TimeUnit.SECONDS);
    }
}
