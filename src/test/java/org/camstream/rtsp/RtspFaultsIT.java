package org.camstream.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camstream.testing.LogCapture;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.camstream.testing.RtspClient;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.Test;

/**
 * What can go wrong with RTSP clients, on a real server: a camera that restarts or changes size under them,
 * fifty at once, one that stops reading, requests that are not RTSP, another client's session, too many
 * viewers, a client that goes quiet, and logins.
 */
class RtspFaultsIT {

    private static final Pattern SIZE = Pattern.compile(" s:(\\d+)x(\\d+) ");

    @Test
    void aCameraRestartAndAChangeOfSizeDoNotEndThePlay() throws Exception {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "15");
                Counter counter = Counter.play(server.rtspUrl("/main"), false)) {
            Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "info", "-rtsp_transport", "tcp", "-i",
                    server.rtspUrl("/main"), "-t", "25", "-vf", "showinfo", "-fps_mode", "passthrough", "-f", "null",
                    "-").redirectErrorStream(true).start();
            StringBuilder log = new StringBuilder();
            Thread reader = drain(ffmpeg.getInputStream(), log);
            try {
                Poll.until(Duration.ofSeconds(20), "ffmpeg decoding at 320x240", () -> sizes(log).contains("320x240"));
                long pid = ((Number) server.camera().get("pid")).longValue();
                ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
                Poll.until(Duration.ofSeconds(20), "the camera to come back", () -> {
                    Object now = server.camera().get("pid");
                    return now != null && ((Number) now).longValue() != pid
                            && "running".equals(server.camera().get("state"));
                });
                long before = counter.pictures();
                Poll.until(Duration.ofSeconds(20), "pictures after the restart", () -> counter.pictures() > before + 15);
                HttpResponse<byte[]> changed = server.send(server.asAdmin("/api/config").header("Content-Type",
                        "application/json").PUT(HttpRequest.BodyPublishers.ofString("{\"width\":480,\"height\":272}"))
                        .build());
                assertEquals(200, changed.statusCode(), new String(changed.body(), StandardCharsets.UTF_8));
                Poll.until(Duration.ofSeconds(30), "ffmpeg decoding at the new size", () -> sizes(log).contains("480x272"));
                assertTrue(ffmpeg.isAlive(), "the client plays on: " + log);
                long after = counter.pictures();
                Poll.until(Duration.ofSeconds(20), "the raw client's pictures to go on", () -> counter.pictures() > after + 15);
                assertEquals(null, counter.failure(), "the raw client's connection stayed");
            } finally {
                ffmpeg.destroy();
                ffmpeg.waitFor();
                reader.join(5_000);
            }
            assertFalse(log.toString().contains("decode_slice_header error") && log.toString().contains("Invalid data"),
                    "no broken pictures: " + log);
        }
    }

    @Test
    void fiftyClientsAtOnceGetEveryPicture() throws Exception {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "30",
                "--max-viewers", "100")) {
            List<Counter> counters = new ArrayList<>();
            try {
                for (int i = 0; i < 50; i++) {
                    counters.add(Counter.play(server.rtspUrl("/main"), false));
                }
                Poll.until(Duration.ofSeconds(30), "all 50 clients to get pictures",
                        () -> counters.stream().allMatch(c -> c.pictures() > 30));
                long[] before = counters.stream().mapToLong(Counter::pictures).toArray();
                long start = System.nanoTime();
                Poll.until(Duration.ofSeconds(30), "five seconds of pictures", () -> System.nanoTime() - start > 5e9);
                double seconds = (System.nanoTime() - start) / 1e9;
                double slowest = Double.MAX_VALUE;
                for (int i = 0; i < counters.size(); i++) {
                    assertEquals(null, counters.get(i).failure(), "client " + i);
                    slowest = Math.min(slowest, (counters.get(i).pictures() - before[i]) / seconds);
                }
                System.out.printf("50 RTSP clients over TCP: the slowest got %.1f pictures/s of 30%n", slowest);
                assertTrue(slowest >= 24, "every client at the camera's rate, the slowest at " + slowest);
                assertTrue(counters.stream().allMatch(c -> c.gaps() == 0), "no sequence gaps");
                Set<Long> ssrcs = new HashSet<>();
                counters.forEach(c -> ssrcs.add(c.ssrc()));
                assertEquals(50, ssrcs.size(), "each client has its own SSRC");
            } finally {
                for (Counter counter : counters) {
                    counter.close();
                }
            }
        }
    }

    @Test
    void aClientThatStopsReadingIsDroppedAndTheOthersGoOn() throws Exception {
        try (TestServer server = TestServer.start("--width", "640", "--height", "360", "--fps", "30",
                "--bitrate", "4M", "--viewer-timeout", "2");
                Counter good = Counter.play(server.rtspUrl("/main"), false);
                RtspClient stuck = RtspClient.connect(server.rtspUrl("/main"), 4096)) {
            assertEquals(200, stuck.play(false).status());
            // It reads nothing more: the server's socket buffer fills, then its writes wait.
            Poll.until(Duration.ofSeconds(30), "the stuck client to be dropped", () -> clients(server).size() == 1);
            long before = good.pictures();
            Poll.until(Duration.ofSeconds(10), "the other client to go on", () -> good.pictures() > before + 30);
            assertEquals(0, good.gaps(), "the other client lost nothing");
            assertThrows(IOException.class, () -> {
                while (true) {
                    stuck.nextFrame(); // what was in flight, then the end
                }
            });
        }
    }

    @Test
    void requestsThatAreNotRtspGetClearErrorsAndNeverAnotherClientsStream() throws Exception {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "15");
                RtspClient owner = RtspClient.connect(server.rtspUrl("/main"))) {
            String url = server.rtspUrl("/main");
            assertEquals(200, owner.play(false).status());
            String session = owner.session();

            try (RtspClient other = RtspClient.connect(url)) {
                other.useSession(session);
                RtspClient.Response stolen = other.request("PLAY", url);
                assertEquals(454, stolen.status(), "another connection's session is not found");
                RtspClient.Response teardown = other.request("TEARDOWN", url);
                assertEquals(454, teardown.status());
                other.useSession(null);
                assertEquals(501, other.request("FLY", url).status());
                RtspClient.Response pause = other.request("PAUSE", url);
                assertEquals(405, pause.status());
                assertTrue(pause.header("allow").contains("PLAY"), pause.headers().toString());
                assertEquals(404, other.request("DESCRIBE", server.rtspUrl("/nocamera")).status());
                assertEquals(404, other.request("DESCRIBE", server.rtspUrl("/../../etc/passwd")).status());
                assertEquals(461, other.request("SETUP", url + "/trackID=0", "Transport: RTP/AVP;multicast").status());
                assertEquals(461, other.request("SETUP", url + "/trackID=0",
                        "Transport: RTP/AVP;unicast;client_port=5000-5001;destination=10.1.2.3").status(),
                        "UDP goes to the client itself only");
                assertEquals(404, other.request("SETUP", url + "/trackID=1",
                        "Transport: RTP/AVP/TCP;unicast;interleaved=2-3").status(), "no sound track");
                assertEquals(454, other.request("PLAY", url).status(), "PLAY needs a session");
                assertEquals(551, other.request("OPTIONS", url, "Require: funky-feature").status());
                RtspClient.Response options = other.request("OPTIONS", url);
                assertEquals(200, options.status());
                assertEquals("camstream", options.header("server"), "no version");
            }
            assertEquals(505, raw(server, "OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n").status());
            assertEquals(400, raw(server, "OPTIONS * RTSP/1.0\r\n\r\n").status(), "no CSeq");
            assertEquals(400, raw(server, "GET / HTTP/1.1\r\nHost: x\r\n\r\n").status(), "HTTP on the RTSP port");
            assertEquals(400, raw(server, "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: " + "a".repeat(9000) + "\r\n\r\n")
                    .status(), "a header over the bound");
            assertEquals(413, raw(server, "GET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 999999\r\n\r\n")
                    .status());
            try (Socket garbage = new Socket("127.0.0.1", server.rtspPort())) {
                garbage.setSoTimeout(10_000);
                byte[] noise = new byte[4096];
                new java.util.Random(7).nextBytes(noise);
                noise[0] = 'X';
                garbage.getOutputStream().write(noise);
                String answer = new String(garbage.getInputStream().readNBytes(200), StandardCharsets.UTF_8);
                assertTrue(answer.startsWith("RTSP/1.0 400"), answer);
            }
            // The owner's stream went on throughout.
            for (int i = 0; i < 30; i++) {
                owner.nextFrame();
            }
            assertEquals(1, clients(server).size());
        }
    }

    /**
     * RTSP clients take places under max-viewers like every other viewer. A UDP session that says nothing (no
     * request, no receiver report) ends after the session timeout and frees its place; a TCP session lives as
     * long as its connection reads, with or without keep-alives, as MediaMTX does.
     */
    @Test
    void rtspClientsCountInMaxViewersAndAQuietUdpSessionTimesOut() throws Exception {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "15",
                "--max-viewers", "2", "--rtsp-session-timeout", "3");
                RtspClient tcp = RtspClient.connect(server.rtspUrl("/main"));
                RtspClient udp = RtspClient.connect(server.rtspUrl("/main"));
                RtspClient third = RtspClient.connect(server.rtspUrl("/main"))) {
            assertEquals(200, tcp.play(false).status());
            String url = udp.url();
            assertEquals(200, udp.request("DESCRIBE", url).status());
            int[] ports = {org.camstream.testing.FreePorts.udpPair()};
            RtspClient.Response setup = udp.request("SETUP", url + "/trackID=0",
                    "Transport: RTP/AVP;unicast;client_port=" + ports[0] + "-" + (ports[0] + 1));
            assertEquals(200, setup.status());
            assertTrue(setup.header("session").endsWith(";timeout=3"), setup.header("session"));
            udp.useSession(setup.header("session").split(";")[0]);
            assertEquals(200, udp.request("PLAY", url).status());
            RtspClient.Response refused = third.play(false);
            assertEquals(503, refused.status());
            assertTrue(refused.body().contains("limit of 2 viewers"), refused.body());
            assertNotNull(refused.header("retry-after"));
            @SuppressWarnings("unchecked")
            Map<String, Object> limits = (Map<String, Object>) server.status().get("limits");
            assertEquals(2, ((Number) limits.get("admittedViewers")).intValue(), "they take the web's places too");

            long started = System.nanoTime();
            Poll.until(Duration.ofSeconds(15), "the quiet UDP session to time out", () -> {
                readFrames(tcp, 5);
                return clients(server).size() == 1;
            });
            // The TCP client sent nothing since its PLAY either; it reads on, past twice the timeout.
            while (System.nanoTime() - started < Duration.ofSeconds(7).toNanos()) {
                readFrames(tcp, 5);
            }
            assertEquals(1, clients(server).size(), "the TCP session is kept while its connection reads");
            try (RtspClient other = RtspClient.connect(url)) {
                other.useSession(udp.session());
                assertEquals(454, other.request("GET_PARAMETER", url).status(), "the quiet one's session is gone");
            }
            try (RtspClient again = RtspClient.connect(url)) {
                assertEquals(200, again.play(false).status(), "its place is free again");
            }
        }
    }

    private static void readFrames(RtspClient client, int count) {
        try {
            for (int i = 0; i < count; i++) {
                client.nextFrame();
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void theViewerLoginAppliesAsBasicAndDigestAndNoSecretReachesTheLog() throws Exception {
        String password = "s3cret-rtsp-pass";
        try (LogCapture logs = new LogCapture();
                TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "15",
                        "--viewer-auth", "true", "--viewer-user", "watcher", "--viewer-password", password)) {
            String url = server.rtspUrl("/main");
            MediaTools.Result anonymous = MediaTools.run(List.of("ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                    url));
            assertTrue(anonymous.exitCode() != 0 && anonymous.stderr().contains("401"), anonymous.stderr());
            String withLogin = url.replace("rtsp://", "rtsp://watcher:" + password + "@");
            // ffmpeg answers the Digest challenge, which comes first
            String streams = MediaTools.ffprobe("-v", "error", "-rtsp_transport", "tcp", "-show_entries",
                    "stream=codec_name", "-of", "compact", withLogin);
            assertTrue(streams.contains("h264"), streams);
            MediaTools.Result wrong = MediaTools.run(List.of("ffprobe", "-v", "error", "-rtsp_transport", "tcp",
                    url.replace("rtsp://", "rtsp://watcher:nope@")));
            assertTrue(wrong.exitCode() != 0, "a wrong password is refused");
            // GStreamer answers the Digest challenge too, in RFC 2069's form (no qop), as VLC's live555 does
            MediaTools.Result gstreamer = MediaTools.run(List.of("gst-launch-1.0", "-q", "rtspsrc",
                    "location=" + url, "user-id=watcher", "user-pw=" + password, "protocols=tcp", "!", "fakesink",
                    "num-buffers=30"));
            assertEquals(0, gstreamer.exitCode(), gstreamer.stderr() + gstreamer.stdoutText());
            try (RtspClient basic = RtspClient.connect(url)) {
                RtspClient.Response challenge = basic.request("DESCRIBE", url);
                assertEquals(401, challenge.status());
                assertTrue(challenge.header("www-authenticate").startsWith("Digest realm=\"camstream\""));
                String token = java.util.Base64.getEncoder().encodeToString(("watcher:" + password)
                        .getBytes(StandardCharsets.UTF_8));
                assertEquals(200, basic.play(false, "Authorization: Basic " + token).status());
                basic.nextFrame();
            }
            for (String line : logs.lines()) {
                assertFalse(line.contains(password), "a password in the log: " + line);
            }
        }
    }

    @Test
    void aRemovedCamerasClientsAreClosed() throws Exception {
        try (TestServer server = TestServer.start("--width", "320", "--height", "240", "--fps", "15",
                "--camera.porch.source", "test", "--camera.porch.width", "320", "--camera.porch.height", "240",
                "--camera.porch.fps", "15");
                Counter porch = Counter.play(server.rtspUrl("/porch"), false);
                Counter main = Counter.play(server.rtspUrl("/main"), false)) {
            Poll.until(Duration.ofSeconds(20), "both playing", () -> porch.pictures() > 5 && main.pictures() > 5);
            assertEquals(200, server.send(server.asAdmin("/api/config/cameras/porch").DELETE().build()).statusCode());
            Poll.until(Duration.ofSeconds(10), "porch's client to be closed", () -> porch.failure() != null);
            long before = main.pictures();
            Poll.until(Duration.ofSeconds(10), "main's to go on", () -> main.pictures() > before + 15);
        }
    }

    // ---------------------------------------------------------------- helpers

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> clients(TestServer server) {
        return (List<Map<String, Object>>) ((Map<String, Object>) server.status().get("rtsp")).get("clients");
    }

    private static RtspClient.Response raw(TestServer server, String request) throws IOException {
        try (RtspClient client = RtspClient.connect(server.rtspUrl("/"))) {
            client.sendRaw(request.getBytes(StandardCharsets.ISO_8859_1));
            return client.readResponse();
        }
    }

    private static Set<String> sizes(StringBuilder log) {
        Set<String> sizes = new HashSet<>();
        synchronized (log) {
            Matcher m = SIZE.matcher(log);
            while (m.find()) {
                sizes.add(m.group(1) + "x" + m.group(2));
            }
        }
        return sizes;
    }

    private static Thread drain(InputStream in, StringBuilder log) {
        Thread thread = new Thread(() -> {
            byte[] buffer = new byte[8192];
            try {
                for (int n; (n = in.read(buffer)) > 0; ) {
                    synchronized (log) {
                        log.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                    }
                }
            } catch (IOException ignored) {
                // ended
            }
        }, "ffmpeg-log");
        thread.setDaemon(true);
        thread.start();
        return thread;
    }

    /** An RTSP client on its own thread that counts the pictures (video packets with the marker) and gaps. */
    static final class Counter implements AutoCloseable {
        private final RtspClient client;
        private final AtomicLong pictures = new AtomicLong();
        private final AtomicLong gaps = new AtomicLong();
        private final AtomicBoolean open = new AtomicBoolean(true);
        private final List<Throwable> failures = new CopyOnWriteArrayList<>();
        private volatile long ssrc;

        private Counter(RtspClient client) {
            this.client = client;
        }

        static Counter play(String url, boolean audio) throws IOException {
            RtspClient client = RtspClient.connect(url);
            RtspClient.Response response = client.play(audio);
            assertEquals(200, response.status(), response.body());
            Counter counter = new Counter(client);
            Thread thread = new Thread(counter::read, "rtsp-counter");
            thread.setDaemon(true);
            thread.start();
            return counter;
        }

        private void read() {
            int last = -1;
            try {
                while (open.get()) {
                    RtspClient.Frame frame = client.nextFrame();
                    if (frame.channel() != 0) {
                        continue;
                    }
                    ssrc = frame.ssrc();
                    if (last >= 0 && frame.sequence() != ((last + 1) & 0xFFFF)) {
                        gaps.incrementAndGet();
                    }
                    last = frame.sequence();
                    if (frame.marker()) {
                        pictures.incrementAndGet();
                    }
                }
            } catch (IOException | RuntimeException e) {
                if (open.get()) {
                    failures.add(e);
                }
            }
        }

        long pictures() {
            return pictures.get();
        }

        long gaps() {
            return gaps.get();
        }

        long ssrc() {
            return ssrc;
        }

        Throwable failure() {
            return failures.isEmpty() ? null : failures.get(0);
        }

        @Override
        public void close() throws IOException {
            open.set(false);
            client.close();
        }
    }
}
