package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.camstream.testing.LogCapture;
import org.camstream.testing.MediaTools;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.camstream.testing.VideoSocketClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A camera URL with a password: the password appears in no answer anyone can get without the admin login,
 * and in no line of the log, however the camera fails: refused by ffprobe, or failing inside ffmpeg.
 */
class SecretsIT {

    private static final String PASSWORD = "S3cretPa55w0rd";

    @TempDir
    Path dir;

    @Test
    void anRtspPasswordStaysSecretWhileTheCameraIsRefused() throws Exception {
        try (ServerSocket refusing = new ServerSocket(0); LogCapture log = new LogCapture()) {
            Thread closer = new Thread(() -> {
                while (!refusing.isClosed()) {
                    try (Socket s = refusing.accept()) {
                        s.getOutputStream().write("RTSP/1.0 401 Unauthorized\r\nCSeq: 1\r\n\r\n"
                                .getBytes(StandardCharsets.US_ASCII));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
            closer.setDaemon(true);
            closer.start();
            String input = "rtsp://camera:" + PASSWORD + "@127.0.0.1:" + refusing.getLocalPort() + "/live";
            try (TestServer server = TestServer.start("--source", "ffmpeg", "--input", input);
                    MjpegClient watching = MjpegClient.open(server.port(), "/stream.mjpeg")) {
                List<String> answers = publicAnswersWhileFailing(server);
                assertTrue(answers.stream().anyMatch(a -> a.contains("rtsp://camera:***@127.0.0.1")),
                        "the URL is shown, masked: " + answers.get(0));
                assertTrue(log.lines().stream().anyMatch(l -> l.contains("rtsp://camera:***@127.0.0.1")),
                        "the failure is logged, with the URL masked");
                assertSecretNowhere(answers, log);
            }
        }
    }

    @Test
    void anHttpPasswordStaysSecretWhenFfmpegItselfFails() throws Exception {
        byte[] mjpeg = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-frames:v", "20",
                "-c:v", "mjpeg", "-f", "mjpeg", "-");
        AtomicInteger requests = new AtomicInteger();
        HttpServer camera = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        camera.createContext("/cam.mjpeg", exchange -> {
            // The probe and the first run get pictures; every later attempt is refused, so ffmpeg prints the URL.
            if (requests.incrementAndGet() <= 2) {
                exchange.getResponseHeaders().add("Content-Type", "video/x-motion-jpeg");
                exchange.sendResponseHeaders(200, mjpeg.length);
                try (OutputStream out = exchange.getResponseBody()) {
                    out.write(mjpeg);
                }
            } else {
                exchange.sendResponseHeaders(401, -1);
                exchange.close();
            }
        });
        camera.start();
        try (LogCapture log = new LogCapture()) {
            String input = "http://camera:" + PASSWORD + "@127.0.0.1:" + camera.getAddress().getPort() + "/cam.mjpeg";
            try (TestServer server = TestServer.start("--source", "ffmpeg", "--codec", "mjpeg", "--input", input);
                    MjpegClient watching = MjpegClient.open(server.port(), "/stream.mjpeg")) {
                Poll.until(Duration.ofSeconds(30), "ffmpeg to have run and failed",
                        () -> requests.get() >= 3 && server.camera().get("lastError") != null);
                List<String> answers = publicAnswersWhileFailing(server);
                // The URL reaches ffmpeg in a script, so its command line has no password to mask; the log
                // says which URL, masked.
                assertTrue(log.lines().stream().anyMatch(l -> l.contains("Starting ffmpeg") && l.contains(".ffconcat")),
                        "the command line is logged");
                assertTrue(log.lines().stream().anyMatch(l -> l.contains("http://camera:***@127.0.0.1:")
                        && l.contains("goes to ffmpeg in")), "the URL it reads is logged, masked");
                assertSecretNowhere(answers, log);
            }
        } finally {
            camera.stop(0);
        }
    }

    /** Everything a visitor without a login can read while the camera fails. */
    private static List<String> publicAnswersWhileFailing(TestServer server) throws Exception {
        Poll.until(Duration.ofSeconds(30), "the camera to report an error",
                () -> server.camera().get("lastError") != null);
        List<String> answers = new ArrayList<>();
        for (String path : List.of("/api/status", "/api/status/history", "/", "/index.html", "/player.js", "/camstream.js", "/snapshot.jpg",
                "/admin", "/api/config", "/no-such-page", "/stream.jpg?fps=abc")) {
            HttpResponse<byte[]> response = server.get(path);
            answers.add(path + " " + response.statusCode() + " " + response.headers().map() + " "
                    + new String(response.body(), StandardCharsets.UTF_8));
        }
        try (VideoSocketClient ws = VideoSocketClient.connect(server.port(), null)) {
            VideoSocketClient.Message greeting = ws.next(10);
            assertTrue(greeting.isText(), "a viewer of a failing camera is told at once");
            answers.add("ws " + greeting.text());
        }
        try (MjpegClient mjpeg = MjpegClient.open(server.port(), "/stream.mjpeg")) {
            MjpegClient.Part part = mjpeg.next();
            answers.add("/stream.mjpeg " + mjpeg.headers() + " " + part.headers());
        }
        Map<String, Object> camera = server.camera();
        assertFalse(String.valueOf(camera.get("recentLog")).isEmpty());
        return answers;
    }

    private static void assertSecretNowhere(List<String> answers, LogCapture log) {
        for (String answer : answers) {
            assertFalse(answer.contains(PASSWORD), "the password leaked: " + answer);
        }
        List<String> leaking = log.lines().stream().filter(l -> l.contains(PASSWORD)).toList();
        assertEquals(List.of(), leaking, "log lines with the password");
    }

    static String read(InputStream in) throws IOException {
        return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
}
