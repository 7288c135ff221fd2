package org.camstream.testing;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Assumptions;

/**
 * A real IP camera for the tests: Debian's GStreamer RTSP server ({@code src/test/resources/rtsp-camera.py}) serving
 * an H.264 test pattern, optionally with AAC sound and an RTSP Basic login, on one mount path of a free loopback
 * port. The script is run with Debian's {@code /usr/bin/python3} where that one has the GStreamer bindings (a
 * {@code python3} earlier on the PATH, such as pyenv's, usually has not), else with the {@code python3} on the PATH.
 *
 * <p>The server process never outlives the JVM: {@link #close()} ends it, a shutdown hook ends any left over, and
 * where the JVM dies without running its hooks the script stops by itself when its stdin (a pipe from here)
 * closes. The password goes to the script in an environment variable, never on its command line, and is masked in
 * every message.
 *
 * <p>Without the packages, tests that need it are skipped ({@link #assumeAvailable()}), unless
 * CAMSTREAM_REQUIRE_RTSP=1 (as in CI).
 */
public final class RtspCamera implements AutoCloseable {

    public static final String REQUIRE_ENV = "CAMSTREAM_REQUIRE_RTSP";
    public static final String SCRIPT_RESOURCE = "/rtsp-camera.py";
    public static final Path SCRIPT_SOURCE = Path.of("src", "test", "resources", "rtsp-camera.py");
    /** Debian's interpreter first: python3-gi installs the bindings for it only. */
    private static final List<String> PYTHONS = List.of("/usr/bin/python3", "python3");
    private static final String PACKAGES = "python3-gi gir1.2-gst-rtsp-server-1.0 gstreamer1.0-plugins-base"
            + " gstreamer1.0-plugins-good gstreamer1.0-plugins-ugly gstreamer1.0-libav gstreamer1.0-x";
    private static final String PASSWORD_ENV = "RTSP_CAMERA_PASSWORD";
    private static final int EXIT_BIND = 3;
    private static final int LOG_LINES = 50;
    private static final Duration CHECK_TIMEOUT = Duration.ofSeconds(60);
    private static final Duration READY_TIMEOUT = Duration.ofSeconds(20);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(5);
    /** How long a restart keeps trying to bind the port that the previous process just let go. */
    private static final Duration REBIND_TIMEOUT = Duration.ofSeconds(10);

    /** Every server process running, for the shutdown hook. */
    private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

    static {
        Runtime.getRuntime().addShutdownHook(new Thread(RtspCamera::killAll, "rtsp-camera-reaper"));
    }

    private static volatile Availability availability;

    private final Builder config;
    private final String python;
    private final Path script;
    private final Deque<String> log = new ArrayDeque<>();
    private int port;
    private Process process;
    private List<Thread> readers = List.of();
    private Duration startupTime = Duration.ZERO;

    private RtspCamera(Builder config, String python, Path script) {
        this.config = config;
        this.python = python;
        this.script = script;
    }

    // ---- availability

    private record Availability(String python, Path script, String problem) {}

    /** Whether python3 with GStreamer's RTSP server and every element the script needs (sound too) is installed. */
    public static boolean isAvailable() {
        return availability().problem() == null;
    }

    /** Why {@link #isAvailable()} is false, or null. */
    public static String unavailableReason() {
        return availability().problem();
    }

    /** Skips the calling test when the camera cannot run here, or fails it where CAMSTREAM_REQUIRE_RTSP=1. */
    public static void assumeAvailable() {
        String problem = unavailableReason();
        if (problem == null) {
            return;
        }
        String message = "the RTSP test camera cannot run: " + problem + "; install it with: sudo apt-get install "
                + PACKAGES;
        if ("1".equals(System.getenv(REQUIRE_ENV))) {
            throw new AssertionError(message + " (required because " + REQUIRE_ENV + "=1)");
        }
        Assumptions.abort(message);
    }

    private static Availability availability() {
        Availability known = availability;
        if (known == null) {
            synchronized (RtspCamera.class) {
                known = availability;
                if (known == null) {
                    known = check();
                    availability = known;
                }
            }
        }
        return known;
    }

