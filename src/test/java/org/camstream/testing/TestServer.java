package org.camstream.testing;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.commons.io.file.PathUtils;
import java.util.function.Supplier;
import org.camstream.camera.source.V4l2Device;
import org.camstream.launcher.EmbeddedServer;
import org.camstream.web.DeviceListing;

/**
 * camstream in an embedded Tomcat on a free loopback port, started from src/main/webapp and the compiled
 * classes, exactly as the WAR would run but without packaging it first.
 */
public final class TestServer implements AutoCloseable {

    /** The admin login every test server gets, unless a test passes its own. */
    public static final String ADMIN_USER = "admin";
    public static final String ADMIN_PASSWORD = "test-password";

    private final EmbeddedServer server;
    private final Path dataDir;
    private final boolean ownsDataDir;
    /** The RTSP port it was started with: known without asking /api/status, which may need the viewer login. */
    private final int rtspPort;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private TestServer(EmbeddedServer server, Path dataDir, boolean ownsDataDir, int rtspPort) {
        this.server = server;
        this.rtspPort = rtspPort;
        this.dataDir = dataDir;
        this.ownsDataDir = ownsDataDir;
    }

    public static TestServer start(String... settings) {
        try {
            return start(Files.createTempDirectory("camstream-test-data"), true, settings);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A server on a data directory the caller keeps, for tests that restart the server on the same one. */
    public static TestServer startIn(Path dataDir, String... settings) {
        return start(dataDir, false, settings);
    }

    private static TestServer start(Path dataDir, boolean ownsDataDir, String... settings) {
        try {
            List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1",
                    "--data-dir", dataDir.toString()));
            if (!List.of(settings).contains("--admin-password")) {
                args.addAll(List.of("--admin-password", ADMIN_PASSWORD));
            }
            if (!List.of(settings).contains("--rtsp-port")) {
                // RTSP on ports of its own: tests run servers side by side, and 8554 may be taken
                args.addAll(List.of("--rtsp-port", Integer.toString(FreePorts.tcp()), "--rtsp-rtp-port",
                        Integer.toString(FreePorts.udpPair())));
            }
            args.addAll(List.of(settings));
            int rtspPort = Integer.parseInt(args.get(args.lastIndexOf("--rtsp-port") + 1));
            EmbeddedServer server = EmbeddedServer.start(args, Path.of("src/main/webapp"), Path.of("target/classes"));
            return new TestServer(server, dataDir, ownsDataDir, rtspPort);
        } catch (Exception e) {
            throw new AssertionError("cannot start camstream: " + e, e);
        }
    }

    public int port() {
        return server.port();
    }

    public URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port() + path);
    }

    public EmbeddedServer server() {
        return server;
    }

    public Path dataDir() {
        return dataDir;
    }

    /**
     * Makes {@code /api/config} list these webcams instead of the machine's, which has none: the listing is
     * what the test fakes, the rest of the server is real.
     */
    public void listWebcams(List<V4l2Device> webcams) {
        List<Map<String, Object>> list = new ArrayList<>();
        for (V4l2Device webcam : webcams) {
            List<Map<String, Object>> formats = new ArrayList<>();
            for (V4l2Device.Format format : webcam.formats()) {
                formats.add(Map.of("compressed", format.compressed(), "format", format.format(),
                        "description", format.description(), "sizes", format.sizes()));
            }
            list.add(Map.of("path", webcam.path(), "name", webcam.name(), "formats", formats));
        }
        try {
            String json = JSON.std.asString(list);
            // A JDK type, because the web application loads camstream's classes with a class loader of its own.
            Supplier<String> listing = () -> json;
            server.context().getServletContext().setAttribute(DeviceListing.ATTRIBUTE, listing);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /**
     * Makes {@code /api/config} list the sound devices of {@code asoundRoot}, a directory laid out as
     * {@code /proc/asound}, instead of the machine's, which has no sound card.
     */
    public void listSoundDevices(Path asoundRoot) {
        server.context().getServletContext().setAttribute(org.camstream.audio.AudioDevices.ATTRIBUTE,
                asoundRoot.toString());
    }

    /** A request builder for this server, with the admin login. */
    public HttpRequest.Builder asAdmin(String path) {
        String credentials = java.util.Base64.getEncoder().encodeToString(
                (ADMIN_USER + ":" + ADMIN_PASSWORD).getBytes(java.nio.charset.StandardCharsets.UTF_8));
        return HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20))
                .header("Authorization", "Basic " + credentials);
    }

    public HttpResponse<byte[]> send(HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError(request.method() + " " + request.uri() + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public HttpResponse<byte[]> get(String path) {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(20)).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
        } catch (IOException e) {
            throw new AssertionError("GET " + path + " failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** {@code /api/status} as nested maps. */
    public Map<String, Object> status() {
        HttpResponse<byte[]> response = get("/api/status");
        if (response.statusCode() != 200) {
            throw new AssertionError("/api/status answered " + response.statusCode());
        }
        try {
            return JSON.std.mapFrom(response.body());
        } catch (IOException e) {
            throw new AssertionError("/api/status is not JSON", e);
        }
    }

    /** The port the server's RTSP listens on (0: off). */
    public int rtspPort() {
        return rtspPort;
    }

    /** {@code rtsp://127.0.0.1:<port>/<path>}. */
    public String rtspUrl(String path) {
        return "rtsp://127.0.0.1:" + rtspPort() + path;
    }

    @SuppressWarnings("unchecked")
    public Map<String, Object> camera() {
        return (Map<String, Object>) status().get("camera");
    }

    /** The ffmpeg processes this JVM started, directly or not, that are still alive. */
    public static List<ProcessHandle> ffmpegProcesses() {
        return ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg") || c.equals("ffmpeg")).orElse(false))
                .toList();
    }

    @Override
    public void close() {
        server.close();
        if (!ownsDataDir) {
            return;
        }
        try {
            PathUtils.deleteDirectory(dataDir);
        } catch (IOException e) {
            // a temp dir left behind does not fail a test
        }
    }
}
