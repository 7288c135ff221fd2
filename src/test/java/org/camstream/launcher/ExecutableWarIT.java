package org.camstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarFile;
import java.util.stream.Collectors;
import org.camstream.testing.Poll;
import org.camstream.testing.WarProcess;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged WAR, run the way users run it: {@code java -jar target/camstream.war}. */
class ExecutableWarIT {

    private static final Path WAR = Path.of(System.getProperty("camstream.war", "target/camstream.war"));
    private final HttpClient http = HttpClient.newHttpClient();

    @TempDir
    Path dataDir;

    @Test
    void theWarKeepsTheEmbeddedTomcatAwayFromARealOne() throws IOException {
        try (JarFile jar = new JarFile(WAR.toFile())) {
            assertEquals("org.camstream.launcher.Main", jar.getManifest().getMainAttributes().getValue("Main-Class"));
            assertNotNull(jar.getEntry("org/camstream/launcher/Main.class"), "the launcher sits at the root");
            List<String> names = jar.stream().map(e -> e.getName()).collect(Collectors.toList());
            assertTrue(names.stream().anyMatch(n -> n.matches("WEB-INF/lib-embedded/tomcat-embed-core-10\\.1\\.59\\.jar")));
            assertTrue(names.stream().anyMatch(n -> n.matches("WEB-INF/lib-embedded/tomcat-embed-websocket-10\\.1\\.59\\.jar")));
            assertFalse(names.stream().anyMatch(n -> n.startsWith("WEB-INF/lib/tomcat")), "no Tomcat in WEB-INF/lib");
            assertFalse(names.stream().anyMatch(n -> n.startsWith("WEB-INF/lib/jakarta.")), "no container APIs in WEB-INF/lib");
            assertTrue(names.stream().anyMatch(n -> n.startsWith("WEB-INF/lib/jaffree-2024.08.29")));
        }
    }

    @Test
    void runsWithJavaJarAndLeavesNoFfmpegBehindAfterSigterm() throws Exception {
        int port = freePort();
        Process server = new ProcessBuilder(java(), "-Xmx64m", "-jar", WAR.toString(), "--port",
                Integer.toString(port), "--bind", "127.0.0.1", "--data-dir", dataDir.toString(),
                "--width", "640", "--height", "360")
                .redirectErrorStream(true)
                .redirectOutput(dataDir.resolve("server.log").toFile())
                .start();
        try {
            Poll.until(Duration.ofSeconds(60), "the server to answer /api/status",
                    () -> status(port, "/api/status") == 200);
            HttpResponse<byte[]> snapshot = http.send(
                    HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/snapshot.jpg")).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            assertEquals(200, snapshot.statusCode(), log());
            assertEquals("image/jpeg", snapshot.headers().firstValue("content-type").orElse(""));
            assertEquals(403, status(port, "/org/camstream/launcher/Main.class"));

            List<ProcessHandle> ffmpeg = server.descendants()
                    .filter(p -> p.info().command().map(c -> c.endsWith("ffmpeg")).orElse(false))
                    .collect(Collectors.toList());
            assertEquals(2, ffmpeg.size(), "the snapshot started the H.264 camera and the JPEG transcoder");

            server.destroy(); // SIGTERM
            assertTrue(server.waitFor(30, TimeUnit.SECONDS), "the server stops on SIGTERM");
            for (ProcessHandle p : ffmpeg) {
                assertFalse(p.isAlive(), "ffmpeg " + p.pid() + " outlived the server");
            }
            assertTrue(log().contains("camstream is running at"), log());
        } finally {
            server.destroyForcibly();
        }
    }

    @Test
    void badSettingsStopWithAClearMessage() throws Exception {
        Process p = new ProcessBuilder(java(), "-jar", WAR.toString(), "--width", "abc", "--data-dir",
                dataDir.toString()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(2, p.exitValue(), output);
        assertTrue(output.contains("camstream: width must be a whole number from 64 to 4096, got 'abc'"), output);

        p = new ProcessBuilder(java(), "-jar", WAR.toString(), "--help").redirectErrorStream(true).start();
        output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, p.exitValue(), output);
        for (org.camstream.config.Setting setting : org.camstream.config.Setting.values()) {
            String flag = setting.flag();
            assertTrue(output.contains(flag), flag + " in --help: " + output);
        }
    }

    @Test
    void aPortInUseStopsWithAClearMessage() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            Process p = new ProcessBuilder(java(), "-jar", WAR.toString(), "--port",
                    Integer.toString(taken.getLocalPort()), "--bind", "127.0.0.1", "--data-dir", dataDir.toString(),
                    "--codec", "mjpeg").redirectErrorStream(true).start();
            String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertTrue(p.waitFor(60, TimeUnit.SECONDS), output);
            // Not 0, so that systemd sees a failed start rather than a healthy server that serves nothing.
            assertEquals(2, p.exitValue(), output);
            assertTrue(output.contains("camstream: cannot listen on port " + taken.getLocalPort()
                    + " of 127.0.0.1: the port is in use"), output);
            assertTrue(output.contains("--port"), output);
            assertFalse(output.contains("camstream is running at"), output);
            assertFalse(output.contains("\tat org."), "no stack trace: " + output);
        }
    }

    private String log() {
        try {
            return Files.readString(dataDir.resolve("server.log"));
        } catch (IOException e) {
            return "(no log: " + e + ")";
        }
    }

    private int status(int port, String path) {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String java() {
        return WarProcess.javaTool("java");
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
