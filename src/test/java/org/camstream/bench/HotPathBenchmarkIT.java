package org.camstream.bench;

import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.camstream.testing.Poll;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * The hot-path benchmark: what a delivered byte costs the server, for each kind of stream, and what the shared
 * transcoder costs per picture. The server is the WAR with the small-board JVM options. It measures; it asserts
 * nothing tight. Run it with
 * {@code mvn verify -Dit.test=HotPathBenchmarkIT -Dbenchmark=true -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false}
 * and optionally {@code -Dviewers=100 -Dseconds=20 -Dsize=640x480 -Dtranscoder-sizes=640x480,1280x720|none
 * -Dmjpg-streamer=/path/to/mjpg_streamer}
 * (mjpg-streamer built from source, its plugins in {@code plugins/} beside it) to serve the very same JPEG
 * pictures from mjpg-streamer in the same run. See docs/measured.md ("The hot path in detail").
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class HotPathBenchmarkIT {

    private final int viewers = Integer.getInteger("viewers", 100);
    private final int seconds = Integer.getInteger("seconds", 20);
    private final String size = System.getProperty("size", "640x480");
    private final List<String> rows = new ArrayList<>();

    @Test
    void hotPath() throws Exception {
        String[] wh = size.split("x");
        Path pictures = Files.createTempDirectory("camstream-bench-pictures");
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD, "--max-viewers",
                Integer.toString(viewers + 10), "--width", wh[0], "--height", wh[1], "--codec", "mjpeg")) {
            grabPictures(server.port(), 60, pictures);
            measure("camstream /stream.mjpeg", server.pid(), server.port(), "/stream.mjpeg", HttpLoad.Kind.MULTIPART,
                    server::cameraFrames);
        }
        String mjpgStreamer = System.getProperty("mjpg-streamer");
        if (mjpgStreamer != null) {
            try (Mjpgstreamer other = Mjpgstreamer.start(Path.of(mjpgStreamer), pictures)) {
                measure("mjpg-streamer ?action=stream", other.pid(), other.port(), "/?action=stream",
                        HttpLoad.Kind.MULTIPART, () -> 0);
            }
        }
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD, "--max-viewers",
                Integer.toString(viewers + 10), "--width", wh[0], "--height", wh[1], "--codec", "h264")) {
            measure("camstream /stream.h264", server.pid(), server.port(), "/stream.h264", HttpLoad.Kind.BYTES,
                    server::cameraFrames);
            measure("camstream /ws/video (fMP4)", server.pid(), server.port(), "/ws/video", HttpLoad.Kind.WEBSOCKET,
                    server::cameraFrames);
        }
        System.out.printf(Locale.ROOT, "%n=== hot path: %d viewers, %s, 30 fps, %d s each, server -Xmx64m, %d cores ===%n",
                viewers, size, seconds, Runtime.getRuntime().availableProcessors());
        System.out.println("| stream | CPU s per GB | writes per frame per viewer | latency p50 / p99 ms "
                + "| camera fps | viewer fps slowest / median | threads | RSS MB | MB/s |");
        System.out.println("|---|---|---|---|---|---|---|---|---|");
        rows.forEach(System.out::println);
        transcoder();
    }

    /** Runs {@code viewers} viewers of one stream for the measuring window and adds its row. */
    private void measure(String name, long pid, int port, String path, HttpLoad.Kind kind,
            java.util.function.LongSupplier cameraFrames) throws Exception {
        try (HttpLoad load = HttpLoad.start(port, path, viewers, kind)) {
            HttpLoad.pass(3); // warm-up: every viewer connected and at the live edge
            ProcessMeter before = ProcessMeter.of(pid);
            long framesBefore = cameraFrames.getAsLong();
            load.startMeasuring();
            HttpLoad.pass(seconds);
            HttpLoad.Result result = load.stopMeasuring(seconds);
            ProcessMeter after = ProcessMeter.of(pid);
            long frames = cameraFrames.getAsLong() - framesBefore;
            // Raw H.264 has no picture marks on the wire: every viewer was sent every camera frame.
            long delivered = kind == HttpLoad.Kind.BYTES ? frames * viewers : result.pictures();
            double fps = kind == HttpLoad.Kind.BYTES ? frames / (double) seconds : result.slowestFps();
            rows.add(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.1f / %.1f | %.1f | %.1f / %.1f | %d | %.0f | %.1f |", name,
                    after.cpuSince(before) / (result.bytes() / 1e9),
                    after.writeSyscallsSince(before) / (double) Math.max(1, delivered),
                    result.latencyMillis(50), result.latencyMillis(99), frames / (double) seconds, fps,
                    kind == HttpLoad.Kind.BYTES ? fps : result.medianFps(), after.threads(),
                    after.residentBytes() / 1e6, result.bytes() / 1e6 / seconds));
        }
    }

    /**
     * The shared transcoder, H.264 camera to MJPEG viewers, at several sizes: its ffmpeg's CPU per picture, and
     * what it adds to the latency, against the fMP4 of the same camera in the same run.
     */
    private void transcoder() throws Exception {
        String sizes = System.getProperty("transcoder-sizes", "640x480,1280x720,1920x1080");
        if (sizes.isBlank() || sizes.equals("none")) {
            return;
        }
        System.out.printf(Locale.ROOT, "%n=== transcoder (H.264 camera, 10 MJPEG viewers and 1 fMP4 viewer, %d s) ===%n",
                seconds);
        System.out.println("| size | transcoder CPU ms per picture | MJPEG p50 / p99 ms | fMP4 p50 / p99 ms "
                + "| added p50 / p99 ms | MJPEG fps |");
        System.out.println("|---|---|---|---|---|---|");
        for (String s : sizes.split(",")) {
            String[] wh = s.split("x");
            try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD, "--width", wh[0], "--height", wh[1],
                    "--codec", "h264");
                    HttpLoad mjpeg = HttpLoad.start(server.port(), "/stream.mjpeg", 10, HttpLoad.Kind.MULTIPART);
                    HttpLoad mp4 = HttpLoad.start(server.port(), "/ws/video", 1, HttpLoad.Kind.WEBSOCKET)) {
                ProcessMeter.Child transcoder = Poll.until(Duration.ofSeconds(20), "the transcoder's ffmpeg",
                        () -> transcoderOf(server.pid()), c -> c != null);
                System.out.println("transcoder: " + transcoder.commandLine());
                HttpLoad.pass(3);
                ProcessMeter before = ProcessMeter.of(transcoder.pid());
                mjpeg.startMeasuring();
                mp4.startMeasuring();
                HttpLoad.pass(seconds);
                HttpLoad.Result jpeg = mjpeg.stopMeasuring(seconds);
                HttpLoad.Result video = mp4.stopMeasuring(seconds);
                ProcessMeter after = ProcessMeter.of(transcoder.pid());
                double perPicture = jpeg.pictures() == 0 ? Double.NaN
                        : 1000 * after.cpuSince(before) / (jpeg.pictures() / 10.0);
                System.out.printf(Locale.ROOT, "| %s | %.1f | %.1f / %.1f | %.1f / %.1f | %.1f / %.1f | %.1f |%n", s,
                        perPicture, jpeg.latencyMillis(50), jpeg.latencyMillis(99), video.latencyMillis(50),
                        video.latencyMillis(99), jpeg.latencyMillis(50) - video.latencyMillis(50),
                        jpeg.latencyMillis(99) - video.latencyMillis(99), jpeg.slowestFps());
            }
        }
    }

    /** The server's ffmpeg that turns H.264 into JPEG, or null while it has not started. */
    private static ProcessMeter.Child transcoderOf(long pid) {
        try {
            for (ProcessMeter.Child child : ProcessMeter.children(pid)) {
                if (child.commandLine().contains("mjpeg") && child.commandLine().contains("tcp://")) { // jaffree feeds it over loopback
                    return child;
                }
            }
            return null;
        } catch (IOException e) {
            return null;
        }
    }

    /** Saves {@code count} pictures of a server's MJPEG stream as files, for mjpg-streamer to serve. */
    private static void grabPictures(int port, int count, Path dir) throws IOException {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write("GET /stream.mjpeg HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                    .getBytes(StandardCharsets.US_ASCII));
            InputStream in = new java.io.BufferedInputStream(socket.getInputStream());
            int saved = 0;
            StringBuilder line = new StringBuilder();
            long length = -1;
            int c;
            while (saved < count && (c = in.read()) >= 0) {
                if (c != '\n') {
                    line.append((char) c);
                    continue;
                }
                String header = line.toString().trim();
                line.setLength(0);
                if (header.startsWith("Content-Length:")) {
                    length = Long.parseLong(header.substring(15).trim());
                } else if (header.isEmpty() && length > 0) {
                    Files.write(dir.resolve(String.format(Locale.ROOT, "%04d.jpg", saved++)), in.readNBytes((int) length));
                    length = -1;
                }
            }
        }
    }

    /** mjpg-streamer serving a folder of JPEG files at 30 fps over its HTTP output. */
    private record Mjpgstreamer(Process process, int port) implements AutoCloseable {

        static Mjpgstreamer start(Path binary, Path pictures) throws IOException {
            int port;
            try (ServerSocket socket = new ServerSocket(0)) {
                port = socket.getLocalPort();
            }
            Path plugins = binary.toAbsolutePath().getParent().resolve("plugins");
            Process process = new ProcessBuilder(binary.toString(),
                    "-i", plugins.resolve("input_file/input_file.so") + " -e -f " + pictures + "/ -d 0.0333",
                    "-o", plugins.resolve("output_http/output_http.so") + " -l 127.0.0.1 -p " + port)
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            Mjpgstreamer started = new Mjpgstreamer(process, port);
            Poll.until(Duration.ofSeconds(10), "mjpg-streamer to listen", () -> {
                try (Socket s = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
            return started;
        }

        long pid() {
            return process.pid();
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        }
    }
}
