package org.camstream.testing;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.apache.commons.io.file.PathUtils;

/**
 * Debian's nginx with camstream's shipped configuration ({@code tomcat-conf/nginx-camstream.conf}), started by
 * the test in a temporary prefix on a free loopback port, never the system's service: only the port, the
 * upstream's address and the cache directory differ from the shipped file.
 */
public final class Nginx implements AutoCloseable {

    public static final Path BINARY = Path.of("/usr/sbin/nginx");
    public static final Path SHIPPED = Path.of("tomcat-conf", "nginx-camstream.conf");

    private final Process process;
    private final Path dir;
    private final int port;

    private Nginx(Process process, Path dir, int port) {
        this.process = process;
        this.dir = dir;
        this.port = port;
    }

    public static Nginx start(int upstreamPort) throws IOException {
        if (!Files.isExecutable(BINARY)) {
            throw new AssertionError("this test needs Debian's nginx in " + BINARY + " (apt-get install nginx)");
        }
        Path dir = Files.createTempDirectory("camstream-nginx");
        int port = freePort();
        String site = Files.readString(SHIPPED);
        site = replaceOnce(site, "listen 80;", "listen 127.0.0.1:" + port + ";");
        site = replaceOnce(site, "server 127.0.0.1:8080;", "server 127.0.0.1:" + upstreamPort + ";");
        site = replaceOnce(site, "/var/cache/nginx/camstream", dir.resolve("cache").toString());
        Files.writeString(dir.resolve("camstream.conf"), site);
        // Run as root (CI), nginx's workers would become nobody, who may not enter this private directory.
        String user = "root".equals(System.getProperty("user.name")) ? "user root root;\n" : "";
        Files.writeString(dir.resolve("nginx.conf"), user
                + "daemon off;\nworker_processes 1;\npid " + dir.resolve("nginx.pid") + ";\n"
                + "error_log " + dir.resolve("error.log") + " warn;\n"
                + "events { worker_connections 4096; }\n"
                + "http {\n  access_log off;\n"
                + "  client_body_temp_path " + dir.resolve("body") + ";\n"
                + "  proxy_temp_path " + dir.resolve("proxy") + ";\n"
                + "  include " + dir.resolve("camstream.conf") + ";\n}\n");
        Process process = new ProcessBuilder(BINARY.toString(), "-p", dir.toString(), "-e",
                dir.resolve("error.log").toString(), "-c", dir.resolve("nginx.conf").toString())
                .redirectErrorStream(true).redirectOutput(dir.resolve("stdout.log").toFile()).start();
        Nginx nginx = new Nginx(process, dir, port);
        try {
            Poll.until(Duration.ofSeconds(10), "nginx to listen on " + port, () -> {
                if (!process.isAlive()) {
                    throw new AssertionError("nginx ended: " + nginx.log());
                }
                try (Socket socket = new Socket("127.0.0.1", port)) {
                    return true;
                } catch (IOException e) {
                    return false;
                }
            });
        } catch (RuntimeException | Error e) {
            nginx.close();
            throw e;
        }
        return nginx;
    }

    private static String replaceOnce(String text, String what, String with) {
        int at = text.indexOf(what);
        if (at < 0 || text.indexOf(what, at + 1) >= 0) {
            throw new AssertionError("the shipped nginx configuration must contain '" + what + "' once");
        }
        return text.replace(what, with);
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }

    public int port() {
        return port;
    }

    /** What nginx logged, for a failure message. */
    public String log() {
        try {
            return Files.readString(dir.resolve("stdout.log")) + Files.readString(dir.resolve("error.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    /** SIGTERM to the master, which stops its worker; then the directory goes. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(10, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                process.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            PathUtils.deleteDirectory(dir);
        } catch (IOException e) {
            // a temp dir left behind does not fail a test
        }
    }
}