    /**
     * Runs the script's own {@code --check --audio} with each interpreter in turn: it imports gi with
     * GstRtspServer 1.0, looks up every element (x264enc, rtph264pay, an AAC encoder, ...) in the same GStreamer
     * registry the server will use, and parses the pipeline.
     */
    private static Availability check() {
        Path script;
        try {
            script = script();
        } catch (AssertionError e) {
            return new Availability(null, null, e.getMessage());
        }
        List<String> problems = new ArrayList<>();
        for (String python : PYTHONS) {
            List<String> command = List.of(python, script.toString(), "--check", "--audio", "--port", "0");
            try {
                Process process = new ProcessBuilder(command).redirectErrorStream(true)
                        .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
                CompletableText output = CompletableText.of(process.getInputStream());
                if (!process.waitFor(CHECK_TIMEOUT.toSeconds(), TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    problems.add(python + ": no answer in " + CHECK_TIMEOUT.toSeconds() + " s");
                    continue;
                }
                if (process.exitValue() == 0) {
                    return new Availability(python, script, null);
                }
                problems.add(python + ": " + output.lastLines(5));
            } catch (IOException e) {
                problems.add(python + ": " + e.getMessage());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return new Availability(null, script, "interrupted");
            }
        }
        return new Availability(null, script, String.join("; ", problems));
    }

    private static Path script() {
        URL url = RtspCamera.class.getResource(SCRIPT_RESOURCE);
        if (url != null && "file".equals(url.getProtocol())) {
            try {
                return Path.of(url.toURI());
            } catch (URISyntaxException e) {
                // the source copy below
            }
        }
        if (Files.isReadable(SCRIPT_SOURCE)) {
            return SCRIPT_SOURCE.toAbsolutePath();
        }
        throw new AssertionError("no " + SCRIPT_RESOURCE + " on the test classpath nor " + SCRIPT_SOURCE);
    }

    // ---- starting

    public static Builder builder() {
        return new Builder();
    }

    /** An open camera at 640x360, 15 fps, without sound, on {@code /cam}. */
    public static RtspCamera start() {
        return builder().start();
    }

    /** What the camera serves; {@link #start()} starts it. */
    public static final class Builder {
        private String path = "/cam";
        private int width = 640;
        private int height = 360;
        private int fps = 15;
        private int bitrateKbps = 1000;
        private String profile = "main";
        private String pattern = "smpte";
        private boolean audio;
        private String user;
        private String password;
        private String relay;

        private Builder() {
        }

        public Builder path(String path) {
            if (!path.startsWith("/") || path.length() < 2) {
                throw new IllegalArgumentException("a mount path like /cam: " + path);
            }
            this.path = path;
            return this;
        }

        public Builder size(int width, int height) {
            this.width = positive(width, "width");
            this.height = positive(height, "height");
            return this;
        }

        public Builder fps(int fps) {
            this.fps = positive(fps, "fps");
            return this;
        }

        public Builder bitrateKbps(int kbps) {
            this.bitrateKbps = positive(kbps, "bitrate");
            return this;
        }

        /** baseline, main (the default) or high: what the SPS says. */
        public Builder profile(String profile) {
            if (!List.of("baseline", "main", "high").contains(profile)) {
                throw new IllegalArgumentException("baseline, main or high: " + profile);
            }
            this.profile = profile;
            return this;
        }

        /** A videotestsrc pattern name: smpte (the default), ball, snow, black, ... */
        public Builder pattern(String pattern) {
            this.pattern = pattern;
            return this;
        }

        /** RTSP Basic authentication: only this user may DESCRIBE and play; everyone else gets 401. */
        public Builder login(String user, String password) {
            if (user.isEmpty() || user.contains(":") || password.isEmpty()) {
                throw new IllegalArgumentException("a user without ':' and a non-empty password");
            }
            this.user = user;
            this.password = password;
            return this;
        }

        /** An AAC track (a 440 Hz tone, 48 kHz mono) beside the video. */
        public Builder audio(boolean audio) {
            this.audio = audio;
            return this;
        }

        public Builder audio() {
            return audio(true);
        }

        /**
         * No encoder: the server relays the H.264 of another RTSP server ({@code rtsp://host:port/path}, without a
         * login) as it comes, one shared media for every client; size, fps, bitrate, profile and pattern are then
         * the other server's. For benchmarks that compare RTSP servers on the very same pictures.
         */
        public Builder relay(String url) {
            if (!url.startsWith("rtsp://") || url.split("/")[2].contains("@")) {
                throw new IllegalArgumentException("an rtsp:// URL without a login: " + url);
            }
            if (audio) {
                throw new IllegalArgumentException("a relay serves the video only");
            }
            this.relay = url;
            return this;
        }

        /** Starts the camera on a free loopback port; returns once it listens. */
        public RtspCamera start() {
            Availability available = availability();
            if (available.problem() != null) {
                throw new AssertionError("the RTSP test camera cannot run: " + available.problem());
            }
            RtspCamera camera = new RtspCamera(copy(), available.python(), available.script());
            camera.startOnFreePort();
            return camera;
        }

        private Builder copy() {
            Builder copy = new Builder();
            copy.path = path;
            copy.width = width;
            copy.height = height;
            copy.fps = fps;
            copy.bitrateKbps = bitrateKbps;
            copy.profile = profile;
            copy.pattern = pattern;
            copy.audio = audio;
            copy.user = user;
            copy.password = password;
            copy.relay = relay;
            return copy;
        }

        private static int positive(int value, String name) {
            if (value <= 0) {
                throw new IllegalArgumentException(name + " must be positive: " + value);
            }
            return value;
        }
    }

    /** A free port can be taken by someone else between its probe and the server's bind: then another one. */
    private synchronized void startOnFreePort() {
        for (int attempt = 1; ; attempt++) {
            port = freePort();
            Integer status = launch(Duration.ZERO);
            if (status == null) {
                return;
            }
            if (status != EXIT_BIND || attempt == 3) {
                throw failure("exited with status " + status + " before it was ready");
            }
        }
    }

    private static int freePort() {
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            return probe.getLocalPort();
        } catch (IOException e) {
            throw new AssertionError("no free loopback port", e);
        }
    }

