package org.camstream.metrics;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;
import org.camstream.testing.FreePorts;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's real Prometheus ({@code apt install prometheus}), started by a test on a free loopback port with a
 * configuration and a storage directory of its own, both temporary; the system's service is not used. Ended,
 * and its directory deleted, by {@link #close}.
 *
 * <p>Without the package, tests that need it are skipped, unless CAMSTREAM_REQUIRE_PROMETHEUS=1 (as in CI).
 */
final class Prometheus implements AutoCloseable {

    static final Path BINARY = Path.of("/usr/bin/prometheus");
    static final Path PROMTOOL = Path.of("/usr/bin/promtool");

    private final Process process;
    private final Path directory;
    private final int port;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private Prometheus(Process process, Path directory, int port) {
        this.process = process;
        this.directory = directory;
        this.port = port;
    }

    static void assumeInstalled() {
        if (Files.isExecutable(BINARY) && Files.isExecutable(PROMTOOL)) {
            return;
        }
        String message = "Debian's prometheus package is not installed (" + BINARY + ", " + PROMTOOL + ")";
        if ("1".equals(System.getenv("CAMSTREAM_REQUIRE_PROMETHEUS"))) {
            throw new AssertionError(message + " (required because CAMSTREAM_REQUIRE_PROMETHEUS=1)");
        }
        Assumptions.abort(message + "; apt install prometheus");
    }

    /**
     * Starts Prometheus with these scrape jobs (YAML list items under {@code scrape_configs:}), scraping every
     * second, and returns once it is ready.
     */
    static Prometheus start(String scrapeConfigs) throws IOException {
        assumeInstalled();
        Path directory = Files.createTempDirectory("camstream-prometheus");
        Path config = directory.resolve("prometheus.yml");
        Files.writeString(config, "global:\n  scrape_interval: 1s\n  scrape_timeout: 1s\n  evaluation_interval: 1s\n"
                + "scrape_configs:\n" + scrapeConfigs);
        int port = FreePorts.tcp();
        Process process = new ProcessBuilder(BINARY.toString(), "--config.file=" + config,
                "--storage.tsdb.path=" + directory.resolve("data"), "--web.listen-address=127.0.0.1:" + port,
                "--storage.tsdb.retention.time=1h", "--log.level=warn")
                .redirectErrorStream(true).redirectOutput(directory.resolve("prometheus.log").toFile()).start();
        Prometheus prometheus = new Prometheus(process, directory, port);
        try {
            Poll.until(Duration.ofSeconds(30), "Prometheus ready on port " + port, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("Prometheus ended with " + process.exitValue() + ": " + prometheus.log());
                }
                try {
                    return prometheus.get("/-/ready").statusCode() == 200;
                } catch (IllegalStateException notListeningYet) {
                    return false;
                }
            });
            return prometheus;
        } catch (RuntimeException | Error e) {
            prometheus.close();
            throw e;
        }
    }

    private HttpResponse<String> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** The results of an instant query through the HTTP API: each {@code {"metric": {...}, "value": [t, "v"]}}. */
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> query(String promql) {
        HttpResponse<String> answer = get("/api/v1/query?query=" + URLEncoder.encode(promql, StandardCharsets.UTF_8));
        try {
            Map<String, Object> document = JSON.std.mapFrom(answer.body());
            if (answer.statusCode() != 200 || !"success".equals(document.get("status"))) {
                throw new AssertionError("query " + promql + " answered " + answer.statusCode() + ": " + answer.body());
            }
            Map<String, Object> data = (Map<String, Object>) document.get("data");
            return (List<Map<String, Object>>) data.get("result");
        } catch (IOException e) {
            throw new AssertionError("query " + promql + " answered no JSON: " + answer.body(), e);
        }
    }

    /** The one value an instant query gives, or null while it gives none. */
    Double value(String promql) {
        List<Map<String, Object>> result = query(promql);
        if (result.isEmpty()) {
            return null;
        }
        if (result.size() > 1) {
            throw new AssertionError(promql + " gave " + result.size() + " series: " + result);
        }
        List<?> value = (List<?>) result.get(0).get("value");
        return Double.parseDouble(value.get(1).toString());
    }

    /** {@code /api/v1/targets}: each target's health and last error, for messages. */
    String targets() {
        return get("/api/v1/targets").body();
    }

    String log() {
        try {
            return Files.readString(directory.resolve("prometheus.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /**
     * {@code promtool check metrics} on an exposition: its output and exit status, 0 when it found nothing to
     * object to.
     */
    static Check check(byte[] exposition) throws IOException, InterruptedException {
        assumeInstalled();
        Process promtool = new ProcessBuilder(PROMTOOL.toString(), "check", "metrics").redirectErrorStream(true).start();
        try (var in = promtool.getOutputStream()) {
            in.write(exposition);
        }
        String output = new String(promtool.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!promtool.waitFor(30, TimeUnit.SECONDS)) {
            promtool.destroyForcibly();
            throw new AssertionError("promtool check metrics did not end: " + output);
        }
        return new Check(promtool.exitValue(), output);
    }

    record Check(int exitStatus, String output) {
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        try {
            PathUtils.deleteDirectory(directory);
        } catch (IOException e) {
            // a temporary directory left behind does not fail a test
        }
    }
}
