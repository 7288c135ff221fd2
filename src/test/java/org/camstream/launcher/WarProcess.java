package org.camstream.launcher;

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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;
import org.camstream.testing.Poll;

/**
 * {@code java -jar camstream.war} in its own JVM, sized as on a 512 MB Raspberry Pi unless a test asks for
 * other JVM options, for tests that watch the server from outside: its heap (through jcmd), its exit status
 * and its log.
 */
final class WarProcess implements AutoCloseable {

    /** The JVM options of the README's small-board command line, without the one that makes it exit on OOM. */
    static final List<String> SMALL_BOARD = List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xss256k");

    private final Process process;
    private final int port;
    private final Path dataDir;
    private final Path log;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private WarProcess(Process process, int port, Path dataDir, Path log) {
        this.process = process;
        this.port = port;
        this.dataDir = dataDir;
        this.log = log;
    }

    static Path war() {
        Path war = Path.of(System.getProperty("benchmark.war",
                System.getProperty("camstream.war", "target/camstream.war")));
        if (!Files.isRegularFile(war)) {
            throw new AssertionError("no " + war + "; run mvn package -DskipTests first");
        }
        return war;
    }

    /** Starts the WAR and waits until {@code /api/status} answers. */
    static WarProcess start(List<String> jvmOptions, String... settings) throws IOException {
        WarProcess server = launch(jvmOptions, settings);
        Poll.until(Duration.ofSeconds(60), "the server to answer /api/status", () -> {
            if (!server.process.isAlive()) {
                throw new AssertionError("the server exited with " + server.process.exitValue() + ":\n" + server.log());
            }
            return server.status("/api/status", Duration.ofSeconds(5)) == 200;
        });
        return server;
    }

    /** Starts the WAR without waiting for it. */
    static WarProcess launch(List<String> jvmOptions, String... settings) throws IOException {
        Path dataDir = Files.createTempDirectory("camstream-war-process");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        command.add(javaTool("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", war().toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString(), "--admin-password", "war-process"));
        command.addAll(List.of(settings));
        Path log = dataDir.resolve("server.log");
        Process process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new WarProcess(process, port, dataDir, log);
    }

    int port() {
        return port;
    }

    Process process() {
        return process;
    }

    String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The status code of a GET, or -1 when there is no answer within {@code timeout}. */
    int status(String path, Duration timeout) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(timeout)
                    .build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    /** The body of a GET that must answer 200. */
    byte[] get(String path) throws IOException {
        try {
            HttpResponse<byte[]> response = http.send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            if (response.statusCode() != 200) {
                throw new AssertionError("GET " + path + " answered " + response.statusCode());
            }
            return response.body();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    /**
     * The live heap by class, from {@code jcmd GC.class_histogram}, which runs a full collection first: what
     * the server holds, without the garbage a plain heap-used figure includes.
     */
    Histogram histogram() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(javaTool("jcmd"), Long.toString(process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new AssertionError("jcmd GC.class_histogram failed: " + out);
        }
        return Histogram.parse(out);
    }

    /** Live bytes per class; {@code total} is the histogram's Total line. */
    record Histogram(long total, Map<String, long[]> classes) {

        static Histogram parse(String jcmdOutput) {
            Map<String, long[]> classes = new LinkedHashMap<>();
            long total = -1;
            for (String line : jcmdOutput.split("\n")) {
                String[] f = line.trim().split("\\s+");
                if (f.length >= 4 && f[0].endsWith(":")) {
                    classes.put(f[3], new long[] {Long.parseLong(f[1]), Long.parseLong(f[2])});
                } else if (f.length == 3 && f[0].equals("Total")) {
                    total = Long.parseLong(f[2]);
                }
            }
            if (total < 0) {
                throw new AssertionError("no Total line in the class histogram:\n" + jcmdOutput);
            }
            return new Histogram(total, classes);
        }

        long bytes(String className) {
            long[] row = classes.get(className);
            return row == null ? 0 : row[1];
        }
    }

    @Override
    public void close() throws InterruptedException {
        process.destroy();
        if (!process.waitFor(20, TimeUnit.SECONDS)) {
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
            process.waitFor(10, TimeUnit.SECONDS);
        }
        try {
            PathUtils.deleteDirectory(dataDir);
        } catch (IOException e) {
            // a temporary directory left behind does not fail a test
        }
    }

    static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }
}
