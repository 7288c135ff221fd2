package org.camstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.camstream.testing.Poll;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What each added camera costs the server, and which way of showing a grid of cameras costs it least. The
 * server is the WAR with the small-board JVM options; every camera is the test pattern (an ffmpeg encoding it,
 * with libx264 for H.264), so its ffmpeg children's CPU is reported apart from camstream's own JVM. It
 * measures; it asserts only that every camera ran and every viewer was served. Run it with
 * {@code mvn package -DskipTests && mvn verify -Dit.test=CamerasBenchmarkIT -Dbenchmark=true -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false} and optionally {@code -Dcameras=4 -Dsize=1280x720 -Dfps=30
 * -Dviewers=20 -Dseconds=20 -Dwarmup=5 -Dmjpeg-cameras=1 -Dgrid-cameras=4 -Dstills-fps=2}, and
 * {@code -Dcamera-counts=8,12,16} for other camera counts than 1 to {@code cameras}.
 * <ul>
 *   <li>{@code camerasAndViewers}: for 1 to {@code cameras} cameras (or {@code camera-counts}), {@code viewers} viewers on each camera
 *       that need no transcoder (40 % WebSocket fMP4, 30 % {@code stream.mp4}, 30 % {@code stream.h264}), then
 *       a row per {@code mjpeg-cameras} entry whose viewers are all MJPEG (so each camera's transcoder runs).
 *       One row per run, and the growth per added camera (least-squares slope).</li>
 *   <li>{@code gridCost}: a page showing {@code grid-cameras} cameras at once, one viewer per camera: MSE
 *       (WebSocket fMP4), JPEG stills at {@code stills-fps} of H.264 cameras (through their transcoders), and
 *       stills of cameras whose own codec is MJPEG; each against the same cameras running with no viewer
 *       ({@code idle-stop} raised so that they keep running).</li>
 * </ul>
 * CPU is in percent of one core (a 4-core Pi has 400 %), over the measuring window.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class CamerasBenchmarkIT {

    private final int maxCameras = Integer.getInteger("cameras", 4);
    private final String size = System.getProperty("size", "1280x720");
    private final int fps = Integer.getInteger("fps", 30);
    private final int viewers = Integer.getInteger("viewers", 20);
    private final int seconds = Integer.getInteger("seconds", 20);
    private final int warmup = Integer.getInteger("warmup", 5);
    private final String mjpegCameras = System.getProperty("mjpeg-cameras", "1");
    private final int gridCameras = Integer.getInteger("grid-cameras", 4);
    private final int stillsFps = Integer.getInteger("stills-fps", 2);

    @Test
    void camerasAndViewers() throws Exception {
        int ws = Math.round(viewers * 0.4f);
        int mp4 = (viewers - ws + 1) / 2;
        int h264 = viewers - ws - mp4;
        List<Row> rows = new ArrayList<>();
        String biggest = null;
        for (int n : cameraCounts()) {
            List<String> cameras = cameraNames(n);
            List<FrameLoad.Target> targets = new ArrayList<>();
            for (String camera : cameras) {
                targets.add(new FrameLoad.Target(camera, "/cam/" + camera + "/ws/video", FrameLoad.Kind.WEBSOCKET, ws));
                targets.add(new FrameLoad.Target(camera, "/cam/" + camera + "/stream.mp4", FrameLoad.Kind.MP4, mp4));
                targets.add(new FrameLoad.Target(camera, "/cam/" + camera + "/stream.h264", FrameLoad.Kind.H264, h264));
            }
            String[] args = serverArgs(n, "h264", n * viewers + 10);
            biggest = String.join(" ", args);
            rows.add(run(n + " x (" + ws + " ws, " + mp4 + " mp4, " + h264 + " h264)", n, args, cameras, targets));
        }
        List<Row> mjpegRows = new ArrayList<>();
        for (String entry : mjpegCameras.split(",")) {
            if (entry.isBlank() || entry.equals("none")) {
                continue;
            }
            int n = Integer.parseInt(entry.trim());
            List<String> cameras = cameraNames(n);
            List<FrameLoad.Target> targets = new ArrayList<>();
            for (String camera : cameras) {
                targets.add(new FrameLoad.Target(camera, "/cam/" + camera + "/stream.mjpeg", FrameLoad.Kind.MULTIPART,
                        viewers));
            }
            mjpegRows.add(run(n + " x " + viewers + " mjpeg (transcoder)", n, serverArgs(n, "h264", n * viewers + 10),
                    cameras, targets));
        }

        System.out.printf(Locale.ROOT, "%n=== cameras and viewers: test-pattern cameras %s@%d H.264 (libx264), %d viewers"
                + " per camera, %d s window after %d s warm-up, server %s, %d cores ===%n", size, fps, viewers,
                seconds, warmup, String.join(" ", WarProcess.SMALL_BOARD), Runtime.getRuntime().availableProcessors());
        System.out.println("| cameras x viewers | camstream JVM CPU % | ffmpeg children CPU % (transcoders) "
                + "| load client CPU % | others on the machine CPU % | camera fps each "
                + "| slowest viewer fps (ws / mp4 / h264 / mjpeg) "
                + "| latency p50 / p99 ms | dropped | MB/s | heap after GC MB | RSS MB | threads |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        rows.forEach(r -> System.out.println(r.line()));
        mjpegRows.forEach(r -> System.out.println(r.line()));
        if (rows.size() >= 2) {
            double[] n = rows.stream().mapToDouble(r -> r.cameras).toArray();
            System.out.printf(Locale.ROOT, "| growth per added camera (slope over %d rows) | %+.1f | %+.1f | %+.1f | "
                    + "| | | | | %+.1f | %+.2f | %+.1f | %+.1f |%n", rows.size(),
                    slope(n, rows.stream().mapToDouble(r -> r.cost.jvmPercent()).toArray()),
                    slope(n, rows.stream().mapToDouble(r -> r.cost.childrenPercent()).toArray()),
                    slope(n, rows.stream().mapToDouble(r -> r.cost.clientPercent()).toArray()),
                    slope(n, rows.stream().mapToDouble(r -> r.megabytesPerSecond()).toArray()),
                    slope(n, rows.stream().mapToDouble(r -> r.heapAfterGc / 1e6).toArray()),
                    slope(n, rows.stream().mapToDouble(r -> r.rss / 1e6).toArray()),
                    slope(n, rows.stream().mapToDouble(r -> r.threads).toArray()));
        }
        for (Row r : mjpegRows) {
            rows.stream().filter(h -> h.cameras == r.cameras).findFirst().ifPresent(h -> System.out.printf(Locale.ROOT,
                    "MJPEG viewers instead, %d camera(s): camstream JVM %+.1f %%, children %+.1f %% (transcoders "
                            + "%.1f %%), heap %+.2f MB, RSS %+.1f MB, threads %+d%n", r.cameras,
                    r.cost.jvmPercent() - h.cost.jvmPercent(), r.cost.childrenPercent() - h.cost.childrenPercent(),
                    r.cost.transcoderPercent(), (r.heapAfterGc - h.heapAfterGc) / 1e6, (r.rss - h.rss) / 1e6,
                    r.threads - h.threads));
        }
        System.out.println("reproduce: " + mavenCommand());
        System.out.println("server of the last row: java " + String.join(" ", WarProcess.SMALL_BOARD)
                + " -jar target/camstream.war " + biggest);

        for (Row r : rows) {
            assertTrue(r.cameraFps.values().stream().allMatch(f -> f > 0), "every camera ran: " + r.cameraFps);
        }
    }

    @Test
    void gridCost() throws Exception {
        List<String> cameras = cameraNames(gridCameras);
        String stills = "/stream.jpg?fps=" + stillsFps;
        List<Row> rows = new ArrayList<>();
        Row idleH264 = runIdle("idle, H.264 cameras running (no viewer)", gridArgs("h264"), cameras,
                perCamera(cameras, "/ws/video", FrameLoad.Kind.WEBSOCKET));
        rows.add(idleH264);
        Row mse = run("(a) MSE: 1 WebSocket fMP4 viewer per camera", gridCameras, gridArgs("h264"), cameras,
                perCamera(cameras, "/ws/video", FrameLoad.Kind.WEBSOCKET));
        rows.add(mse);
        Row transcoded = run("(b) stills " + stillsFps + " fps of H.264 cameras (transcoder)", gridCameras,
                gridArgs("h264"), cameras, perCamera(cameras, stills, FrameLoad.Kind.MULTIPART));
        rows.add(transcoded);
        Row idleMjpeg = runIdle("idle, MJPEG cameras running (no viewer)", gridArgs("mjpeg"), cameras,
                perCamera(cameras, stills, FrameLoad.Kind.MULTIPART));
        rows.add(idleMjpeg);
        Row mjpeg = run("(c) stills " + stillsFps + " fps of MJPEG cameras (no transcoder)", gridCameras,
                gridArgs("mjpeg"), cameras, perCamera(cameras, stills, FrameLoad.Kind.MULTIPART));
        rows.add(mjpeg);

        System.out.printf(Locale.ROOT, "%n=== grid page cost: %d test-pattern cameras %s@%d, one viewer per camera, %d s"
                + " window after %d s warm-up, server %s, %d cores ===%n", gridCameras, size, fps, seconds, warmup,
                String.join(" ", WarProcess.SMALL_BOARD), Runtime.getRuntime().availableProcessors());
        System.out.println("| grid mode | camstream JVM CPU % | JVM over idle | ffmpeg children CPU % | children over idle "
                + "| of which transcoders | load client CPU % | others on the machine CPU % | camera fps each "
                + "| slowest viewer fps | MB/s | heap after GC MB | RSS MB | threads |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|");
        for (Row r : rows) {
            Row idle = r.label.contains("MJPEG cameras") ? idleMjpeg : idleH264;
            System.out.printf(Locale.ROOT, "| %s | %.1f | %+.1f | %.1f | %+.1f | %.1f | %.1f | %.1f | %s | %s | %.2f | %.1f | %.0f | %d |%n",
                    r.label, r.cost.jvmPercent(), r.cost.jvmPercent() - idle.cost.jvmPercent(),
                    r.cost.childrenPercent(), r.cost.childrenPercent() - idle.cost.childrenPercent(),
                    r.cost.transcoderPercent(), r.cost.clientPercent(), r.cost.othersPercent(), r.cameraFpsText(), r.result == null ? "-"
                            : String.format(Locale.ROOT, "%.1f", r.result.slowestFps()),
                    r.megabytesPerSecond(), r.heapAfterGc / 1e6, r.rss / 1e6, r.threads);
        }
        System.out.printf(Locale.ROOT, "server total (JVM + children) over its idle cameras: (a) MSE %+.1f %%, "
                + "(b) stills via transcoders %+.1f %%, (c) stills of MJPEG cameras %+.1f %%%n",
                mse.cost.totalPercent() - idleH264.cost.totalPercent(),
                transcoded.cost.totalPercent() - idleH264.cost.totalPercent(),
                mjpeg.cost.totalPercent() - idleMjpeg.cost.totalPercent());
        System.out.println("reproduce: " + mavenCommand());
        System.out.println("servers: java " + String.join(" ", WarProcess.SMALL_BOARD) + " -jar target/camstream.war "
                + String.join(" ", gridArgs("h264")) + "   and the same with codec mjpeg");

        for (Row r : rows) {
            assertTrue(r.cameraFps.values().stream().allMatch(f -> f > 0), r.label + ": every camera ran: "
                    + r.cameraFps);
        }
        assertTrue(transcoded.cost.transcoderPercent() > 0, "stills of an H.264 camera ran its transcoder");
        assertEquals(0, mse.cost.transcoderPercent(), 0.0, "MSE viewers need no transcoder");
    }

    // --- one run -------------------------------------------------------------------------------------------

    /** Starts a server, attaches {@code targets}, warms up, measures the window and returns the row. */
    private Row run(String label, int n, String[] args, List<String> cameras, List<FrameLoad.Target> targets)
            throws Exception {
        WarProcess server = startServer(args);
        try (FrameLoad load = FrameLoad.start(server.port(), targets)) {
            Poll.until(Duration.ofSeconds(90), label + ": every viewer's first frame", () -> {
                assertTrue(server.process().isAlive(), "the server exited:\n" + server.log());
                assertEquals(0, load.refused(), label + ": viewers refused");
                return load.everyViewerHasFrames();
            });
            HttpLoad.pass(warmup);
            Snapshot before = Snapshot.take(server, cameras);
            load.startMeasuring();
            HttpLoad.pass(seconds);
            FrameLoad.Result result = load.stopMeasuring();
            Snapshot after = Snapshot.take(server, cameras);
            ProcessMeter end = ProcessMeter.of(server.pid());
            long heap = server.heapAfterGc();
            assertEquals(0, load.refused(), label + ": viewers refused");
            assertTrue(result.slowestFps() > 0, label + ": a viewer got nothing in the window");
            Row row = new Row(label, n, Cost.between(before, after), after.fpsSince(before), result,
                    after.droppedSince(before), heap, end.residentBytes(), end.threads());
            System.out.println("measured: " + row.line());
            return row;
        } finally {
            stop(server);
        }
    }

    /**
     * The cameras started by one viewer each ({@code starters}), which then leave; with idle-stop raised the
     * cameras keep running, and the window measures them with no viewer at all.
     */
    private Row runIdle(String label, String[] args, List<String> cameras, List<FrameLoad.Target> starters)
            throws Exception {
        WarProcess server = startServer(args);
        try {
            try (FrameLoad load = FrameLoad.start(server.port(), starters)) {
                Poll.until(Duration.ofSeconds(90), label + ": every camera's first frame", load::everyViewerHasFrames);
            }
            Poll.until(Duration.ofSeconds(20), label + ": the starting viewers gone",
                    () -> cameras.stream().allMatch(c -> viewersOf(server, c) == 0));
            HttpLoad.pass(warmup);
            Snapshot before = Snapshot.take(server, cameras);
            HttpLoad.pass(seconds);
            Snapshot after = Snapshot.take(server, cameras);
            ProcessMeter end = ProcessMeter.of(server.pid());
            long heap = server.heapAfterGc();
            Row row = new Row(label, cameras.size(), Cost.between(before, after), after.fpsSince(before), null,
                    after.droppedSince(before), heap, end.residentBytes(), end.threads());
            System.out.println("measured: " + row.line());
            return row;
        } finally {
            stop(server);
        }
    }

    /**
     * Starts the server; one that is ended by a signal while it starts (on a machine shared with other test
     * runs) is started again, twice at most.
     */
    private static WarProcess startServer(String[] args) throws IOException {
        for (int attempt = 1;; attempt++) {
            try {
                return WarProcess.start(WarProcess.SMALL_BOARD, args);
            } catch (AssertionError e) {
                if (attempt >= 3 || e.getMessage() == null || !e.getMessage().contains("exited with 143")) {
                    throw e;
                }
                System.out.println("the server was ended by SIGTERM while it started; starting it again");
            }
        }
    }

    /** Stops the server and makes sure none of its ffmpeg children outlives it to load the next run. */
    private static void stop(WarProcess server) throws InterruptedException {
        List<ProcessHandle> children = server.process().descendants().toList();
        server.close();
        try {
            Poll.until(Duration.ofSeconds(15), "the server's children to end",
                    () -> children.stream().noneMatch(ProcessHandle::isAlive));
        } catch (AssertionError e) {
            System.out.println("killing children the server left: " + children.stream().filter(ProcessHandle::isAlive)
                    .map(p -> Long.toString(p.pid())).collect(Collectors.joining(" ")));
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    /** 1 to {@code cameras}, or the list {@code -Dcamera-counts=6,8,12} names. */
    private List<Integer> cameraCounts() {
        String counts = System.getProperty("camera-counts", "");
        if (counts.isBlank()) {
            return java.util.stream.IntStream.rangeClosed(1, maxCameras).boxed().toList();
        }
        return Arrays.stream(counts.split(",")).map(String::trim).map(Integer::valueOf).toList();
    }

    private static List<FrameLoad.Target> perCamera(List<String> cameras, String stream, FrameLoad.Kind kind) {
        return cameras.stream().map(c -> new FrameLoad.Target(c, "/cam/" + c + stream, kind, 1)).toList();
    }

    private static List<String> cameraNames(int n) {
        List<String> names = new ArrayList<>(List.of("main"));
        for (int i = 2; i <= n; i++) {
            names.add("c" + i);
        }
        return names;
    }

    /** Camera main from the flat settings, the others as {@code camera.c<i>.*} sections, all alike. */
    private String[] serverArgs(int n, String codec, int maxViewers, String... extra) {
        String[] wh = size.split("x");
        List<String> args = new ArrayList<>(List.of("--max-viewers", Integer.toString(maxViewers), "--source", "test",
                "--width", wh[0], "--height", wh[1], "--fps", Integer.toString(fps), "--codec", codec));
        for (int i = 2; i <= n; i++) {
            String p = "--camera.c" + i + ".";
            args.addAll(List.of(p + "source", "test", p + "width", wh[0], p + "height", wh[1], p + "fps",
                    Integer.toString(fps), p + "codec", codec));
        }
        args.addAll(List.of(extra));
        return args.toArray(String[]::new);
    }

    private String[] gridArgs(String codec) {
        return serverArgs(gridCameras, codec, gridCameras * 2 + 10, "--idle-stop", "3600");
    }

    private String mavenCommand() {
        return String.format(Locale.ROOT, "mvn package -DskipTests && mvn verify -Dit.test=CamerasBenchmarkIT "
                + "-Dbenchmark=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dcameras=%d -Dsize=%s -Dfps=%d"
                + " -Dviewers=%d -Dseconds=%d -Dwarmup=%d -Dmjpeg-cameras=%s -Dgrid-cameras=%d -Dstills-fps=%d%s",
                maxCameras, size, fps, viewers, seconds, warmup, mjpegCameras, gridCameras, stillsFps,
                System.getProperty("camera-counts", "").isBlank() ? ""
                        : " -Dcamera-counts=" + System.getProperty("camera-counts"));
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cameraStatus(WarProcess server, String camera) {
        try {
            return JSON.std.mapFrom(server.get("/cam/" + camera + "/api/status"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static long viewersOf(WarProcess server, String camera) {
        Map<String, Object> viewers = (Map<String, Object>) cameraStatus(server, camera).get("viewers");
        return viewers.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
    }

    /** The least-squares slope of y over x. */
    static double slope(double[] x, double[] y) {
        double mx = Arrays.stream(x).average().orElse(0);
        double my = Arrays.stream(y).average().orElse(0);
        double num = 0;
        double den = 0;
        for (int i = 0; i < x.length; i++) {
            num += (x[i] - mx) * (y[i] - my);
            den += (x[i] - mx) * (x[i] - mx);
        }
        return den == 0 ? Double.NaN : num / den;
    }

    // --- measuring -----------------------------------------------------------------------------------------

    /** CPU seconds of one process from /proc/PID/stat: its own (utime + stime) and its reaped children's. */
    private record Cpu(double own, double reapedChildren) {
        private static final double TICKS_PER_SECOND = 100;

        static Cpu of(long pid) throws IOException {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return new Cpu((Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND,
                    (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND);
        }
    }

    /** The server's and its children's CPU so far, the load client's, and every camera's counters. */
    private record Snapshot(long nanos, Cpu server, Map<Long, Double> children, Map<Long, Boolean> transcoders,
            double client, double machineBusy, Map<String, long[]> cameraCounters) {

        /** CPU seconds the whole machine has been busy (all but idle and iowait), from /proc/stat. */
        static double readMachineBusy() throws IOException {
            String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
            long busy = 0;
            for (int i = 1; i <= 8 && i < f.length; i++) {
                if (i != 4 && i != 5) {
                    busy += Long.parseLong(f[i]);
                }
            }
            return busy / Cpu.TICKS_PER_SECOND;
        }


        @SuppressWarnings("unchecked")
        static Snapshot take(WarProcess server, List<String> cameras) throws IOException {
            Map<String, long[]> counters = new LinkedHashMap<>();
            for (String camera : cameras) {
                Map<String, Object> status = cameraStatus(server, camera);
                Map<String, Object> capture = (Map<String, Object>) status.get("camera");
                counters.put(camera, new long[] {((Number) capture.get("frames")).longValue(),
                        ((Number) status.get("framesDropped")).longValue()});
            }
            long nanos = System.nanoTime();
            Cpu own = Cpu.of(server.pid());
            Map<Long, Double> children = new HashMap<>();
            Map<Long, Boolean> transcoders = new HashMap<>();
            for (ProcessMeter.Child child : ProcessMeter.children(server.pid())) {
                try {
                    children.put(child.pid(), Cpu.of(child.pid()).own());
                    // jaffree feeds the transcoder its H.264 over loopback; a camera's ffmpeg reads lavfi
                    transcoders.put(child.pid(), child.commandLine().contains("-i tcp://"));
                } catch (IOException gone) {
                    // ended meanwhile: its time is in the server's reaped children's
                }
            }
            double client = Cpu.of(ProcessHandle.current().pid()).own();
            return new Snapshot(nanos, own, children, transcoders, client, readMachineBusy(), counters);
        }

        Map<String, Double> fpsSince(Snapshot before) {
            double s = (nanos - before.nanos) / 1e9;
            Map<String, Double> fps = new LinkedHashMap<>();
            cameraCounters.forEach((camera, c) -> fps.put(camera, (c[0] - before.cameraCounters.get(camera)[0]) / s));
            return fps;
        }

        long droppedSince(Snapshot before) {
            long dropped = 0;
            for (Map.Entry<String, long[]> e : cameraCounters.entrySet()) {
                dropped += e.getValue()[1] - before.cameraCounters.get(e.getKey())[1];
            }
            return dropped;
        }
    }

    /**
     * CPU over a window, in percent of one core. A child that lived through the window counts its difference,
     * one that started in it all its time, one that ended in it what the server reaped of it less what it had
     * at the start.
     */
    private record Cost(double seconds, double jvm, double children, double transcoders, double client,
            double machine, int childrenEnded) {

        static Cost between(Snapshot before, Snapshot after) {
            double s = (after.nanos - before.nanos) / 1e9;
            double children = 0;
            double transcoders = 0;
            for (Map.Entry<Long, Double> e : after.children.entrySet()) {
                double used = e.getValue() - before.children.getOrDefault(e.getKey(), 0.0);
                children += used;
                if (after.transcoders.get(e.getKey())) {
                    transcoders += used;
                }
            }
            int ended = 0;
            double endedAtStart = 0;
            for (Map.Entry<Long, Double> e : before.children.entrySet()) {
                if (!after.children.containsKey(e.getKey())) {
                    ended++;
                    endedAtStart += e.getValue();
                }
            }
            children += after.server.reapedChildren() - before.server.reapedChildren() - endedAtStart;
            return new Cost(s, after.server.own() - before.server.own(), children, transcoders,
                    after.client - before.client, after.machineBusy - before.machineBusy, ended);
        }

        double jvmPercent() {
            return 100 * jvm / seconds;
        }

        double childrenPercent() {
            return 100 * children / seconds;
        }

        double transcoderPercent() {
            return 100 * transcoders / seconds;
        }

        double clientPercent() {
            return 100 * client / seconds;
        }

        /** The machine's busy time that is neither the server, its children nor the load client. */
        double othersPercent() {
            return Math.max(0, 100 * (machine - jvm - children - client) / seconds);
        }

        double totalPercent() {
            return jvmPercent() + childrenPercent();
        }
    }

    /** One measured run. {@code result} is null for a run without viewers. */
    private record Row(String label, int cameras, Cost cost, Map<String, Double> cameraFps, FrameLoad.Result result,
            long dropped, long heapAfterGc, long rss, int threads) {

        String cameraFpsText() {
            return cameraFps.values().stream().map(f -> String.format(Locale.ROOT, "%.1f", f))
                    .collect(Collectors.joining(" / "));
        }

        double megabytesPerSecond() {
            return result == null ? 0 : result.bytes() / 1e6 / cost.seconds();
        }

        String slowestText() {
            if (result == null) {
                return "-";
            }
            List<String> parts = new ArrayList<>();
            for (FrameLoad.Kind kind : FrameLoad.Kind.values()) {
                boolean any = result.viewers().stream().anyMatch(v -> v.kind() == kind);
                parts.add(any ? String.format(Locale.ROOT, "%.1f", result.slowestFps(kind)) : "-");
            }
            return String.join(" / ", parts);
        }

        String line() {
            return String.format(Locale.ROOT, "| %s | %.1f | %.1f (%.1f)%s | %.1f | %.1f | %s | %s | %s | %d | %.1f | %.1f | %.0f | %d |",
                    label, cost.jvmPercent(), cost.childrenPercent(), cost.transcoderPercent(),
                    cost.childrenEnded() > 0 ? " [" + cost.childrenEnded() + " ended]" : "", cost.clientPercent(),
                    cost.othersPercent(),
                    cameraFpsText(), slowestText(), result == null ? "-"
                            : String.format(Locale.ROOT, "%.1f / %.1f", result.latencyMillis(50),
                                    result.latencyMillis(99)),
                    dropped, megabytesPerSecond(), heapAfterGc / 1e6, rss / 1e6, threads);
        }
    }
}
