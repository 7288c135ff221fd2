package org.camstream.testing;

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
import com.fasterxml.jackson.jr.ob.JSON;

/**
 * {@code java -jar camstream.war} in its own JVM, sized as on a 512 MB Raspberry Pi unless a test asks for
 * other JVM options, for tests that watch the server from outside: its heap (through jcmd), its threads, file
 * descriptors and memory (through /proc), its exit status and its log.
 */
public final class WarProcess implements AutoCloseable {

    /** The JVM options of the README's small-board command line. */
    public static final List<String> SMALL_BOARD = List.of("-Xmx64m", "-Xms8m", "-XX:+UseSerialGC", "-Xss256k",
            "-XX:TieredStopAtLevel=1", "-XX:ReservedCodeCacheSize=16m", "-XX:MaxMetaspaceSize=64m",
            "-XX:-UsePerfData", "-XX:+ExitOnOutOfMemoryError", "-XX:TrimNativeHeapInterval=10000", "-XX:MaxNewSize=4m");

    /** The environment of the small-board command line: fewer malloc arenas, less native memory. */
    public static final java.util.Map<String, String> SMALL_BOARD_ENVIRONMENT = java.util.Map.of(
            "MALLOC_ARENA_MAX", "2");

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

    public static Path war() {
        Path war = Path.of(System.getProperty("benchmark.war",
                System.getProperty("camstream.war", "target/camstream.war")));
        if (!Files.isRegularFile(war)) {
            throw new AssertionError("no " + war + "; run mvn package -DskipTests first");
        }
        return war;
    }

    /** Starts the WAR and waits until {@code /api/status} answers. */
    public static WarProcess start(List<String> jvmOptions, String... settings) throws IOException {
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
    public static WarProcess launch(List<String> jvmOptions, String... settings) throws IOException {
        return launch(List.of(), java.util.Map.of(), jvmOptions, settings);
    }

    /**
     * Starts the WAR without waiting for it, behind {@code prefix} (such as {@code taskset -c 0}) and with
     * {@code environment} added to this JVM's (such as MALLOC_ARENA_MAX).
     */
    public static WarProcess launch(List<String> prefix, java.util.Map<String, String> environment,
            List<String> jvmOptions, String... settings) throws IOException {
        Path dataDir = Files.createTempDirectory("camstream-war-process");
        int port;
        try (ServerSocket socket = new ServerSocket(0)) {
            port = socket.getLocalPort();
        }
        List<String> command = new ArrayList<>(prefix);
        command.add(javaTool("java"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", war().toString(), "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--data-dir", dataDir.toString(), "--admin-password", TestServer.ADMIN_PASSWORD));
        if (!List.of(settings).contains("--rtsp-port")) {
            command.addAll(List.of("--rtsp-port", Integer.toString(FreePorts.tcp()), "--rtsp-rtp-port",
                    Integer.toString(FreePorts.udpPair())));
        }
        command.addAll(List.of(settings));
        Path log = dataDir.resolve("server.log");
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().putAll(environment);
        Process process = builder.redirectErrorStream(true)
                .redirectOutput(log.toFile()).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .start();
        return new WarProcess(process, port, dataDir, log);
    }

    public int port() {
        return port;
    }

    /** The server's data directory, a temporary one of its own. */
    public Path dataDir() {
        return dataDir;
    }

    public Process process() {
        return process;
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** The status code of a GET, or -1 when there is no answer within {@code timeout}. */
    public int status(String path, Duration timeout) {
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
    public byte[] get(String path) throws IOException {
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

    public long pid() {
        return process.pid();
    }

    /** {@code /api/status} as nested maps. */
    public Map<String, Object> statusDocument() {
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

    /** The camera's frame count so far. */
    @SuppressWarnings("unchecked")
    public long cameraFrames() {
        Map<String, Object> camera = (Map<String, Object>) statusDocument().get("camera");
        return ((Number) camera.get("frames")).longValue();
    }

    /** "threads, heap used of max, dropped" from a status document, for benchmark reports. */
    @SuppressWarnings("unchecked")
    public static String describe(Map<String, Object> status) {
        Map<String, Object> jvm = (Map<String, Object>) status.get("jvm");
        return String.format(java.util.Locale.ROOT, "%s threads, heap used %.1f MB of %.1f MB, dropped %s",
                jvm.get("threads"), ((Number) jvm.get("heapUsedBytes")).doubleValue() / 1e6,
                ((Number) jvm.get("heapMaxBytes")).doubleValue() / 1e6, status.get("framesDropped"));
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
        Process dump = new ProcessBuilder(javaTool("jcmd"), Long.toString(pid()), "Thread.print").redirectErrorStream(true).start();
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
        Process gc = new ProcessBuilder(javaTool("jcmd"), Long.toString(pid()), "GC.run").redirectErrorStream(true).start();
        gc.getInputStream().readAllBytes();
        if (!gc.waitFor(30, TimeUnit.SECONDS)) {
            gc.destroyForcibly();
            throw new IOException("jcmd GC.run did not finish");
        }
        Map<String, Object> jvm = (Map<String, Object>) statusDocument().get("jvm");
        return ((Number) jvm.get("heapUsedBytes")).longValue();
    }

    /**
     * The live heap by class, from {@code jcmd GC.class_histogram}, which runs a full collection first: what
     * the server holds, without the garbage a plain heap-used figure includes.
     */
    public Histogram histogram() throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(javaTool("jcmd"), Long.toString(process.pid()), "GC.class_histogram")
                .redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!jcmd.waitFor(60, TimeUnit.SECONDS) || jcmd.exitValue() != 0) {
            throw new AssertionError("jcmd GC.class_histogram failed: " + out);
        }
        return Histogram.parse(out);
    }

    /** Live bytes per class; {@code total} is the histogram's Total line. */
    public record Histogram(long total, Map<String, long[]> classes) {

        public static Histogram parse(String jcmdOutput) {
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

        public long bytes(String className) {
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

    public static String javaTool(String name) {
        return Path.of(System.getProperty("java.home"), "bin", name).toString();
    }
}
