package org.camstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.jr.ob.JSON;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.camstream.config.Setting;
import org.camstream.testing.FreePorts;
import org.camstream.testing.MediaTools;
import org.camstream.testing.MjpegClient;
import org.camstream.testing.Poll;
import org.camstream.testing.RtspClient;
import org.camstream.web.ErrorChecks;
import org.camstream.web.RawHttp;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The WAR in Debian's real {@code tomcat10}, configured with the repository's {@code tomcat-conf/} files the way
 * a Raspberry Pi runs it: Debian's CATALINA_HOME and standard conf files, and the repository's server.xml,
 * tomcat-users.xml, context file and JVM options, in a fresh CATALINA_BASE. Only the HTTP port, the test
 * password and the data directory differ from what a Pi gets.
 *
 * <p>Needs the tomcat10 package ({@code apt-get install tomcat10}). Without it the test is skipped, unless
 * CAMSTREAM_REQUIRE_TOMCAT=1 (as in CI), which makes a missing Tomcat a failure.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class TomcatDeploymentIT {

    private static final Path CATALINA_HOME = Path.of("/usr/share/tomcat10");
    private static final Path CATALINA_SH = CATALINA_HOME.resolve("bin/catalina.sh");
    /**
     * The package's pristine conf files, which its postinst copies to /etc/tomcat10. Read from here because
     * /etc/tomcat10 is readable by root and group tomcat only.
     */
    private static final Path DEBIAN_CONF = CATALINA_HOME.resolve("etc");
    private static final List<String> DEBIAN_CONF_FILES = List.of("web.xml", "catalina.properties", "context.xml",
            "logging.properties", "jaspic-providers.xml");

    private static final Path REPO_CONF = Path.of("tomcat-conf");
    private static final Path WAR = Path.of(System.getProperty("camstream.war", "target/camstream.war"));
    private static final String PLACEHOLDER = "<must-be-changed>";
    private static final String CONTEXT = "/camstream";

    /** Tomcat's leak detection (WebappClassLoaderBase) and camstream's own stop messages. */
    private static final Pattern LEAK = Pattern.compile(
            "memory leak|failed to stop|appears to have started a thread|ThreadLocal|failed to unregister",
            Pattern.CASE_INSENSITIVE);
    /** A log entry of Tomcat's OneLineFormatter: date, time, level. */
    private static final Pattern ENTRY = Pattern.compile("^\\d{2}-\\w{3}-\\d{4} [\\d:.]+ (\\w+) ");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path temp;

    private Path base;
    private int port;
    private int rtspPort;

    @BeforeEach
    void tomcat10IsInstalled() {
        boolean installed = Files.isExecutable(CATALINA_SH)
                && DEBIAN_CONF_FILES.stream().allMatch(f -> Files.isReadable(DEBIAN_CONF.resolve(f)));
        if (installed) {
            return;
        }
        String message = "Debian's tomcat10 is not installed (no " + CATALINA_SH + " or no conf files in "
                + DEBIAN_CONF + "); install it with: sudo apt-get install tomcat10";
        if ("1".equals(System.getenv("CAMSTREAM_REQUIRE_TOMCAT"))) {
            fail(message + " (required because CAMSTREAM_REQUIRE_TOMCAT=1)");
        }
        Assumptions.abort(message + ". Skipping the deployment test; set CAMSTREAM_REQUIRE_TOMCAT=1 to make this"
                + " a failure.");
    }

    @Test
    void deploysToDebiansTomcatServesStreamsAndAdminAndStopsCleanly() throws Exception {
        assertTrue(Files.isRegularFile(WAR), "no " + WAR + "; run mvn package first");
        Path dataDir = Files.createDirectories(temp.resolve("data"));
        // Settings in the data directory: proves that the context file's data-dir reached camstream, and keeps
        // the camera light on a shared CI machine.
        rtspPort = FreePorts.tcp();
        Files.writeString(dataDir.resolve("camstream.properties"), "width=640\nheight=360\nfps=15\n"
                + "camera.yard.width=320\ncamera.yard.height=240\ncamera.yard.fps=10\n"
                + "rtsp-port=" + rtspPort + "\nrtsp-rtp-port=" + FreePorts.udpPair() + "\n");
        String password = "test-" + UUID.randomUUID();
        String user = buildCatalinaBase(dataDir, password);

        long started = System.nanoTime();
        Process tomcat = startTomcat();
        List<ProcessHandle> ffmpeg = new ArrayList<>();
        try {
            // catalina.sh run execs java: the process we started becomes Tomcat's JVM, so destroy() below sends
            // SIGTERM to Tomcat itself, as systemd's stop does.
            String command = Poll.until(Duration.ofSeconds(15), "catalina.sh to exec java",
                    () -> tomcat.info().command().orElse(""), c -> c.endsWith("/java") || !tomcat.isAlive());
            assertTrue(tomcat.isAlive(), () -> "Tomcat exited at once with " + tomcat.exitValue() + ":\n" + console());
            assertTrue(command.endsWith("/java"), command);

            Poll.until(Duration.ofSeconds(60), "Tomcat to deploy camstream (" + CONTEXT + "/api/status answering 200)",
                    () -> {
                        if (!tomcat.isAlive()) {
                            throw new AssertionError("Tomcat exited with " + tomcat.exitValue() + ":\n" + console());
                        }
                        return status(CONTEXT + "/api/status", null) == 200;
                    });
            System.out.printf("Tomcat answered %s/api/status %.1f s after start%n", CONTEXT,
                    (System.nanoTime() - started) / 1e9);

            Map<String, Object> status = statusDocument();
            Map<String, Object> camera = map(status.get("camera"));
            assertNotNull(camera.get("state"), "camera.state in " + status);
            assertEquals(640, ((Number) camera.get("width")).intValue(),
                    "camstream.properties in the data directory of the context file applies: " + camera);

            HttpResponse<String> page = get(CONTEXT + "/", null);
            assertEquals(200, page.statusCode());
            assertTrue(page.headers().firstValue("content-type").orElse("").startsWith("text/html"));
            assertEquals(403, status(CONTEXT + "/org/camstream/launcher/Main.class", null));

            try (MjpegClient viewer = MjpegClient.open(port, CONTEXT + "/stream.mjpeg")) {
                assertEquals(200, viewer.status());
                assertTrue(viewer.headers().get("content-type").startsWith("multipart/x-mixed-replace"),
                        viewer.headers().toString());
                for (int i = 0; i < 5; i++) {
                    MjpegClient.Part part = viewer.next();
                    BufferedImage image = ImageIO.read(new ByteArrayInputStream(part.body()));
                    assertNotNull(image, "part " + i + " is a JPEG ImageIO decodes");
                    assertEquals(640, image.getWidth());
                    assertEquals(360, image.getHeight());
                }

                // The camera (and, for an H.264 camera, the JPEG transcoder) run as children of Tomcat's JVM.
                Map<String, Object> running = statusDocument();
                Set<Long> pids = new HashSet<>();
                pids.add(((Number) map(running.get("camera")).get("pid")).longValue());
                if (running.get("transcoder") instanceof Map<?, ?> transcoder
                        && transcoder.get("pid") instanceof Number transcoderPid) {
                    pids.add(transcoderPid.longValue());
                }
                ffmpeg.addAll(Poll.until(Duration.ofSeconds(10), "the ffmpeg processes " + pids + " under Tomcat",
                        () -> ffmpegUnder(tomcat),
                        found -> found.stream().map(ProcessHandle::pid).collect(Collectors.toSet()).containsAll(pids)));

                webSocketSendsInit(CONTEXT + "/ws/video", 640);
                secondCamera();
                admin(user, password);
                errorsAreCamstreams();
                connectorLimitsApply();
                printLiveHeap(tomcat);
                try (RtspClient rtspViewer = rtspSurvivesARedeploy(ffmpeg)) {
                    ffmpeg.addAll(ffmpegUnder(tomcat));
                    // Stop with a viewer still connected, as when a Pi is shut down during a stream.
                    long stopping = System.nanoTime();
                    tomcat.destroy(); // SIGTERM
                    assertTrue(tomcat.waitFor(30, TimeUnit.SECONDS), "Tomcat stops within 30 s of SIGTERM");
                    System.out.printf("Tomcat stopped %.1f s after SIGTERM%n", (System.nanoTime() - stopping) / 1e9);
                }
            }
            System.out.printf("Tomcat ran and stopped in %.1f s%n", (System.nanoTime() - started) / 1e9);
            // 143 = 128 + SIGTERM: what the tomcat10 unit's SuccessExitStatus=143 accepts as a clean stop.
            assertEquals(143, tomcat.exitValue(), console());
            for (ProcessHandle p : ffmpeg) {
                assertFalse(p.isAlive(), "ffmpeg " + p.pid() + " outlived Tomcat");
            }
            checkLogs();
        } finally {
            if (tomcat.isAlive()) {
                tomcat.descendants().forEach(ProcessHandle::destroyForcibly);
                tomcat.destroyForcibly();
                tomcat.waitFor(10, TimeUnit.SECONDS);
            }
            ffmpeg.forEach(ProcessHandle::destroyForcibly);
            keepLogs();
        }
    }

    /** Builds CATALINA_BASE; returns the admin user of the repository's tomcat-users.xml. */
    private String buildCatalinaBase(Path dataDir, String password) throws IOException {
        base = temp.resolve("catalina-base");
        Path conf = Files.createDirectories(base.resolve("conf"));
        for (String dir : List.of("logs", "temp", "work", "webapps", "conf/Catalina/localhost")) {
            Files.createDirectories(base.resolve(dir));
        }
        for (String file : DEBIAN_CONF_FILES) {
            Files.copy(DEBIAN_CONF.resolve(file), conf.resolve(file));
        }

        port = freePort();
        String serverXml = Files.readString(REPO_CONF.resolve("server.xml"));
        Matcher connectorPort = Pattern.compile("(<Connector\\s[^>]*?\\bport=\")8080(\")").matcher(serverXml);
        assertTrue(connectorPort.find(), "server.xml has a Connector on port 8080");
        serverXml = connectorPort.replaceFirst("$1" + port + "$2");
        assertFalse(Pattern.compile("<Connector\\s[^>]*?\\bport=\"8080\"").matcher(serverXml).find(),
                "server.xml has one connector");
        serverXml = serverXml.replaceFirst("(<Server\\s[^>]*?\\bport=\")-?\\d+(\")", "$1-1$2");
        Files.writeString(conf.resolve("server.xml"), serverXml);

        String users = Files.readString(REPO_CONF.resolve("tomcat-users.xml"));
        Matcher admin = Pattern.compile("<user username=\"([^\"]+)\" password=\"" + Pattern.quote(PLACEHOLDER)
                + "\" roles=\"camstream-admin\"/>").matcher(users);
        assertTrue(admin.find(), "tomcat-users.xml has a camstream-admin user with the placeholder password");
        Files.writeString(conf.resolve("tomcat-users.xml"), users.replace(PLACEHOLDER, password));

        String context = Files.readString(REPO_CONF.resolve("camstream.xml"));
        assertTrue(context.contains("value=\"/var/lib/camstream\""), "camstream.xml sets the data directory");
        Files.writeString(conf.resolve("Catalina/localhost/camstream.xml"),
                context.replace("value=\"/var/lib/camstream\"", "value=\"" + dataDir + "\""));

        Files.copy(WAR, base.resolve("webapps/camstream.war"));
        return admin.group(1);
    }

    private Process startTomcat() throws IOException {
        ProcessBuilder builder = new ProcessBuilder(CATALINA_SH.toString(), "run")
                .directory(base.toFile())
                .redirectErrorStream(true)
                .redirectOutput(base.resolve("logs/console.log").toFile())
                .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        Map<String, String> env = builder.environment();
        env.keySet().removeIf(name -> name.startsWith("CATALINA_") || name.equals("JAVA_OPTS")
                || name.equals("JRE_HOME") || name.equals("JAVA_HOME"));
        for (Setting setting : Setting.values()) {
            env.remove(setting.environmentVariable()); // only the repository's files configure this Tomcat
        }
        env.put("CATALINA_HOME", CATALINA_HOME.toString());
        env.put("CATALINA_BASE", base.toString());
        env.put("JAVA_HOME", System.getProperty("java.home"));
        env.put("JAVA_OPTS", javaOpts());
        return builder.start();
    }

    /** The JAVA_OPTS line of tomcat-conf/tomcat10.default, as /usr/libexec/tomcat10/tomcat-start.sh reads it. */
    static String javaOpts() throws IOException {
        List<String> lines = Files.readAllLines(REPO_CONF.resolve("tomcat10.default")).stream()
                .filter(l -> l.startsWith("JAVA_OPTS=")).collect(Collectors.toList());
        assertEquals(1, lines.size(), "one JAVA_OPTS line in tomcat10.default: " + lines);
        Matcher m = Pattern.compile("^JAVA_OPTS=\"([^\"$`\\\\]*)\"$").matcher(lines.get(0));
        assertTrue(m.matches(), "JAVA_OPTS=\"...\" without expansions: " + lines.get(0));
        String opts = m.group(1);
        for (String required : List.of("-Xmx64m", "-XX:+UseSerialGC", "-Djava.awt.headless=true",
                "-XX:+ExitOnOutOfMemoryError")) {
            assertTrue(List.of(opts.split("\\s+")).contains(required), required + " in " + opts);
        }
        return opts;
    }

    /**
     * The web application's own RTSP port: it serves both cameras, an undeploy closes it (its clients' connections
     * end, its capture processes stop), and the redeploy that follows opens it again, whatever the old one was
     * still doing. Tomcat redeploys when the context file changes, as an admin's edit or a package upgrade does.
     * Returns an RTSP client playing on the new deployment, for the stop that follows.
     */
    private RtspClient rtspSurvivesARedeploy(List<ProcessHandle> oldFfmpeg) throws Exception {
        String url = "rtsp://127.0.0.1:" + rtspPort + "/yard";
        String yard = MediaTools.ffprobe("-v", "error", "-rtsp_transport", "tcp", "-select_streams", "v:0",
                "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", url);
        assertEquals("h264,320,240", yard);
        RtspClient before = RtspClient.connect("rtsp://127.0.0.1:" + rtspPort + "/");
        assertEquals(200, before.play(false).status());
        before.nextFrame();

        Path contextFile = base.resolve("conf/Catalina/localhost/camstream.xml");
        Files.setLastModifiedTime(contextFile, java.nio.file.attribute.FileTime.fromMillis(
                System.currentTimeMillis() + 1000));
        long redeploying = System.nanoTime();
        Poll.until(Duration.ofSeconds(60), "the undeploy to end the RTSP client's connection", () -> {
            try {
                // What the server had queued, then the end: read it at full speed, not a frame a poll.
                for (int i = 0; i < 10_000; i++) {
                    before.nextFrame();
                }
                return false;
            } catch (IOException ended) {
                return true;
            }
        });
        before.close();
        Poll.until(Duration.ofSeconds(30), "the old deployment's ffmpeg processes to end",
                () -> oldFfmpeg.stream().noneMatch(ProcessHandle::isAlive));
        RtspClient after = Poll.until(Duration.ofSeconds(60), "RTSP to answer again after the redeploy", () -> {
            try {
                RtspClient client = RtspClient.connect("rtsp://127.0.0.1:" + rtspPort + "/");
                if (client.play(false).status() == 200) {
                    return client;
                }
                client.close();
            } catch (IOException notYet) {
                // the new deployment has not bound the port yet
            }
            return null;
        }, client -> client != null);
        after.nextFrame();
        System.out.printf("RTSP served again %.1f s after the context file changed%n",
                (System.nanoTime() - redeploying) / 1e9);
        Map<String, Object> rtsp = map(statusDocument().get("rtsp"));
        assertEquals("listening", rtsp.get("state"), rtsp.toString());
        assertEquals(rtspPort, ((Number) rtsp.get("port")).intValue());
        return after;
    }

    /** The second camera of camstream.properties, under the context path like the first. */
    private void secondCamera() throws Exception {
        Map<String, Object> listed = JSON.std.mapFrom(get(CONTEXT + "/api/cameras", null).body());
        List<?> cameras = (List<?>) listed.get("cameras");
        assertEquals(List.of("main", "yard"), cameras.stream().map(c -> ((Map<?, ?>) c).get("name")).toList());
        Map<?, ?> urls = (Map<?, ?>) ((Map<?, ?>) cameras.get(1)).get("urls");
        assertEquals(CONTEXT + "/cam/yard/stream.mjpeg", urls.get("mjpeg"), "the URLs carry the context path");
        try (MjpegClient viewer = MjpegClient.open(port, CONTEXT + "/cam/yard/stream.mjpeg")) {
            assertEquals(200, viewer.status());
            BufferedImage image = ImageIO.read(new ByteArrayInputStream(viewer.next().body()));
            assertEquals(320, image.getWidth(), "the second camera's own size");
        }
        webSocketSendsInit(CONTEXT + "/cam/yard/ws/video", 320);
        assertEquals(200, status(CONTEXT + "/cam/yard/", null), "its viewer page");
        assertEquals(200, status(CONTEXT + "/?action=snapshot_1", null), "mjpg-streamer's second input");
        assertEquals(404, status(CONTEXT + "/cam/nowhere/snapshot.jpg", null));
    }

    private void webSocketSendsInit(String path, int width) throws Exception {
        CompletableFuture<String> first = new CompletableFuture<>();
        WebSocket socket = http.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(5))
                .buildAsync(URI.create("ws://127.0.0.1:" + port + path), new WebSocket.Listener() {
                    private final StringBuilder text = new StringBuilder();

                    @Override
                    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
                        text.append(data);
                        if (last) {
                            first.complete(text.toString());
                        }
                        webSocket.request(1);
                        return null;
                    }

                    @Override
                    public void onError(WebSocket webSocket, Throwable error) {
                        first.completeExceptionally(error);
                    }
                }).get(10, TimeUnit.SECONDS);
        try {
            Map<String, Object> init = JSON.std.mapFrom(first.get(20, TimeUnit.SECONDS));
            assertEquals("init", init.get("type"), init.toString());
            assertEquals(width, ((Number) init.get("width")).intValue(), init.toString());
        } finally {
            socket.abort();
        }
    }

    /** The container's security constraint over tomcat-users.xml, through the LockOutRealm. */
    private void admin(String user, String password) throws Exception {
        String wrong = basic(user, "not-" + password);
        String right = basic(user, password);
        for (String path : List.of(CONTEXT + "/admin", CONTEXT + "/api/config")) {
            HttpResponse<String> anonymous = get(path, null);
            assertEquals(401, anonymous.statusCode(), path + " without a login");
            assertEquals("Basic realm=\"camstream\"", anonymous.headers().firstValue("www-authenticate").orElse(""),
                    path);
            assertEquals(401, status(path, wrong), path + " with a wrong password");
            HttpResponse<String> admitted = get(path, right);
            assertEquals(200, admitted.statusCode(), path + " with the admin login: " + admitted.body());
        }
        assertTrue(get(CONTEXT + "/admin", right).headers().firstValue("content-type").orElse("")
                .startsWith("text/html"));
        Map<String, Object> config = JSON.std.mapFrom(get(CONTEXT + "/api/config", right).body());
        assertFalse(config.isEmpty(), "/api/config answers a JSON document");

        // The check the admin page asks while a person types is under the same constraint, from web.xml.
        HttpResponse<String> check = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + CONTEXT
                + "/api/config/check")).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"width\":100000}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(401, check.statusCode(), "/api/config/check without a login");
        HttpResponse<String> checked = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + CONTEXT
                + "/api/config/check")).timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Authorization", right)
                .POST(HttpRequest.BodyPublishers.ofString("{\"width\":100000}")).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(400, checked.statusCode(), checked.body());
        assertEquals("width", JSON.std.mapFrom(checked.body()).get("field"));
        // The charts' history is public like /api/status.
        Map<String, Object> history = JSON.std.mapFrom(get(CONTEXT + "/api/status/history", null).body());
        assertEquals(300, history.get("capacity"), history.toString());
    }

    /**
     * The application's errors come from camstream's error page in web.xml; what Tomcat answers itself, before
     * it knows the application, is Tomcat's page as server.xml configures it: neither is a stack trace, the
     * version or a file.
     */
    private void errorsAreCamstreams() throws IOException {
        String home = CONTEXT + "/";
        ErrorChecks.assertJsonError(RawHttp.get(port, CONTEXT + "/no-such-page", null), 404, "a missing page");
        ErrorChecks.assertPage(RawHttp.get(port, CONTEXT + "/no-such-page", ErrorChecks.BROWSER), 404,
                "a missing page, to a browser", home);
        RawHttp.Answer login = RawHttp.get(port, CONTEXT + "/admin", ErrorChecks.BROWSER);
        ErrorChecks.assertPage(login, 401, "the admin page without a login", home);
        assertEquals("Basic realm=\"camstream\"", login.header("www-authenticate"));
        assertTrue(login.body().contains("tomcat-users.xml"), "the 401 says where the login comes from: " + login.body());
        ErrorChecks.assertJsonError(RawHttp.get(port, CONTEXT + "/api/config", ErrorChecks.BROWSER), 401,
                "the settings API without a login");
        for (String path : List.of("/WEB-INF/web.xml", "/%2e/WEB-INF/web.xml", "/WEB-INF;jsessionid=1/web.xml",
                "/web-inf/web.xml", "//WEB-INF/web.xml", "/x/../WEB-INF/web.xml", "/%252e/WEB-INF/web.xml",
                "/META-INF/context.xml", "/META-INF/MANIFEST.MF", "/org/camstream/launcher/Main.class",
                "/org;jsessionid=1/camstream/launcher/Main.class", "/%6frg/camstream/launcher/Main.class",
                "/ORG/camstream/launcher/Main.class", "/x/..;/org/camstream/launcher/Main.class")) {
            RawHttp.Answer answer = RawHttp.get(port, CONTEXT + path, null);
            assertTrue(List.of(403, 404).contains(answer.status()), path + ": " + answer.raw());
            ErrorChecks.assertCamstreamError(answer, answer.status(), path, home);
        }
        // Refused before an application is chosen, or climbing out of camstream's (to no application here):
        // Tomcat's page, but bare.
        for (String path : List.of("/WEB-INF%2fweb.xml", "/.%2e/WEB-INF/web.xml", "/WEB-INF%5cweb.xml",
                "/../camstream/WEB-INF/web.xml")) {
            RawHttp.Answer answer = RawHttp.get(port, CONTEXT + path, null);
            assertTrue(List.of(400, 404).contains(answer.status()), path + ": " + answer.raw());
            ErrorChecks.assertNoLeak(answer, answer.status(), path);
        }
        String big = "x".repeat(64 * 1024);
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 2000; i++) {
            headers.append("X-H").append(i).append(": y\r\n");
        }
        Map<String, String> malformed = Map.of(
                "a 64 KB header", "GET " + home + " HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n",
                "a 100 KB request line", "GET " + home + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "2000 headers", "GET " + home + " HTTP/1.1\r\nHost: x\r\n" + headers + "\r\n",
                "a garbage method", "G\u0001T " + home + " HTTP/1.1\r\nHost: x\r\n\r\n");
        for (Map.Entry<String, String> request : malformed.entrySet()) {
            RawHttp.Answer answer = RawHttp.exchange(port, request.getValue().getBytes(StandardCharsets.ISO_8859_1));
            ErrorChecks.assertNoLeak(answer, 400, request.getKey());
            System.out.printf("Tomcat answered %s with %d %s%n", request.getKey(), answer.status(),
                    answer.contentType());
        }
    }

    /** server.xml's limits are in force, not Tomcat's defaults (8 KB and 100 headers would pass these). */
    private void connectorLimitsApply() throws IOException {
        String status = CONTEXT + "/api/status";
        assertEquals(200, RawHttp.exchange(port, request(status, 30, 100)).status(), "30 headers in 3.5 KB pass");
        ErrorChecks.assertNoLeak(RawHttp.exchange(port, request(status, 45, 10)), 400, "45 headers");
        ErrorChecks.assertNoLeak(RawHttp.exchange(port, request(status, 4, 2500)), 400, "5 KB of headers");
    }

    /** A GET with {@code headers} headers in all, Host and Connection among them. */
    private static byte[] request(String path, int headers, int valueLength) {
        StringBuilder request = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n");
        for (int i = 2; i < headers; i++) {
            request.append("X-").append(i).append(": ").append("v".repeat(valueLength)).append("\r\n");
        }
        return request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
    }

    /** Tomcat's live heap with camstream deployed and streaming: the base of server.xml's arithmetic. */
    private static void printLiveHeap(Process tomcat) throws IOException, InterruptedException {
        Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(tomcat.pid()), "GC.class_histogram").redirectErrorStream(true).start();
        String out = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        jcmd.waitFor(60, TimeUnit.SECONDS);
        out.lines().filter(l -> l.startsWith("Total")).findFirst().ifPresent(total -> System.out.printf(
                "Tomcat's live heap after a full GC, camstream deployed, one MJPEG viewer: %.1f MB%n",
                Long.parseLong(total.trim().split("\\s+")[2]) / 1e6));
    }

    /** Tomcat's log files: nothing SEVERE, no leak warnings, and camstream stopped with the application. */
    private void checkLogs() throws IOException {
        List<String> entries = logEntries();
        String all = String.join("\n", entries);
        assertTrue(entries.stream().anyMatch(e -> level(e).equals("INFO") && e.contains("Server version name")),
                "the log entries and their levels are recognised:\n" + all);
        List<String> severe = entries.stream().filter(e -> level(e).equals("SEVERE")).collect(Collectors.toList());
        List<String> leaks = entries.stream()
                .filter(e -> level(e).equals("SEVERE") || level(e).equals("WARNING"))
                .filter(e -> LEAK.matcher(e).find())
                .collect(Collectors.toList());
        entries.stream().filter(e -> level(e).equals("WARNING"))
                .forEach(e -> System.out.println("Tomcat logged a warning: " + e));
        assertEquals(List.of(), leaks, "Tomcat reported leaks when camstream stopped");
        assertEquals(List.of(), severe, "Tomcat logged SEVERE entries");
        assertTrue(all.contains("camstream starting"), all);
        assertTrue(all.contains("camstream stopping"), "camstream's contextDestroyed ran:\n" + all);
        assertTrue(all.contains("Destroying ProtocolHandler"), "Tomcat stopped completely:\n" + all);
    }

    /** Copies Tomcat's logs to target/tomcat-deployment-it/ (the CATALINA_BASE is a temporary directory). */
    private void keepLogs() {
        try {
            Path kept = Files.createDirectories(Path.of("target", "tomcat-deployment-it"));
            try (Stream<Path> logs = Files.list(base.resolve("logs"))) {
                for (Path log : logs.collect(Collectors.toList())) {
                    Files.copy(log, kept.resolve(log.getFileName()), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            System.out.println("Could not keep Tomcat's logs: " + e); // not worth hiding the test's own result
        }
    }

    /** Entries of logs/catalina.*.log and logs/localhost.*.log, each with its continuation lines. */
    private List<String> logEntries() throws IOException {
        List<Path> files;
        try (Stream<Path> list = Files.list(base.resolve("logs"))) {
            files = list.filter(p -> p.getFileName().toString().matches("(catalina|localhost)\\..*\\.log"))
                    .sorted().collect(Collectors.toList());
        }
        assertFalse(files.isEmpty(), "Tomcat wrote its log files in " + base.resolve("logs"));
        List<String> entries = new ArrayList<>();
        for (Path file : files) {
            StringBuilder entry = null;
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                if (ENTRY.matcher(line).find() || entry == null) {
                    if (entry != null) {
                        entries.add(entry.toString());
                    }
                    entry = new StringBuilder(line);
                } else {
                    entry.append('\n').append(line);
                }
            }
            if (entry != null) {
                entries.add(entry.toString());
            }
        }
        return entries;
    }

    private static String level(String entry) {
        Matcher m = ENTRY.matcher(entry);
        return m.find() ? m.group(1) : "";
    }

    private static List<ProcessHandle> ffmpegUnder(Process process) {
        return process.descendants()
                .filter(p -> p.info().command().map(c -> c.endsWith("/ffmpeg") || c.equals("ffmpeg")).orElse(false))
                .collect(Collectors.toList());
    }

    private Map<String, Object> statusDocument() throws IOException, InterruptedException {
        HttpResponse<String> response = get(CONTEXT + "/api/status", null);
        assertEquals(200, response.statusCode());
        assertTrue(response.headers().firstValue("content-type").orElse("").startsWith("application/json"));
        return JSON.std.mapFrom(response.body());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(Object value) {
        assertTrue(value instanceof Map, "a JSON object: " + value);
        return (Map<String, Object>) value;
    }

    private HttpResponse<String> get(String path, String authorization) throws IOException, InterruptedException {
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .timeout(Duration.ofSeconds(20));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return http.send(request.build(), HttpResponse.BodyHandlers.ofString());
    }

    private int status(String path, String authorization) {
        try {
            return get(path, authorization).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    private String console() {
        try {
            List<String> lines = Files.readAllLines(base.resolve("logs/console.log"));
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
