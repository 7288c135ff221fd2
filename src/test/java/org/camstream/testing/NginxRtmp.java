package org.camstream.testing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Debian's nginx with libnginx-mod-rtmp, as a relay for publishing tests: its own prefix directory and
 * configuration in a temporary directory, one process in the foreground ({@code daemon off; master_process
 * off;}), an RTMP listener on a loopback port. The system's nginx service is never used or touched.
 * It can be stopped and started again on the same port, as a relay that goes away and comes back.
 *
 * <p>Without nginx or the module, tests that need it are skipped, unless CAMSTREAM_REQUIRE_NGINX=1 (as in CI).
 */
public final class NginxRtmp implements AutoCloseable {

    public static final Path NGINX = Path.of("/usr/sbin/nginx");
    public static final Path RTMP_MODULE = Path.of("/usr/lib/nginx/modules/ngx_rtmp_module.so");

    private final Path dir;
    private final int port;
    private Process process;

    private NginxRtmp(Path dir, int port) {
        this.dir = dir;
        this.port = port;
    }

    /** Skips the calling test when nginx-rtmp is missing, or fails it where it is required. */
    public static void assumeInstalled() {
        if (Files.isExecutable(NGINX) && Files.isReadable(RTMP_MODULE)) {
            return;
        }
        String message = "nginx with the RTMP module is not installed (no " + NGINX + " or " + RTMP_MODULE
                + "); install it with: sudo apt-get install nginx libnginx-mod-rtmp";
        if ("1".equals(System.getenv("CAMSTREAM_REQUIRE_NGINX"))) {
            throw new AssertionError(message + " (required because CAMSTREAM_REQUIRE_NGINX=1)");
        }
        Assumptions.abort(message);
    }

    /** Starts nginx on a free loopback port, with the applications {@code live} and {@code other}. */
    public static NginxRtmp start(Path dir) throws IOException {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = probe.getLocalPort();
        }
        Files.createDirectories(dir.resolve("logs"));
        Files.writeString(dir.resolve("nginx.conf"), String.join("\n",
                "load_module " + RTMP_MODULE + ";",
                "daemon off;",
                "master_process off;",
                "worker_processes 1;",
                "error_log " + dir.resolve("logs/error.log") + " info;",
                "pid " + dir.resolve("nginx.pid") + ";",
                "events { worker_connections 64; }",
                "rtmp {",
                "  server {",
                "    listen 127.0.0.1:" + port + ";",
                "    application live { live on; }",
                "    application other { live on; }",
                "  }",
                "}", ""));
        NginxRtmp nginx = new NginxRtmp(dir, port);
        nginx.startAgain();
        return nginx;
    }

    /** Starts nginx (again) on the same port; returns once it accepts connections. */
    public void startAgain() throws IOException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("nginx runs already");
        }
        process = new ProcessBuilder(List.of(NGINX.toString(), "-p", dir.toString(), "-c",
                dir.resolve("nginx.conf").toString(), "-e", dir.resolve("logs/error.log").toString()))
                .redirectErrorStream(true).redirectOutput(dir.resolve("logs/stdout.log").toFile()).start();
        Poll.until(Duration.ofSeconds(10), "nginx to listen on port " + port, () -> {
            if (!process.isAlive()) {
                throw new AssertionError("nginx exited with status " + process.exitValue() + ": " + log());
            }
            return accepts();
        });
    }

    /** Stops nginx, as a relay that crashed; returns once the port refuses connections. */
    public void stop() {
        if (process == null) {
            return;
        }
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        }
        Poll.until(Duration.ofSeconds(5), "port " + port + " to be closed", () -> !accepts());
    }

    public boolean accepts() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    public int port() {
        return port;
    }

    /** The URL a stream is published to and played from. */
    public String url(String application, String stream) {
        return "rtmp://127.0.0.1:" + port + "/" + application + "/" + stream;
    }

    public String log() {
        try {
            return Files.readString(dir.resolve("logs/error.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    @Override
    public void close() {
        stop();
    }
}
