package org.camstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.camstream.testing.ChurnClient;
import org.camstream.testing.StreamRecorder;
import org.camstream.testing.TestServer;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The soak: camstream from its WAR with a 64 MB heap, for a given number of minutes, under a steady mix of
 * viewers, viewers coming and going, a camera kill every minute and a change of resolution every four. It
 * samples heap after a full collection, resident memory, threads and file descriptors, and prints their
 * slopes per hour, the pictures every viewer got, and every gap of more than 3 s. Not part of the normal run:
 * {@code scripts/soak.sh [minutes]}, or
 * {@code mvn verify -Dit.test=SoakIT -Dsoak.minutes=30 [-Dsoak.audio=test] -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false}.
 */
@EnabledIfSystemProperty(named = "soak.minutes", matches = "[0-9.]+")
class SoakIT {

    // The periods can be changed for a shorter, denser run: -Dsoak.sampleSeconds, -Dsoak.killSeconds,
    // -Dsoak.resizeSeconds, -Dsoak.warmUpSeconds.
    private static final Duration SAMPLE_EVERY = Duration.ofSeconds(Long.getLong("soak.sampleSeconds", 30));
    private static final Duration KILL_EVERY = Duration.ofSeconds(Long.getLong("soak.killSeconds", 60));
    private static final Duration RESIZE_EVERY = Duration.ofSeconds(Long.getLong("soak.resizeSeconds", 240));
    private static final Duration WARM_UP = Duration.ofSeconds(Long.getLong("soak.warmUpSeconds", 120));

    private record Sample(double hours, double heapMb, double rssMb, int threads, int fds) {
    }

