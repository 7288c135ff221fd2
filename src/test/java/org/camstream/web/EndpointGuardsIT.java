package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * Every endpoint's guards, declared once for the root and for every camera's {@code /cam/<name>/}: with
 * {@code viewer-auth} on, nothing a viewer can watch or read is served without the login, under either prefix,
 * and a path no endpoint declares asks for it too; CORS reaches the streams of every camera; the admin's answers
 * carry their security headers.
 */
class EndpointGuardsIT {

    /** What a viewer can watch or read, relative to a camera's root. */
    private static final List<String> WATCHED = List.of("", "snapshot.jpg", "snapshot", "stream.jpg", "stream.mjpeg",
            "stream", "stream.h264", "stream.mp4", "hls/index.m3u8", "ws/video", "api/status", "api/status/history",
            "index.html", "player.js", "camstream.css", "no-such-file.js");

    @Test
    void withTheViewerLoginEveryPathOfEveryCameraAsksForIt() {
        try (TestServer server = TestServer.start("--viewer-auth", "--viewer-user", "grandma", "--viewer-password",
                "birdbox", "--width", "320", "--height", "240", "--camera.yard.source", "test",
                "--camera.yard.width", "320", "--camera.yard.height", "240")) {
            String viewer = "Basic " + Base64.getEncoder().encodeToString("grandma:birdbox".getBytes());
            for (String prefix : List.of("/", "/cam/yard/", "/cam/nowhere/")) {
                for (String path : WATCHED) {
                    HttpResponse<byte[]> anonymous = server.get(prefix + path);
                    assertEquals(401, anonymous.statusCode(), prefix + path + " without a login");
                }
            }
            for (String path : List.of("/api/cameras", "/grid.html", "/?action=stream_1", "/cam/", "/cam/yard")) {
                assertEquals(401, server.get(path).statusCode(), path + " without a login");
            }
            // The 401 a browser gets says which login watches, and where its password was set: that one place.
            String page = new String(server.send(HttpRequest.newBuilder(server.uri("/"))
                    .header("Accept", "text/html,application/xhtml+xml,*/*;q=0.8").build()).body(),
                    java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(page.contains("Watching needs a login: the viewer-user with its viewer-password, set by"
                    + " command-line flag --viewer-password"), page);
            assertFalse(page.contains("birdbox"), "never the password: " + page);
            for (String path : List.of("/favicon.svg", "/favicon.ico")) {
                assertEquals(200, server.get(path).statusCode(), path + " is for everyone");
            }
            HttpResponse<byte[]> watched = server.send(HttpRequest.newBuilder(server.uri("/cam/yard/snapshot.jpg"))
                    .header("Authorization", viewer).build());
            assertEquals(200, watched.statusCode(), "the viewer's login watches every camera");
            assertEquals(200, server.send(HttpRequest.newBuilder(server.uri("/api/cameras"))
                    .header("Authorization", viewer).build()).statusCode());
            assertEquals(403, server.send(HttpRequest.newBuilder(server.uri("/api/config/cameras"))
                    .header("Authorization", viewer).build()).statusCode(), "watching is not administering");
        }
    }

    @Test
    void withoutItEveryCamerasStreamsAreOpenAndCorsReachesThemAll() {
        try (TestServer server = TestServer.start("--cors-origins", "http://mainsail.lan", "--width", "320",
                "--height", "240", "--camera.yard.source", "test", "--camera.yard.width", "320",
                "--camera.yard.height", "240")) {
            for (String path : List.of("/snapshot.jpg", "/cam/yard/snapshot.jpg", "/cam/yard/hls/index.m3u8")) {
                HttpResponse<byte[]> answer = server.send(HttpRequest.newBuilder(server.uri(path))
                        .header("Origin", "http://mainsail.lan").build());
                assertEquals(200, answer.statusCode(), path);
                assertEquals(Optional.of("http://mainsail.lan"),
                        answer.headers().firstValue("access-control-allow-origin"), path);
            }
            assertEquals(Optional.empty(), server.send(HttpRequest.newBuilder(server.uri("/cam/yard/api/status"))
                    .header("Origin", "http://mainsail.lan").build()).headers().firstValue("access-control-allow-origin"),
                    "a camera's status is not for other sites' pages");
            HttpResponse<byte[]> admin = server.send(server.asAdmin("/api/config/cameras").build());
            assertEquals(200, admin.statusCode());
            assertEquals(Optional.of("DENY"), admin.headers().firstValue("x-frame-options"));
            assertEquals(401, server.get("/api/config/cameras").statusCode(), "the admin's login, from web.xml");
            HttpResponse<byte[]> unknown = server.get("/cam/nowhere/snapshot.jpg");
            assertEquals(404, unknown.statusCode());
            assertTrue(new String(unknown.body()).contains("there is no camera 'nowhere'"));
            assertNotEquals(200, server.get("/cam/yard/WEB-INF/web.xml").statusCode(), "nothing under WEB-INF");
            assertNotEquals(200, server.get("/cam/yard/..%2f..%2fWEB-INF%2fweb.xml").statusCode());
        }
    }
}
