package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.Optional;
import javax.imageio.ImageIO;
import org.camstream.testing.Browser;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * The URLs other tools expect: mjpg-streamer's {@code /?action=stream} and {@code /?action=snapshot},
 * µStreamer's {@code /stream} and {@code /snapshot}, and CORS for pages of other origins, as Mainsail reads
 * MJPEG: {@code fetch(mode: 'cors')}, frames delimited by each part's Content-Length.
 */
class CompatibleUrlsIT {

    @Test
    void mjpgStreamerAndUStreamerUrlsServeTheStreamAndTheSnapshot() throws Exception {
        try (TestServer server = TestServer.start("--width", "640", "--height", "360")) {
            for (String path : new String[] {"/?action=stream", "/stream"}) {
                try (MjpegClient client = MjpegClient.open(server.port(), path)) {
                    assertEquals(200, client.status(), path);
                    assertTrue(client.headers().get("content-type").startsWith("multipart/x-mixed-replace"), path);
                    for (int i = 0; i < 3; i++) {
                        BufferedImage picture = ImageIO.read(new ByteArrayInputStream(client.next().body()));
                        assertEquals(640, picture.getWidth(), path);
                    }
                }
            }
            for (String path : new String[] {"/?action=snapshot", "/snapshot"}) {
                HttpResponse<byte[]> snapshot = server.get(path);
                assertEquals(200, snapshot.statusCode(), path);
                assertEquals(Optional.of("image/jpeg"), snapshot.headers().firstValue("content-type"), path);
                assertEquals(360, ImageIO.read(new ByteArrayInputStream(snapshot.body())).getHeight(), path);
            }
            HttpResponse<byte[]> page = server.get("/");
            assertEquals(200, page.statusCode());
            assertTrue(new String(page.body(), StandardCharsets.UTF_8).contains("<title>camstream</title>"));
            HttpResponse<byte[]> bad = server.get("/?action=play");
            assertEquals(400, bad.statusCode());
            Map<String, Object> error = JSON.std.mapFrom(bad.body());
            assertTrue(String.valueOf(error.get("error")).contains("stream or snapshot"), error.toString());
            // mjpg-streamer's multi-input form: camera 0 is the only one.
            assertEquals(200, server.get("/?action=snapshot_0").statusCode());
            HttpResponse<byte[]> none = server.get("/?action=stream_1");
            assertEquals(404, none.statusCode());
            assertTrue(String.valueOf(JSON.std.mapFrom(none.body()).get("error")).contains("there is no camera 1"));
            assertEquals(400, server.get("/?action=stream_12").statusCode(), "one digit, as httpd.c reads it");
            HttpResponse<byte[]> named = server.get("/?camera=main");
            assertEquals(302, named.statusCode(), "a camera named at the root is sent to its own page");
            assertTrue(named.headers().firstValue("location").orElse("").endsWith("/cam/main/"), named.headers().toString());
            assertEquals(200, server.get("/?camera=").statusCode(), "an empty name: the first camera's page");
            HttpResponse<byte[]> unknown = server.get("/?camera=nope");
            assertEquals(404, unknown.statusCode());
            assertTrue(String.valueOf(JSON.std.mapFrom(unknown.body()).get("error")).contains("there is no camera nope"));
        }
    }