    @Test
    void soak() throws Exception {
        double minutes = Double.parseDouble(System.getProperty("soak.minutes"));
        List<Sample> samples = new java.util.concurrent.CopyOnWriteArrayList<>();
        AtomicLong churned = new AtomicLong();
        AtomicLong churnFailures = new AtomicLong();
        // -Dsoak.audio=test soaks the sound too: a second process, and two tracks in every MP4 viewer's stream.
        String audio = System.getProperty("soak.audio", "none");
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD, "--idle-stop", "30", "--audio", audio)) {
            List<StreamRecorder> viewers = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                viewers.add(StreamRecorder.multipart(server.port(), "/stream.mjpeg"));
                viewers.add(StreamRecorder.webSocket(server.port()));
            }
            for (int i = 0; i < 2; i++) {
                viewers.add(StreamRecorder.multipart(server.port(), "/stream.jpg?fps=2"));
                viewers.add(StreamRecorder.h264(server.port()));
                viewers.add(StreamRecorder.mp4(server.port()));
            }
            ScheduledExecutorService churn = Executors.newSingleThreadScheduledExecutor();
            churn.scheduleWithFixedDelay(() -> {
                long n = churned.getAndIncrement();
                try {
                    ChurnClient.cycle(server.port(), ChurnClient.KINDS.get((int) (n % ChurnClient.KINDS.size())), (int) n);
                } catch (IOException | RuntimeException e) {
                    churnFailures.incrementAndGet();
                }
            }, 250, 250, TimeUnit.MILLISECONDS);

            long start = System.nanoTime();
            AtomicLong kills = new AtomicLong();
            AtomicLong resizes = new AtomicLong();
            java.util.concurrent.CountDownLatch died = new java.util.concurrent.CountDownLatch(1);
            ScheduledExecutorService timers = Executors.newScheduledThreadPool(2);
            timers.scheduleAtFixedRate(guarded(died, () -> samples.add(new Sample((System.nanoTime() - start) / 3.6e12,
                    server.heapAfterGc() / 1e6, server.residentBytes() / 1e6, server.threads(),
                    server.fileDescriptors()))), 0, SAMPLE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            timers.scheduleAtFixedRate(guarded(died, () -> {
                if (server.statusDocument().get("camera") instanceof Map<?, ?> camera && camera.get("pid") instanceof Number pid) {
                    ProcessHandle.of(pid.longValue()).ifPresent(ProcessHandle::destroyForcibly);
                    kills.incrementAndGet();
                }
            }), KILL_EVERY.toMillis(), KILL_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            timers.scheduleAtFixedRate(guarded(died, () -> resize(server, resizes.incrementAndGet() % 2 == 1
                    ? "{\"width\":640,\"height\":480}" : "{\"width\":1280,\"height\":720}")),
                    RESIZE_EVERY.toMillis(), RESIZE_EVERY.toMillis(), TimeUnit.MILLISECONDS);
            java.util.concurrent.atomic.AtomicReference<WarProcess.Histogram> afterWarmUp = new java.util.concurrent.atomic.AtomicReference<>();
            timers.schedule(() -> {
                afterWarmUp.set(server.histogram());
                return null;
            }, WARM_UP.toMillis(), TimeUnit.MILLISECONDS);
            timers.scheduleAtFixedRate(() -> {
                if (!server.process().isAlive()) {
                    died.countDown();
                }
            }, 1, 1, TimeUnit.SECONDS);
            boolean dead = died.await((long) (minutes * 60_000), TimeUnit.MILLISECONDS);
            timers.shutdownNow();
            assertTrue(!dead && server.process().isAlive(), "the server died or a soak step failed: " + server.log());
            WarProcess.Histogram atEnd = server.histogram();
            churn.shutdownNow();
            String report = report(minutes, samples, viewers, churned.get(), churnFailures.get(), kills.get(),
                    resizes.get()) + growth(afterWarmUp.get(), atEnd);
            System.out.println(report);
            Files.writeString(Path.of("target", "soak-report.md"), report, StandardCharsets.UTF_8);
            // The server's own log, for explaining a gap: its data directory goes with it.
            Files.writeString(Path.of("target", "soak-server.log"), server.log(), StandardCharsets.UTF_8);
            for (StreamRecorder viewer : viewers) {
                assertEquals(null, viewer.failure(), viewer.name() + " was disconnected");
                assertEquals(List.of(), viewer.longGaps(), viewer.name());
                viewer.close();
            }
        }
    }

    private interface Step {
        void run() throws Exception;
    }

    /** A periodic step that, when it fails, ends the soak at once instead of silently stopping. */
    private static Runnable guarded(java.util.concurrent.CountDownLatch died, Step step) {
        return () -> {
            try {
                step.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt(); // the soak is over
            } catch (Exception | AssertionError e) {
                if (!Thread.currentThread().isInterrupted()) {
                    System.err.println("soak step failed: " + e);
                    died.countDown();
                }
            }
        };
    }

    private static void resize(WarProcess server, String body) throws IOException, InterruptedException {
        String credentials = Base64.getEncoder().encodeToString(
                (TestServer.ADMIN_USER + ":" + TestServer.ADMIN_PASSWORD).getBytes(StandardCharsets.UTF_8));
        HttpResponse<String> response = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + server.port() + "/api/config"))
                .header("Authorization", "Basic " + credentials).header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(body)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, response.statusCode(), response.body());
    }

    private static String report(double minutes, List<Sample> all, List<StreamRecorder> viewers, long churned,
            long churnFailures, long kills, long resizes) {
        double warmUpHours = WARM_UP.toMillis() / 3.6e6;
        List<Sample> samples = all.stream().filter(s -> s.hours() >= warmUpHours).toList();
        if (samples.size() < 2) {
            samples = all;
        }
        StringBuilder out = new StringBuilder();
        out.append(String.format(Locale.ROOT, "%n### Soak: %.0f minutes, server from the WAR with %s%n%n", minutes,
                String.join(" ", WarProcess.SMALL_BOARD)));
        out.append(String.format(Locale.ROOT, "%d viewers throughout, %d viewers came and went (%d failed), %d camera "
                + "kills, %d changes of resolution; samples every %d s, slopes after the first %d s.%n%n",
                viewers.size(), churned, churnFailures, kills, resizes, SAMPLE_EVERY.toSeconds(), WARM_UP.toSeconds()));
        out.append("| figure | first | last | min | max | slope per hour |\n|---|---|---|---|---|---|\n");
        row(out, "heap after GC (MB)", samples, Sample::heapMb);
        row(out, "resident memory (MB)", samples, Sample::rssMb);
        row(out, "threads", samples, s -> s.threads());
        row(out, "file descriptors", samples, s -> s.fds());
        out.append("\nHeap after GC, every sample (MB): ").append(all.stream()
                .map(x -> String.format(Locale.ROOT, "%.1f", x.heapMb())).collect(java.util.stream.Collectors.joining(" ")))
                .append("\n");
        out.append("\n| viewer | pictures | longest gap | gaps over 3 s | reconnects |\n|---|---|---|---|---|\n");
        for (StreamRecorder viewer : viewers) {
            out.append(String.format(Locale.ROOT, "| %s | %d | %.1f s | %d | %d |%n", viewer.name(), viewer.pictures(),
                    viewer.longestGapNanos() / 1e9, viewer.longGaps().size(), viewer.reconnects()));
        }
        for (StreamRecorder viewer : viewers) {
            for (String gap : viewer.longGaps()) {
                out.append("- ").append(viewer.name()).append(": ").append(gap).append('\n');
            }
        }
        return out.toString();
    }

    /** The classes whose live bytes grew most between the end of the warm-up and the end: where growth lives. */
    private static String growth(WarProcess.Histogram before, WarProcess.Histogram after) {
        if (before == null) {
            return "";
        }
        StringBuilder out = new StringBuilder(String.format(Locale.ROOT,
                "%nLive heap by class (jcmd GC.class_histogram) after the warm-up and at the end: %.2f MB to %.2f MB."
                + "%n%n| class | bytes after warm-up | bytes at end | change |%n|---|---|---|---|%n",
                before.total() / 1e6, after.total() / 1e6));
        after.classes().keySet().stream()
                .sorted(java.util.Comparator.comparingLong((String c) -> before.bytes(c) - after.bytes(c)))
                .limit(12)
                .forEach(c -> out.append(String.format(Locale.ROOT, "| %s | %d | %d | %+d |%n", c, before.bytes(c),
                        after.bytes(c), after.bytes(c) - before.bytes(c))));
        return out.toString();
    }

    private static void row(StringBuilder out, String name, List<Sample> samples,
            java.util.function.ToDoubleFunction<Sample> value) {
        double[] x = samples.stream().mapToDouble(Sample::hours).toArray();
        double[] y = samples.stream().mapToDouble(value).toArray();
        double mx = java.util.Arrays.stream(x).average().orElse(0);
        double my = java.util.Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        double slope = den == 0 ? 0 : num / den;
        out.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %+.2f |%n", name, y[0], y[y.length - 1],
                java.util.Arrays.stream(y).min().orElse(0), java.util.Arrays.stream(y).max().orElse(0), slope));
    }
}