    /**
     * Starts the script on {@link #port} and waits for its READY line. Returns null once it is ready, or the exit
     * status of a script that ended before (the caller decides whether to try again).
     */
    private Integer launch(Duration bindTimeout) {
        List<String> command = new ArrayList<>(List.of(python, "-u", script.toString(),
                "--port", String.valueOf(port), "--path", config.path,
                "--width", String.valueOf(config.width), "--height", String.valueOf(config.height),
                "--fps", String.valueOf(config.fps), "--bitrate", String.valueOf(config.bitrateKbps),
                "--profile", config.profile, "--test-pattern", config.pattern,
                "--bind-timeout", String.valueOf(bindTimeout.toMillis() / 1000.0), "--exit-on-stdin-eof"));
        if (config.audio) {
            command.add("--audio");
        }
        if (config.relay != null) {
            command.addAll(List.of("--relay", config.relay));
        }
        if (config.user != null) {
            command.addAll(List.of("--user", config.user, "--password-env", PASSWORD_ENV));
        }
        ProcessBuilder builder = new ProcessBuilder(command);
        builder.environment().remove(PASSWORD_ENV);
        if (config.user != null) {
            builder.environment().put(PASSWORD_ENV, config.password);
        }
        AtomicInteger ready = new AtomicInteger();
        long startNanos = System.nanoTime();
        Process started;
        try {
            started = builder.start(); // stdin stays a pipe: its end tells the script that the JVM is gone
        } catch (IOException e) {
            throw new AssertionError("cannot run " + python + ": " + e.getMessage(), e);
        }
        RUNNING.add(started);
        process = started;
        remember("--- " + String.join(" ", command.subList(1, command.size())));
        readers = List.of(
                reader(started.getInputStream(), "stdout", line -> {
                    if (line.matches("READY \\d+")) {
                        ready.set(Integer.parseInt(line.substring(6)));
                    } else {
                        remember("stdout: " + line);
                    }
                }),
                reader(started.getErrorStream(), "stderr", this::remember));
        try {
            Poll.until(READY_TIMEOUT, "the RTSP camera on port " + port + " to be ready",
                    () -> ready.get() != 0 || !started.isAlive());
        } catch (AssertionError e) {
            stop();
            throw failure("was not ready in " + READY_TIMEOUT.toSeconds() + " s");
        }
        if (ready.get() == 0 || !started.isAlive()) {
            stop(); // it has ended: this only collects its status and the rest of its log
            return started.exitValue();
        }
        if (ready.get() != port) {
            stop();
            throw failure("listened on " + ready.get() + ", not " + port);
        }
        startupTime = Duration.ofNanos(System.nanoTime() - startNanos);
        return null;
    }

    private Thread reader(InputStream stream, String name, Consumer<String> sink) {
        Thread thread = new Thread(() -> {
            try (BufferedReader reader = new BufferedReader(new InputStreamReader(stream, StandardCharsets.UTF_8))) {
                for (String line; (line = reader.readLine()) != null; ) {
                    sink.accept(line);
                }
            } catch (IOException e) {
                // the process is gone
            }
        }, "rtsp-camera-" + port + "-" + name);
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    private void remember(String line) {
        synchronized (log) {
            if (log.size() == LOG_LINES) {
                log.removeFirst();
            }
            log.addLast(line);
        }
    }

    // ---- using and stopping

    /** {@code rtsp://127.0.0.1:port/path}, without credentials. */
    public String url() {
        return "rtsp://127.0.0.1:" + port + config.path;
    }

    /** {@code rtsp://user:password@127.0.0.1:port/path}; the plain {@link #url()} for an open camera. */
    public String urlWithLogin() {
        if (config.user == null) {
            return url();
        }
        return "rtsp://" + userinfo(config.user) + ":" + userinfo(config.password) + "@127.0.0.1:" + port + config.path;
    }

    public int port() {
        return port;
    }

    public String user() {
        return config.user;
    }

    public String password() {
        return config.password;
    }

    public int width() {
        return config.width;
    }

    public int height() {
        return config.height;
    }

    public int fps() {
        return config.fps;
    }

    /** How long the last start or restart took until the server listened. */
    public Duration startupTime() {
        return startupTime;
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** The server process's id, or -1 when it is stopped. */
    public synchronized long pid() {
        return isRunning() ? process.pid() : -1;
    }

    /** Every live process of this JVM's that runs the camera script: empty after the tests. */
    public static List<ProcessHandle> processes() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().commandLine().map(c -> c.contains("rtsp-camera.py")).orElse(false))
                .toList();
    }

