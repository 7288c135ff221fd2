package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.catalina.Context;
import org.apache.catalina.startup.Tomcat;
import org.camstream.testing.TestServer;
import org.camstream.web.RawHttp.Answer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Every error, from the application or from Tomcat before any application is chosen, is camstream's JSON or
 * camstream's small page: never Tomcat's page, its version, a stack trace or the contents of a file, and the
 * files behind WEB-INF, META-INF and the launcher stay out of reach however their path is spelled.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class ErrorResponsesIT {

    private static final String BROWSER = ErrorChecks.BROWSER;

    private static TestServer server;

    @BeforeAll
    static void start() {
        server = TestServer.start("--width", "640", "--height", "360");
        Context context = server.server().context();
        // Stand-ins for a bug in a servlet (the container's 500) and for one that reports itself unavailable.
        addServlet(context, "/test/fails", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) {
                throw new IllegalStateException("secret detail of the failure");
            }
        });
        addServlet(context, "/test/unavailable", new HttpServlet() {
            @Override
            protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
                response.sendError(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "secret detail: down for a while");
            }
        });
    }

    @AfterAll
    static void stop() {
        if (server != null) {
            server.close();
        }
    }

    private static void addServlet(Context context, String path, HttpServlet servlet) {
        String name = "test" + path.replace('/', '-');
        Tomcat.addServlet(context, name, servlet);
        context.addServletMappingDecoded(path, name);
    }

    @Test
    void malformedRequestsGetCamstreams400() throws Exception {
        String big = "x".repeat(64 * 1024);
        StringBuilder manyHeaders = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 2000; i++) {
            manyHeaders.append("X-H").append(i).append(": y\r\n");
        }
        Map<String, String> requests = Map.of(
                "a 64 KB header", "GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n",
                "a 100 KB request line", "GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "2000 headers", manyHeaders + "\r\n",
                "a garbage method", "G\u0001T / HTTP/1.1\r\nHost: x\r\n\r\n",
                "no Host header", "GET / HTTP/1.1\r\n\r\n",
                "an encoded slash", "GET /WEB-INF%2Fweb.xml HTTP/1.1\r\nHost: x\r\n\r\n",
                "a broken percent escape", "GET /%zz HTTP/1.1\r\nHost: x\r\n\r\n",
                "a header without a colon", "GET / HTTP/1.1\r\nHost: x\r\nno colon here\r\n\r\n");
        for (Map.Entry<String, String> request : requests.entrySet()) {
            Answer answer = RawHttp.exchange(server.port(), request.getValue().getBytes(StandardCharsets.ISO_8859_1));
            assertJsonError(answer, 400, request.getKey());
        }

        // A browser gets the page, when its Accept header came before what broke the request.
        String browserTooMany = manyHeaders.toString().replace("Host: x\r\n", "Host: x\r\nAccept: " + BROWSER + "\r\n");
        assertPage(RawHttp.exchange(server.port(), (browserTooMany + "\r\n").getBytes(StandardCharsets.US_ASCII)),
                400, "2000 headers from a browser");
        assertPage(RawHttp.exchange(server.port(), ("GET / HTTP/1.1\r\nHost: x\r\nAccept: text/html\r\nX-Big: " + big
                + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII)), 400, "a 64 KB header from a browser");
    }

    @Test
    void methodsTheServerDoesNotTake() throws Exception {
        assertJsonError(RawHttp.exchange(server.port(), raw("FOO / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
                501, "an unknown method");
        assertJsonError(RawHttp.exchange(server.port(), raw("TRACE / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")),
                405, "TRACE");
        assertJsonError(RawHttp.exchange(server.port(), raw("GET / HTTP/9.9\r\nHost: x\r\n\r\n")), 505,
                "an HTTP version that does not exist");
        // Tomcat's DefaultServlet (read-only) and a camstream servlet without DELETE both raise the 405.
        for (String path : List.of("/index.html", "/api/status")) {
            Answer answer = RawHttp.exchange(server.port(), raw("DELETE " + path
                    + " HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"));
            assertJsonError(answer, 405, "DELETE " + path);
        }
        // camstream's own 405, with its own message.
        HttpResponse<byte[]> post = server.send(server.asAdmin("/api/config")
                .POST(HttpRequest.BodyPublishers.ofString("{}")).header("Content-Type", "application/json").build());
        assertJsonError(answer(post), 405, "POST /api/config");
    }

    @Test
    void everyStatusIsCamstreams() throws Exception {
        assertJsonError(RawHttp.get(server.port(), "/stream.jpg?fps=abc", null), 400, "fps=abc");

        // 401 from the container's BASIC login: the challenge stays, the body says where the password comes from.
        for (String path : List.of("/admin", "/api/config")) {
            Answer json = RawHttp.get(server.port(), path, null);
            assertJsonError(json, 401, path);
            assertEquals("Basic realm=\"camstream\"", json.header("www-authenticate"), path);
            assertTrue(json.body().contains("admin-password"), json.body());
        }
        Answer login = RawHttp.get(server.port(), "/admin", BROWSER);
        assertPage(login, 401, "/admin from a browser");
        assertEquals("Basic realm=\"camstream\"", login.header("www-authenticate"));
        assertTrue(login.body().contains("admin-password setting") && login.body().contains("--admin-password"),
                "the page says where the password comes from: " + login.body());
        assertFalse(login.body().contains(TestServer.ADMIN_PASSWORD), "never the password: " + login.body());
        assertTrue(login.body().contains("set by command-line flag --admin-password"), login.body());
        assertFalse(login.body().contains("CAMSTREAM_ADMIN_PASSWORD") || login.body().contains("~/.camstream"),
                "only the one way the password was set: " + login.body());
        assertTrue(login.body().contains("<style>") && login.body().contains("system-ui"),
                "styled like camstream's pages: " + login.body());
        // The API answers JSON even to a browser: scripts read it.
        assertJsonError(RawHttp.get(server.port(), "/api/config", BROWSER), 401, "/api/config from a browser");

        assertJsonError(RawHttp.get(server.port(), "/org/camstream/launcher/Main.class", null), 403, "the launcher");
        assertPage(RawHttp.get(server.port(), "/META-INF/context.xml", BROWSER), 403, "META-INF from a browser");

        assertJsonError(RawHttp.get(server.port(), "/no-such-page", null), 404, "a missing page");
        assertPage(RawHttp.get(server.port(), "/no-such-page", BROWSER), 404, "a missing page from a browser");
        assertJsonError(RawHttp.get(server.port(), "/no-such-page", "text/html;q=0, application/json"), 404,
                "a client that refuses HTML");
        assertJsonError(RawHttp.get(server.port(), "/error", BROWSER.replace("text/html,", "")), 404,
                "the error page itself");

        String tooLarge = "{\"width\":640,\"padding\":\"" + "x".repeat(20_000) + "\"}";
        assertJsonError(answer(server.send(server.asAdmin("/api/config").header("Content-Type", "application/json")
                .PUT(HttpRequest.BodyPublishers.ofString(tooLarge)).build())), 413, "a 20 KB settings body");
        assertJsonError(answer(server.send(server.asAdmin("/api/config").header("Content-Type", "text/plain")
                .PUT(HttpRequest.BodyPublishers.ofString("width=640")).build())), 415, "settings as text/plain");

        assertJsonError(RawHttp.get(server.port(), "/test/fails", null), 500, "a servlet that throws");
        assertPage(RawHttp.get(server.port(), "/test/fails", BROWSER), 500, "a servlet that throws, to a browser");
        assertJsonError(RawHttp.get(server.port(), "/test/unavailable", null), 503, "a servlet that is unavailable");
        assertPage(RawHttp.get(server.port(), "/test/unavailable", BROWSER), 503, "unavailable, to a browser");
    }

    @Test
    void aCameraThatGivesNoPictureIsA503() throws Exception {
        try (TestServer broken = TestServer.start("--source", "v4l2", "--device", "/dev/video99")) {
            HttpResponse<byte[]> snapshot = broken.get("/snapshot.jpg");
            assertJsonError(answer(snapshot), 503, "a snapshot from a camera that does not exist");
        }
    }

    @Test
    void protectedFilesStayOutOfReachHoweverTheirPathIsSpelled() throws Exception {
        List<String> paths = List.of(
                "/WEB-INF/web.xml", "/WEB-INF%2fweb.xml", "/WEB-INF%2Fweb.xml", "/%2e/WEB-INF/web.xml",
                "/.%2e/WEB-INF/web.xml", "/%2e%2e/WEB-INF/web.xml", "/WEB-INF;jsessionid=1/web.xml",
                "/WEB-INF/web.xml;jsessionid=1", "/web-inf/web.xml", "/Web-Inf/web.xml", "/%57EB-INF/web.xml",
                "/%2557EB-INF/web.xml", "/%252e/WEB-INF/web.xml", "//WEB-INF/web.xml", "/./WEB-INF/web.xml",
                "/x/../WEB-INF/web.xml", "/x/..;/WEB-INF/web.xml", "/WEB-INF\\web.xml", "/WEB-INF%5cweb.xml",
                "/..%5cWEB-INF%5cweb.xml", "/index.html/../WEB-INF/web.xml", "/WEB-INF/", "/WEB-INF",
                "/WEB-INF/classes/org/camstream/web/Responses.class", "/WEB-INF/admin.html",
                "/META-INF/context.xml", "/META-INF/MANIFEST.MF", "/meta-inf/context.xml", "/%4dETA-INF/context.xml",
                "/META-INF;x=y/context.xml", "//META-INF/context.xml", "/x/../META-INF/context.xml",
                "/org/camstream/launcher/Main.class", "/org;jsessionid=1/camstream/launcher/Main.class",
                "/org/camstream/launcher/Main.class;jsessionid=1", "/ORG/camstream/launcher/Main.class",
                "/%6frg/camstream/launcher/Main.class", "/%256frg/camstream/launcher/Main.class",
                "/org/camstream/launcher/Main%2eclass", "//org/camstream/launcher/Main.class",
                "/./org/camstream/launcher/Main.class", "/x/../org/camstream/launcher/Main.class",
                "/x/..;/org/camstream/launcher/Main.class", "/org%2fcamstream%2flauncher%2fMain.class",
                "/org\\camstream\\launcher\\Main.class", "/%2e%2e/%2e%2e/etc/passwd", "/../../etc/passwd");
        for (String path : paths) {
            for (String accept : new String[] {null, BROWSER}) {
                Answer answer = RawHttp.get(server.port(), path, accept);
                assertTrue(List.of(400, 403, 404).contains(answer.status()),
                        path + " must be refused, got " + answer.status() + ":\n" + answer.raw());
                assertCamstreamError(answer, answer.status(), path + (accept == null ? "" : " from a browser"));
            }
        }
        // The same paths' files are there: the refusals are not merely 404s for something that does not exist.
        assertEquals(200, RawHttp.get(server.port(), "/index.html", null).status());
    }

    @Test
    void withNoApplicationTheHostAnswersInCamstreamsFormat() throws Exception {
        try (TestServer undeployed = TestServer.start()) {
            undeployed.server().undeploy();
            assertJsonError(RawHttp.get(undeployed.port(), "/api/status", null), 404, "no application, an API path");
            assertPage(RawHttp.get(undeployed.port(), "/", BROWSER), 404, "no application, a browser");
            assertJsonError(RawHttp.exchange(undeployed.port(), raw("G\u0001T / HTTP/1.1\r\nHost: x\r\n\r\n")), 400,
                    "no application, a garbage method");
        }
    }

    private static void assertJsonError(Answer answer, int status, String what) throws IOException {
        ErrorChecks.assertJsonError(answer, status, what);
    }

    private static void assertPage(Answer answer, int status, String what) throws IOException {
        ErrorChecks.assertPage(answer, status, what, "/");
    }

    private static void assertCamstreamError(Answer answer, int status, String what) throws IOException {
        ErrorChecks.assertCamstreamError(answer, status, what, "/");
    }

    private static Answer answer(HttpResponse<byte[]> response) {
        StringBuilder raw = new StringBuilder("HTTP/1.1 " + response.statusCode() + " \r\n");
        // The client has removed any chunked coding already.
        response.headers().map().entrySet().stream().filter(h -> !h.getKey().equalsIgnoreCase("transfer-encoding"))
                .forEach(h -> h.getValue().forEach(v -> raw.append(h.getKey()).append(": ").append(v).append("\r\n")));
        raw.append("\r\n").append(new String(response.body(), StandardCharsets.UTF_8));
        return RawHttp.parse(raw.toString());
    }

    private static byte[] raw(String request) {
        return request.getBytes(StandardCharsets.ISO_8859_1);
    }
}