    @Test
    void corsOriginsGetTheHeaderOthersDoNot() {
        try (TestServer server = TestServer.start("--cors-origins", "http://mainsail.lan, http://octopi.local:5000")) {
            for (String path : new String[] {"/snapshot.jpg", "/?action=snapshot", "/snapshot"}) {
                assertEquals(Optional.of("http://mainsail.lan"), allowOrigin(server, path, "http://mainsail.lan"), path);
                assertEquals(Optional.of("http://octopi.local:5000"), allowOrigin(server, path, "http://octopi.local:5000"));
                assertEquals(Optional.empty(), allowOrigin(server, path, "http://evil.example"), path);
                assertEquals(Optional.empty(), allowOrigin(server, path, null), path);
            }
            HttpResponse<byte[]> preflight = server.send(HttpRequest.newBuilder(server.uri("/stream.mjpeg"))
                    .method("OPTIONS", HttpRequest.BodyPublishers.noBody()).header("Origin", "http://mainsail.lan")
                    .header("Access-Control-Request-Method", "GET").build());
            assertEquals(204, preflight.statusCode());
            assertEquals(Optional.of("http://mainsail.lan"), preflight.headers().firstValue("access-control-allow-origin"));
            assertTrue(preflight.headers().firstValue("access-control-allow-methods").orElse("").contains("GET"));
            assertEquals(Optional.empty(), server.get("/api/status").headers().firstValue("access-control-allow-origin"),
                    "only what anyone may watch");
        }
        try (TestServer any = TestServer.start("--cors-origins", "*")) {
            assertEquals(Optional.of("*"), allowOrigin(any, "/snapshot.jpg", "http://anything.example:8123"));
        }
        try (TestServer none = TestServer.start()) {
            assertEquals(Optional.empty(), allowOrigin(none, "/snapshot.jpg", "http://mainsail.lan"), "off by default");
        }
    }

    @Test
    void aPageOfAnotherOriginReadsMjpegFramesWithFetchAsMainsailDoes() {
        try (TestServer dashboard = TestServer.start("--width", "320", "--height", "240")) {
            String origin = "http://127.0.0.1:" + dashboard.port();
            ChromeDriver browser = Browser.start();
            try (TestServer camera = TestServer.start("--width", "640", "--height", "360", "--cors-origins", origin);
                    TestServer closed = TestServer.start("--width", "640", "--height", "360")) {
                browser.get(dashboard.uri("/api/status").toString());
                @SuppressWarnings("unchecked")
                Map<String, Object> read = (Map<String, Object>) browser.executeAsyncScript(MAINSAIL_READER,
                        camera.uri("/?action=stream").toString());
                assertEquals(null, read.get("error"), read.toString());
                assertTrue(((Number) read.get("frames")).intValue() >= 3, read.toString());
                assertEquals(640L, read.get("width"), read.toString());

                @SuppressWarnings("unchecked")
                Map<String, Object> refused = (Map<String, Object>) browser.executeAsyncScript(MAINSAIL_READER,
                        closed.uri("/stream.mjpeg").toString());
                assertTrue(String.valueOf(refused.get("error")).contains("TypeError"),
                        "a camera without cors-origins is not readable: " + refused);
            } finally {
                browser.quit();
            }
        }
    }

    /** Reads three JPEG frames the way Mainsail's MJPEG reader does, and decodes the last one. */
    private static final String MAINSAIL_READER = """
            const url = arguments[0], done = arguments[arguments.length - 1];
            (async () => {
              const response = await fetch(url, {mode: 'cors'});
              const reader = response.body.getReader();
              let buffer = new Uint8Array(0), frames = 0, last = null;
              const text = new TextDecoder('latin1');
              while (frames < 3) {
                const {value, done: ended} = await reader.read();
                if (ended) break;
                const joined = new Uint8Array(buffer.length + value.length);
                joined.set(buffer); joined.set(value, buffer.length); buffer = joined;
                for (;;) {
                  const head = text.decode(buffer.subarray(0, Math.min(buffer.length, 400)));
                  const match = /Content-Length: *(\\d+)\\r\\n(?:[^\\r\\n]+\\r\\n)*\\r\\n/i.exec(head);
                  if (!match) break;
                  const start = match.index + match[0].length, length = Number(match[1]);
                  if (buffer.length < start + length) break;
                  last = buffer.slice(start, start + length);
                  buffer = buffer.slice(start + length);
                  frames++;
                }
              }
              reader.cancel();
              const bitmap = await createImageBitmap(new Blob([last], {type: 'image/jpeg'}));
              return {frames, width: bitmap.width, error: null};
            })().then(done, (e) => done({frames: 0, error: String(e)}));
            """;

    private static Optional<String> allowOrigin(TestServer server, String path, String origin) {
        HttpRequest.Builder request = HttpRequest.newBuilder(server.uri(path));
        if (origin != null) {
            request.header("Origin", origin);
        }
        return server.send(request.build()).headers().firstValue("access-control-allow-origin");
    }
}