    /** The last lines the script wrote to stderr (and stdout, but READY), the password masked. */
    public String log() {
        synchronized (log) {
            return mask(String.join("\n", log));
        }
    }

    /**
     * SIGTERM, then SIGKILL if the script has not ended within a few seconds; returns once it has, with its exit
     * status (0: it stopped cleanly), or -1 if it did not run.
     */
    public synchronized int stop() {
        Process running = process;
        if (running == null) {
            return -1;
        }
        process = null;
        // SIGTERM through the handle: Process.destroy() would also close the pipes at once, and the script would
        // see its stdin end and lose its last words to a broken stderr (status 1, no log) instead.
        running.toHandle().destroy();
        try {
            if (!running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
                remember("(no exit " + STOP_TIMEOUT.toSeconds() + " s after SIGTERM: killed)");
                running.destroyForcibly();
                running.waitFor(STOP_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
            for (Thread reader : readers) {
                reader.join(STOP_TIMEOUT.toMillis());
            }
        } catch (InterruptedException e) {
            running.destroyForcibly();
            Thread.currentThread().interrupt();
        } finally {
            RUNNING.remove(running);
            closeQuietly(running);
        }
        return running.isAlive() ? -1 : running.exitValue();
    }

    /** Starts the camera again on the same port, which the previous process may have left only just now. */
    public synchronized void restart() {
        stop();
        Integer status = launch(REBIND_TIMEOUT);
        if (status != null) {
            throw failure("exited with status " + status + " before it was ready again"
                    + (status == EXIT_BIND ? " (port " + port + " still taken)" : ""));
        }
    }

    @Override
    public void close() {
        stop();
    }

    // ---- helpers

    /** For a camera that has been stopped already, so that its log is complete. */
    private AssertionError failure(String what) {
        return new AssertionError(mask("the RTSP camera " + url() + " " + what + "; its log:\n" + log()));
    }

    private String mask(String text) {
        if (config.password == null) {
            return text;
        }
        return text.replace(config.password, "****").replace(userinfo(config.password), "****");
    }

    /** Percent-encodes all but RFC 3986's unreserved characters, for the user-info part of a URL. */
    private static String userinfo(String text) {
        StringBuilder out = new StringBuilder();
        for (byte b : text.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (b & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || "-._~".indexOf(c) >= 0)) {
                out.append(c);
            } else {
                out.append('%').append(String.format("%02X", b & 0xff));
            }
        }
        return out.toString();
    }

    private static void closeQuietly(Process process) {
        for (java.io.Closeable stream : List.of(process.getOutputStream(), process.getInputStream(),
                process.getErrorStream())) {
            try {
                stream.close();
            } catch (IOException e) {
                // nothing to do
            }
        }
    }

    private static void killAll() {
        for (Process process : RUNNING) {
            process.destroy();
        }
        for (Process process : RUNNING) {
            try {
                if (!process.waitFor(2, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                }
            } catch (InterruptedException e) {
                process.destroyForcibly();
            }
        }
    }

    /** All of a stream's text, read in the background, for the availability check. */
    private static final class CompletableText {
        private final StringBuffer text = new StringBuffer();
        private final Thread thread;

        private CompletableText(InputStream stream) {
            thread = new Thread(() -> {
                try (InputStream in = stream) {
                    text.append(new String(in.readAllBytes(), StandardCharsets.UTF_8));
                } catch (IOException e) {
                    text.append(e);
                }
            }, "rtsp-camera-check");
            thread.setDaemon(true);
            thread.start();
        }

        static CompletableText of(InputStream stream) {
            return new CompletableText(stream);
        }

        String lastLines(int n) {
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            List<String> lines = text.toString().lines().toList();
            return String.join(" | ", lines.subList(Math.max(0, lines.size() - n), lines.size()));
        }
    }
}
