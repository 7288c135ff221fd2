package org.camstream.testing;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * camstream as users run it on a small board: {@code java -Xmx64m -XX:+UseSerialGC -Xss256k -jar camstream.war},
 * a process of its own, so that its threads, file descriptors and heap can be read from outside.
 */
public final class WarProcess implements AutoCloseable {

    public static final Path WAR = Path.of(System.getProperty("camstream.war", "target/camstream.war"));
    public static final List<String> SMALL_BOARD = List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xss256k",
            "-XX:+ExitOnOutOfMemoryError");

    private final Process process;
    private final int port;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private WarProcess(Process process, int port, Path log) {
        this.process = process;
        this.port = port;
        this.log = log;
    }

    /** Starts the WAR with the small-board JVM options and these settings, and waits for it to answer. */
    public static WarProcess start(Path dataDir, String... settings) throws IOException {
        int port = freePort();
        List<String> command = new ArrayList<>(List.of(java()));
        command.addAll(SMALL_BOARD);
        command.addAll(List.of("-jar", WAR.toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString(), "--admin-password", TestServer.ADMIN_PASSWORD));
        command.addAll(List.of(settings));
        Path log = dataDir.resolve("server.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        WarProcess server = new WarProcess(process, port, log);
        try {
            Poll.until(Duration.ofSeconds(60), "the server to answer /api/status", () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("the server exited: " + server.log());
                }
                return server.statusCode("/api/status") == 200;
            });
        } catch (RuntimeException | Error e) {
            server.close();
            throw e;
        }
        return server;
    }

    public int port() {
        return port;
    }

    public long pid() {
        return process.pid();
    }

    public Process process() {
        return process;
    }

    /** The status code of a GET, or -1 when there is no answer within 5 s. */
    public int statusCode(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** {@code /api/status} as nested maps. */
    public Map<String, Object> status() {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port
                    + "/api/status")).timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return JSON.std.mapFrom(response.body());
        } catch (IOException e) {
            throw new AssertionError("/api/status failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Threads of the process, from /proc. */
    public int threads() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("Threads:")) {
                return Integer.parseInt(line.substring("Threads:".length()).trim());
            }
        }
        throw new IOException("no thread count for " + pid());
    }

    /** The names of the process's Java threads, numbers stripped, with how many have each: for diagnosis. */
    public Map<String, Integer> threadNames() throws IOException, InterruptedException {
        Process dump = new ProcessBuilder(jcmd(), Long.toString(pid()), "Thread.print").redirectErrorStream(true).start();
        String text = new String(dump.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        dump.waitFor(30, TimeUnit.SECONDS);
        Map<String, Integer> names = new java.util.TreeMap<>();
        for (String line : text.split("\n")) {
            if (line.startsWith("\"")) {
                String name = line.substring(1, line.indexOf('"', 1)).replaceAll("[0-9]+", "#");
                names.merge(name, 1, Integer::sum);
            }
        }
        return names;
    }

    /** Open file descriptors of the process, from /proc. */
    public int fileDescriptors() throws IOException {
        try (var fds = Files.list(Path.of("/proc", Long.toString(pid()), "fd"))) {
            return (int) fds.count();
        }
    }

    /** Resident memory of the process in bytes, from /proc. */
    public long residentBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid()), "status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        throw new IOException("no VmRSS for " + pid());
    }

    /** The heap in use right after a full collection, asked of the JVM with jcmd. */
    @SuppressWarnings("unchecked")
    public long heapAfterGc() throws IOException, InterruptedException {
        Process gc = new ProcessBuilder(jcmd(), Long.toString(pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        if (!gc.waitFor(30, TimeUnit.SECONDS)) {
            gc.destroyForcibly();
            throw new IOException("jcmd GC.run did not finish");
        }
        Map<String, Object> jvm = (Map<String, Object>) status().get("jvm");
        return ((Number) jvm.get("heapUsedBytes")).longValue();
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** Stops the server with SIGTERM, as systemd does, and waits for it. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
    }

    public static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    private static String jcmd() {
        return Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
