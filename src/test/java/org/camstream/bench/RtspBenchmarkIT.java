package org.camstream.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;
import org.camstream.testing.FreePorts;
import org.camstream.testing.Poll;
import org.camstream.testing.RtspCamera;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * What an RTSP client costs camstream, against a {@code /stream.h264} viewer of the same server and against
 * Debian's GStreamer RTSP server (gst-rtsp-server) serving the very same H.264, all in one run: CPU seconds per
 * delivered GB over each server's idle CPU.
 *
 * <p>The pictures come from one IP camera: gst-rtsp-server with an x264 test pattern ({@link RtspCamera}). Two
 * servers relay it without encoding: camstream, the WAR with the small-board JVM options, taking it as its
 * {@code ffmpeg} input (stream copy, RTSP over TCP); and a second gst-rtsp-server, {@code rtsp-camera.py --relay}
 * (rtspsrc over TCP, depayloaded and payloaded again, one shared media). Each server has one "keeper" RTSP-TCP
 * client from the start to the end, so that its input runs throughout (gst-rtsp-server makes and plays a media
 * only for a client; camstream starts its camera for a viewer). The windows, one after the other:
 * <ol>
 *   <li>idle: the keepers only;</li>
 *   <li>{@code clients} RTSP-TCP clients ({@link RtspLoad}) on camstream's {@code rtsp://.../main};</li>
 *   <li>{@code clients} {@code /stream.h264} viewers ({@link FrameLoad}) on camstream;</li>
 *   <li>{@code clients} RTSP-TCP clients on the gst-rtsp-server relay;</li>
 *   <li>idle again: the keepers only.</li>
 * </ol>
 * A server's CPU over idle is its CPU in the window less its mean CPU rate in the two idle windows times the
 * window's length; for camstream, the JVM and its ffmpeg children together (the input's ffmpeg runs in every
 * window alike). So the keeper and the input are in the idle and the figure is what the {@code clients} clients
 * add. It measures; it asserts only that every client was served. Run it with
 * {@code mvn package -DskipTests && mvn verify -Dit.test=RtspBenchmarkIT -Dbenchmark=true -Dtest=none
 * -Dsurefire.failIfNoSpecifiedTests=false} and optionally {@code -Dclients=50 -Dseconds=20 -Dwarmup=5
 * -Dsize=1280x720 -Dfps=30 -Dbitrate=2000 -Dpattern=snow -Drounds=1}; with more rounds, the three
 * loaded windows are run that many times in turn and added up, and each round's figures are printed too.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class RtspBenchmarkIT {

    private static final double TICKS_PER_SECOND = 100;

    private final int clients = Integer.getInteger("clients", 50);
    private final int seconds = Integer.getInteger("seconds", 20);
    private final int warmup = Integer.getInteger("warmup", 5);
    private final String size = System.getProperty("size", "1280x720");
    private final int fps = Integer.getInteger("fps", 30);
    private final int bitrate = Integer.getInteger("bitrate", 2000);
    private final String pattern = System.getProperty("pattern", "snow");
    private final int rounds = Integer.getInteger("rounds", 1);

    @Test
    void rtspAgainstH264AndGstRtspServer() throws Exception {
        RtspCamera.assumeAvailable();
        String[] wh = size.split("x");
        try (RtspCamera camera = RtspCamera.builder().path("/cam").size(Integer.parseInt(wh[0]), Integer.parseInt(wh[1]))
                .fps(fps).bitrateKbps(bitrate).pattern(pattern).start();
                RtspCamera gst = RtspCamera.builder().path("/relay").relay(camera.url()).start()) {
            int rtspPort = FreePorts.tcp();
            String[] args = {"--source", "ffmpeg", "--input", camera.url(), "--codec", "h264", "--width", wh[0],
                    "--height", wh[1], "--fps", Integer.toString(fps), "--max-viewers", Integer.toString(2 * clients + 10),
                    "--idle-stop", "3600", "--rtsp-port", Integer.toString(rtspPort), "--rtsp-rtp-port",
                    Integer.toString(FreePorts.udpPair())};
            WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD, args);
            String camstreamUrl = "rtsp://127.0.0.1:" + rtspPort + "/main";
            try (RtspLoad camstreamKeeper = startRtsp(camstreamUrl, 1, server);
                    RtspLoad gstKeeper = startRtsp(gst.url(), 1, server)) {
                Poll.until(Duration.ofSeconds(60), "both keepers' first pictures",
                        () -> camstreamKeeper.everyClientHasPictures() && gstKeeper.everyClientHasPictures());
                Meters meters = new Meters(server, gst, camera);
                HttpLoad.pass(warmup);

                Window idleBefore = meters.idle("idle before");
                List<List<Window>> byRound = new java.util.ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    byRound.add(List.of(meters.rtsp("camstream rtsp://.../main (TCP)", camstreamUrl, clients),
                            meters.h264("camstream /stream.h264", clients),
                            meters.rtsp("gst-rtsp-server relay (TCP)", gst.url(), clients)));
                }
                Window idleAfter = meters.idle("idle after");
                Window camstreamRtsp = Window.sum(byRound.stream().map(r -> r.get(0)).toList());
                Window camstreamH264 = Window.sum(byRound.stream().map(r -> r.get(1)).toList());
                Window gstRtsp = Window.sum(byRound.stream().map(r -> r.get(2)).toList());

                List<String> errors = server.log().lines().filter(l -> l.contains("WARN") || l.contains("ERROR")
                        || l.contains("SEVERE") || l.contains("Exception")).limit(20).toList();
                report(List.of(idleBefore, idleAfter), camstreamRtsp, camstreamH264, gstRtsp, byRound, args, camera, gst,
                        errors);

                assertEquals(0, camstreamKeeper.closed(), "camstream's keeper stayed connected");
                assertEquals(0, gstKeeper.closed(), "gst-rtsp-server's keeper stayed connected");
                for (Window w : List.of(camstreamRtsp, camstreamH264, gstRtsp)) {
                    assertTrue(w.slowestFps > 0, w.label + ": a client got nothing in the window");
                    assertEquals(0, w.closed, w.label + ": clients closed by the server");
                }
            } finally {
                stop(server);
            }
        }
    }

    private static RtspLoad startRtsp(String url, int count, WarProcess server) throws IOException {
        try {
            return RtspLoad.start(url, count);
        } catch (IOException e) {
            throw new AssertionError("RTSP clients of " + url + " not played: " + e.getMessage() + "\nserver log:\n"
                    + tail(server.log(), 30), e);
        }
    }

    // ------------------------------------------------------------------------------------------ the windows

    /** One measured window: each process's CPU seconds in it, and what the clients got. */
    private record Window(String label, double seconds, double camstreamJvm, double camstreamChildren, double gst,
            double camera, double client, double machine, int clients, long bytes, long packets, double slowestFps,
            double medianFps, double maxGapMillis, long sequenceGaps, long closed, double cameraFps, long dropped,
            long rtspDroppedPictures, long rtspDroppedPackets, long camstreamRss, int camstreamThreads, long gstRss,
            int gstThreads, String server) {

        double camstream() {
            return camstreamJvm + camstreamChildren;
        }

        /** The rounds' windows of one kind as one: times, CPU and counts added, the slowest slowest, the last RSS. */
        static Window sum(List<Window> ws) {
            Window last = ws.get(ws.size() - 1);
            return new Window(last.label, ws.stream().mapToDouble(Window::seconds).sum(),
                    ws.stream().mapToDouble(Window::camstreamJvm).sum(),
                    ws.stream().mapToDouble(Window::camstreamChildren).sum(), ws.stream().mapToDouble(Window::gst).sum(),
                    ws.stream().mapToDouble(Window::camera).sum(), ws.stream().mapToDouble(Window::client).sum(),
                    ws.stream().mapToDouble(Window::machine).sum(), last.clients,
                    ws.stream().mapToLong(Window::bytes).sum(), ws.stream().mapToLong(Window::packets).sum(),
                    ws.stream().mapToDouble(Window::slowestFps).min().orElse(0),
                    ws.stream().mapToDouble(Window::medianFps).average().orElse(0),
                    ws.stream().mapToDouble(Window::maxGapMillis).max().orElse(Double.NaN),
                    ws.stream().mapToLong(Window::sequenceGaps).sum(), ws.stream().mapToLong(Window::closed).sum(),
                    ws.stream().mapToDouble(w -> w.cameraFps * w.seconds).sum()
                            / ws.stream().mapToDouble(Window::seconds).sum(),
                    ws.stream().mapToLong(Window::dropped).sum(), ws.stream().mapToLong(Window::rtspDroppedPictures).sum(),
                    ws.stream().mapToLong(Window::rtspDroppedPackets).sum(), last.camstreamRss, last.camstreamThreads,
                    last.gstRss, last.gstThreads, last.server);
        }

        /** CPU seconds per delivered GB over idle, {@code idleRate} being the server's idle CPU seconds per second. */
        double perGb(double idleRate) {
            return (own() - idleRate * seconds) / (bytes / 1e9);
        }

        double own() {
            return server.equals("gst") ? gst : camstream();
        }

        double othersPercent() {
            return Math.max(0, 100 * (machine - camstream() - gst - camera - client) / seconds);
        }
    }

    /** Reads every process's CPU before and after a window. */
    private final class Meters {
        private final WarProcess server;
        private final RtspCamera gst;
        private final RtspCamera camera;

        Meters(WarProcess server, RtspCamera gst, RtspCamera camera) {
            this.server = server;
            this.gst = gst;
            this.camera = camera;
        }

        Window idle(String label) throws Exception {
            Sample before = sample();
            HttpLoad.pass(seconds);
            Sample after = sample();
            Window w = window(label, before, after, 0, 0, 0, 0, 0, 0, 0, 0, "idle");
            System.out.println("measured: " + w);
            return w;
        }

        Window rtsp(String label, String url, int count) throws Exception {
            try (RtspLoad load = startRtsp(url, count, server)) {
                Poll.until(Duration.ofSeconds(60), label + ": every client's first picture", () -> {
                    assertTrue(server.process().isAlive(), "the server exited:\n" + server.log());
                    return load.everyClientHasPictures();
                });
                HttpLoad.pass(warmup);
                Sample before = sample();
                load.startMeasuring();
                HttpLoad.pass(seconds);
                RtspLoad.Result r = load.stopMeasuring();
                Sample after = sample();
                Window w = window(label, before, after, count, r.bytes(), r.packets(), r.slowestFps(), r.medianFps(),
                        r.maxGapMillis(), r.sequenceGaps(), r.closed(), url.equals(gst.url()) ? "gst" : "camstream");
                if (r.badAnswers() > 0) {
                    System.out.println(label + ": " + r.badAnswers() + " keep-alive answers were not 200");
                }
                System.out.println("measured: " + w);
                return w;
            } finally {
                settle();
            }
        }

        Window h264(String label, int count) throws Exception {
            List<FrameLoad.Target> targets = List.of(new FrameLoad.Target("main", "/cam/main/stream.h264",
                    FrameLoad.Kind.H264, count));
            try (FrameLoad load = FrameLoad.start(server.port(), targets)) {
                Poll.until(Duration.ofSeconds(60), label + ": every viewer's first picture", () -> {
                    assertTrue(server.process().isAlive(), "the server exited:\n" + server.log());
                    assertEquals(0, load.refused(), label + ": viewers refused");
                    return load.everyViewerHasFrames();
                });
                HttpLoad.pass(warmup);
                Sample before = sample();
                load.startMeasuring();
                HttpLoad.pass(seconds);
                FrameLoad.Result r = load.stopMeasuring();
                Sample after = sample();
                double[] fps = r.viewers().stream().mapToDouble(v -> v.frames() / r.seconds()).sorted().toArray();
                Window w = window(label, before, after, count, r.bytes(), 0, fps[0], fps[fps.length / 2], Double.NaN,
                        0, r.closed(), "camstream");
                System.out.println("measured: " + w);
                return w;
            } finally {
                settle();
            }
        }

        /** Until camstream has let the clients of the window go (the keeper stays). */
        private void settle() {
            Poll.until(Duration.ofSeconds(20), "camstream to let the window's clients go", () -> {
                Map<String, Object> status = cameraStatus(server);
                @SuppressWarnings("unchecked")
                Map<String, Object> viewers = (Map<String, Object>) status.get("viewers");
                long total = viewers.values().stream().mapToLong(v -> ((Number) v).longValue()).sum();
                return total <= 1;
            });
            HttpLoad.pass(1);
        }

        private Window window(String label, Sample a, Sample b, int count, long bytes, long packets, double slowest,
                double median, double maxGap, long sequenceGaps, long closed, String which) throws IOException {
            double s = (b.nanos - a.nanos) / 1e9;
            ProcessMeter camstreamNow = ProcessMeter.of(server.pid());
            ProcessMeter gstNow = ProcessMeter.of(gst.pid());
            return new Window(label, s, b.jvm - a.jvm, b.children - a.children, b.gst - a.gst, b.camera - a.camera,
                    b.client - a.client, b.machine - a.machine, count, bytes, packets, slowest, median, maxGap,
                    sequenceGaps, closed, (b.frames - a.frames) / s, b.dropped - a.dropped,
                    b.rtspDroppedPictures - a.rtspDroppedPictures, b.rtspDroppedPackets - a.rtspDroppedPackets,
                    camstreamNow.residentBytes(), camstreamNow.threads(), gstNow.residentBytes(), gstNow.threads(),
                    which);
        }

        @SuppressWarnings("unchecked")
        private Sample sample() throws IOException {
            Map<String, Object> status = cameraStatus(server);
            Map<String, Object> capture = (Map<String, Object>) status.get("camera");
            long rtspPictures = 0;
            long rtspPackets = 0;
            Object rtsp = status.get("rtsp");
            if (rtsp instanceof Map<?, ?> r && r.get("clients") instanceof List<?> list) {
                for (Object c : list) {
                    Map<String, Object> client = (Map<String, Object>) c;
                    rtspPictures += ((Number) client.get("droppedPictures")).longValue();
                    rtspPackets += ((Number) client.get("droppedPackets")).longValue();
                }
            }
            long nanos = System.nanoTime();
            double[] jvm = cpu(server.pid());
            double children = jvm[1];
            for (ProcessMeter.Child child : ProcessMeter.children(server.pid())) {
                try {
                    children += cpu(child.pid())[0];
                } catch (IOException gone) {
                    // ended meanwhile: its time is in the reaped children's
                }
            }
            return new Sample(nanos, jvm[0], children, cpu(gst.pid())[0], cpu(camera.pid())[0],
                    cpu(ProcessHandle.current().pid())[0], machineBusy(),
                    ((Number) capture.get("frames")).longValue(), ((Number) status.get("framesDropped")).longValue(),
                    rtspPictures, rtspPackets);
        }
    }

    /**
     * CPU seconds so far. {@code children} is the camstream JVM's living children's own plus what it reaped; a
     * child that ends in a window is counted from 0 there (not expected: the input's ffmpeg lives throughout).
     */
    private record Sample(long nanos, double jvm, double children, double gst, double camera, double client,
            double machine, long frames, long dropped, long rtspDroppedPictures, long rtspDroppedPackets) {
    }

    /** {own, reaped children} CPU seconds of a process, from /proc/PID/stat (all its threads). */
    private static double[] cpu(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return new double[] {(Long.parseLong(f[11]) + Long.parseLong(f[12])) / TICKS_PER_SECOND,
                (Long.parseLong(f[13]) + Long.parseLong(f[14])) / TICKS_PER_SECOND};
    }

    /** CPU seconds the whole machine has been busy (all but idle and iowait), from /proc/stat. */
    private static double machineBusy() throws IOException {
        String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
        long busy = 0;
        for (int i = 1; i <= 8 && i < f.length; i++) {
            if (i != 4 && i != 5) {
                busy += Long.parseLong(f[i]);
            }
        }
        return busy / TICKS_PER_SECOND;
    }

    private static Map<String, Object> cameraStatus(WarProcess server) {
        try {
            return JSON.std.mapFrom(server.get("/cam/main/api/status"));
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    // ------------------------------------------------------------------------------------------ the report

    private void report(List<Window> idle, Window rtsp, Window h264, Window gst, List<List<Window>> byRound,
            String[] args, RtspCamera camera, RtspCamera gstRelay, List<String> errors) {
        double idleCamstream = idle.stream().mapToDouble(Window::camstream).sum()
                / idle.stream().mapToDouble(Window::seconds).sum();
        double idleCamstreamJvm = idle.stream().mapToDouble(Window::camstreamJvm).sum()
                / idle.stream().mapToDouble(Window::seconds).sum();
        double idleGst = idle.stream().mapToDouble(Window::gst).sum() / idle.stream().mapToDouble(Window::seconds).sum();
        System.out.printf(Locale.ROOT, "%n=== RTSP: %d clients each, %d round(s), camera %s@%d H.264 %d kbit/s (gst-rtsp-server, x264 "
                + "ultrafast, pattern %s, GOP %d), %d s windows after %d s warm-up, camstream %s, %d cores ===%n",
                clients, rounds, size, fps, bitrate, pattern, fps, seconds, warmup, String.join(" ", WarProcess.SMALL_BOARD),
                Runtime.getRuntime().availableProcessors());
        System.out.printf(Locale.ROOT, "idle (the keeper client and the input only), mean of the windows before and after:"
                + " camstream %.1f %% (JVM %.1f %%, its ffmpeg %.1f %%) [%s], gst-rtsp-server relay %.1f %% [%s]; the camera"
                + " (encoder) %s%n", 100 * idleCamstream, 100 * idleCamstreamJvm, 100 * (idleCamstream - idleCamstreamJvm),
                idle.stream().map(w -> String.format(Locale.ROOT, "%.1f", 100 * w.camstream() / w.seconds()))
                        .collect(Collectors.joining(" / ")), 100 * idleGst,
                idle.stream().map(w -> String.format(Locale.ROOT, "%.1f", 100 * w.gst() / w.seconds()))
                        .collect(Collectors.joining(" / ")),
                idle.stream().map(w -> String.format(Locale.ROOT, "%.1f %%", 100 * w.camera() / w.seconds()))
                        .collect(Collectors.joining(" / ")));
        System.out.println("| server / stream | clients | CPU s per delivered GB (over idle) | server CPU % (over idle) "
                + "| MB/s | pictures/s per client (slowest / median) | longest gap ms | RTP packets/s (all clients) "
                + "| RSS MB | threads | load client CPU % | others on the machine CPU % |");
        System.out.println("|---|---|---|---|---|---|---|---|---|---|---|---|");
        double[] perGb = new double[3];
        int i = 0;
        for (Window w : List.of(rtsp, h264, gst)) {
            double idleRate = w.server.equals("gst") ? idleGst : idleCamstream;
            double over = w.own() - idleRate * w.seconds;
            perGb[i++] = w.perGb(idleRate);
            boolean isGst = w.server.equals("gst");
            System.out.printf(Locale.ROOT, "| %s | %d | %.2f | %.1f (%+.1f) | %.2f | %.1f / %.1f | %s | %s | %.0f | %d | %.1f"
                    + " | %.1f |%n", w.label, w.clients, perGb[i - 1], 100 * w.own() / w.seconds, 100 * over / w.seconds,
                    w.bytes / 1e6 / w.seconds, w.slowestFps, w.medianFps,
                    Double.isNaN(w.maxGapMillis) ? "-" : String.format(Locale.ROOT, "%.0f", w.maxGapMillis),
                    w.packets == 0 ? "-" : String.format(Locale.ROOT, "%.0f", w.packets / w.seconds),
                    (isGst ? w.gstRss : w.camstreamRss) / 1e6, isGst ? w.gstThreads : w.camstreamThreads,
                    100 * w.client / w.seconds, w.othersPercent());
        }
        System.out.printf(Locale.ROOT, "ratios of CPU per delivered GB: camstream RTSP / camstream /stream.h264 = %.2f;"
                + " gst-rtsp-server / camstream RTSP = %.2f%n", perGb[0] / perGb[1], perGb[2] / perGb[0]);
        if (byRound.size() > 1) {
            for (int r = 0; r < byRound.size(); r++) {
                List<Window> ws = byRound.get(r);
                System.out.printf(Locale.ROOT, "round %d: CPU s per GB camstream RTSP %.2f, /stream.h264 %.2f, "
                        + "gst-rtsp-server %.2f%n", r + 1, ws.get(0).perGb(idleCamstream), ws.get(1).perGb(idleCamstream),
                        ws.get(2).perGb(idleGst));
            }
        }
        for (Window w : List.of(rtsp, h264, gst)) {
            System.out.printf(Locale.ROOT, "%s: camstream's input %.1f fps in the window, JVM %.1f %% + ffmpeg %.1f %%, "
                    + "gst relay %.1f %%, camera %.1f %%; dropped: %d pictures (status framesDropped), RTSP clients' "
                    + "droppedPictures %d, droppedPackets %d; RTP sequence gaps %d; clients closed %d%n", w.label,
                    w.cameraFps, 100 * w.camstreamJvm / w.seconds, 100 * w.camstreamChildren / w.seconds,
                    100 * w.gst / w.seconds, 100 * w.camera / w.seconds, w.dropped, w.rtspDroppedPictures,
                    w.rtspDroppedPackets, w.sequenceGaps, w.closed);
        }
        System.out.println("camstream's log, WARN/ERROR lines: " + (errors.isEmpty() ? "none" : "\n  "
                + String.join("\n  ", errors)));
        System.out.printf(Locale.ROOT, "reproduce: mvn package -DskipTests && mvn verify -Dit.test=RtspBenchmarkIT "
                + "-Dbenchmark=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false -Dclients=%d -Dseconds=%d "
                + "-Dwarmup=%d -Dsize=%s -Dfps=%d -Dbitrate=%d -Dpattern=%s -Drounds=%d%n", clients, seconds, warmup,
                size, fps, bitrate, pattern, rounds);
        System.out.println("camstream: java " + String.join(" ", WarProcess.SMALL_BOARD) + " -jar target/camstream.war "
                + String.join(" ", args));
        System.out.println("camera: " + camera.log().lines().filter(l -> l.contains("serving"))
                .collect(Collectors.joining("; ")));
        System.out.println("relay: " + gstRelay.log().lines().filter(l -> l.contains("serving") || l.contains("pipeline"))
                .collect(Collectors.joining("; ")));
    }

    private static String tail(String text, int lines) {
        List<String> all = text.lines().toList();
        return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** Stops the server and makes sure none of its ffmpeg children outlives it. */
    private static void stop(WarProcess server) throws InterruptedException {
        List<ProcessHandle> children = server.process().descendants().toList();
        server.close();
        try {
            Poll.until(Duration.ofSeconds(15), "the server's children to end",
                    () -> children.stream().noneMatch(ProcessHandle::isAlive));
        } catch (AssertionError e) {
            children.forEach(ProcessHandle::destroyForcibly);
        }
    }

    @Override
    public String toString() {
        return "RtspBenchmarkIT" + Arrays.asList(clients, seconds, size, fps, bitrate);
    }
}
