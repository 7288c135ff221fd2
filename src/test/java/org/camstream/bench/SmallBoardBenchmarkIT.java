package org.camstream.bench;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.camstream.testing.Poll;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The small-board goals of docs/startup.md, measured from outside on the packaged WAR: the time from
 * {@code java -jar} to the first picture of {@code /snapshot.jpg}, and the resident memory idle and with
 * {@code viewers} viewers of a 1280x720 camera, on the CPUs {@code cpus} names (taskset). Each JVM option set
 * runs {@code rounds} times; the table gives the median and the range. With {@code -Dcds=true} a class-data
 * archive is made first (a run with -XX:ArchiveClassesAtExit) and a row with -XX:SharedArchiveFile is added.
 * Run it with {@code mvn package -DskipTests && mvn verify -Dit.test=SmallBoardBenchmarkIT -Dbenchmark=true
 * -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dcpus=0 -Drounds=5 -Dcds=true}; {@code -Dcpus=0,1} for two cores.
 * It measures and asserts only that every run served pictures.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class SmallBoardBenchmarkIT {

    /** The options the issue measured before this work. */
    private static final List<String> BEFORE = List.of("-Xmx64m", "-XX:+UseSerialGC", "-Xss256k");

    private final String cpus = System.getProperty("cpus", "0");
    private final int rounds = Integer.getInteger("rounds", 5);
    private final int viewers = Integer.getInteger("viewers", 20);
    private final boolean cds = Boolean.getBoolean("cds");
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @Test
    void firstPictureAndResidentMemory() throws Exception {
        List<String[]> rows = new ArrayList<>();
        rows.add(measure("before: " + String.join(" ", BEFORE), BEFORE, Map.of()));
        rows.add(measure("small board (README)", WarProcess.SMALL_BOARD, WarProcess.SMALL_BOARD_ENVIRONMENT));
        if (cds) {
            Path archive = Files.createTempDirectory("camstream-cds").resolve("camstream.jsa");
            List<String> dump = new ArrayList<>(WarProcess.SMALL_BOARD);
            dump.add("-XX:ArchiveClassesAtExit=" + archive);
            try (WarProcess training = WarProcess.launch(taskset(), WarProcess.SMALL_BOARD_ENVIRONMENT, dump,
                    "--idle-stop", "2")) {
                Poll.until(Duration.ofSeconds(60), "a picture from the training run", () -> snapshot(training) == 200);
            }
            Poll.until(Duration.ofSeconds(60), "the archive", () -> Files.isRegularFile(archive));
            List<String> shared = new ArrayList<>(WarProcess.SMALL_BOARD);
            shared.add("-XX:SharedArchiveFile=" + archive);
            rows.add(measure("small board + AppCDS archive", shared, WarProcess.SMALL_BOARD_ENVIRONMENT));
        }
        System.out.printf(Locale.ROOT, "%nSmall board, taskset -c %s, %d rounds, camera 1280x720 test pattern, %d "
                + "viewers (a third each MJPEG, stream.mp4, stream.h264)%n", cpus, rounds, viewers);
        System.out.printf(Locale.ROOT, "%-44s %-24s %-20s %-20s%n", "JVM options", "first picture, s",
                "RSS idle, MB", "RSS " + viewers + " viewers, MB");
        for (String[] row : rows) {
            System.out.printf(Locale.ROOT, "%-44s %-24s %-20s %-20s%n", (Object[]) row);
        }
    }

    private String[] measure(String name, List<String> options, Map<String, String> environment) throws Exception {
        double[] first = new double[rounds];
        double[] idle = new double[rounds];
        double[] busy = new double[rounds];
        for (int round = 0; round < rounds; round++) {
            long start = System.nanoTime();
            try (WarProcess server = WarProcess.launch(taskset(), environment, options, "--idle-stop", "3")) {
                Poll.until(Duration.ofSeconds(60), "the first picture", () -> {
                    assertTrue(server.process().isAlive(), server::log);
                    return snapshot(server) == 200;
                });
                first[round] = (System.nanoTime() - start) / 1e9;
                try (HttpLoad mjpeg = HttpLoad.start(server.port(), "/stream.mjpeg", viewers / 3, HttpLoad.Kind.MULTIPART);
                        HttpLoad mp4 = HttpLoad.start(server.port(), "/stream.mp4", viewers / 3, HttpLoad.Kind.BYTES);
                        HttpLoad h264 = HttpLoad.start(server.port(), "/stream.h264", viewers - 2 * (viewers / 3),
                                HttpLoad.Kind.BYTES)) {
                    HttpLoad.pass(20);
                    busy[round] = server.residentBytes() / 1e6;
                }
                // The viewers gone, the camera stops after idle-stop; then the server idles.
                Poll.until(Duration.ofSeconds(60), "the camera to stop", () -> {
                    try {
                        return ProcessMeter.children(server.pid()).isEmpty();
                    } catch (java.io.IOException e) {
                        return false;
                    }
                });
                HttpLoad.pass(10);
                idle[round] = server.residentBytes() / 1e6;
            }
        }
        return new String[] {name, summary(first, "%.2f"), summary(idle, "%.0f"), summary(busy, "%.0f")};
    }

    private List<String> taskset() {
        return List.of("taskset", "-c", cpus);
    }

    private int snapshot(WarProcess server) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/snapshot.jpg"))
                    .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (Exception e) {
            return -1;
        }
    }

    private static String summary(double[] values, String format) {
        double[] sorted = values.clone();
        Arrays.sort(sorted);
        return String.format(Locale.ROOT, format + " (" + format + "–" + format + ")", sorted[sorted.length / 2],
                sorted[0], sorted[sorted.length - 1]);
    }
}
