package org.camstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.MessageDigest;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.apache.commons.io.file.PathUtils;
import org.camstream.config.SettingsException;
import org.camstream.testing.Browser;
import org.camstream.testing.FreePorts;
import org.camstream.testing.LogCapture;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * HTTPS on the embedded server, with a CA and server certificates made here by Debian's openssl (argument
 * lists, no shell), written as PEM files as Let's Encrypt writes them: {@code fullchain.pem} (the certificate,
 * then the CA) and {@code privkey.pem}. Each of the three key forms Tomcat reads is used once: PKCS#1 RSA for
 * the first certificate, EC (SEC 1) for its renewal, PKCS#8 for the redirecting server.
 *
 * <p>Chromium is made to trust the test certificate with {@code --ignore-certificate-errors-spki-list}, the
 * base64 SHA-256 of the server certificate's SubjectPublicKeyInfo, given to that one browser
 * ({@link Browser#start(List)}); chromedriver's own {@code --user-data-dir}, which Chromium requires for the
 * switch, is there already. No NSS database is touched.
 */
class HttpsIT {

    private static Path dir;
    private static Path ca;
    /** The files the main server serves, replaced in place by the renewal test. */
    private static Path fullchain;
    private static Path privkey;
    private static TestServer server;
    private static TestServer redirecting;

    @BeforeAll
    static void start() throws Exception {
        dir = Files.createTempDirectory("camstream-https-test");
        ca = makeCa();
        Pem first = serverCertificate("first", "rsa-pkcs1", 1001);
        fullchain = dir.resolve("fullchain.pem");
        privkey = dir.resolve("privkey.pem");
        Files.copy(first.chain(), fullchain);
        Files.copy(first.key(), privkey);
        Pem third = serverCertificate("third", "pkcs8", 3003);
        // Short, so that a renewal is seen within a second; read once, at each server's start.
        System.setProperty(TlsConnector.CHECK_INTERVAL_PROPERTY, "0.2");
        try {
            server = TestServer.start("--https-port", Integer.toString(FreePorts.tcp()),
                    "--tls-cert", fullchain.toString(), "--tls-key", privkey.toString(),
                    "--width", "640", "--height", "360", "--fps", "15");
            redirecting = TestServer.start("--https-port", Integer.toString(FreePorts.tcp()),
                    "--tls-cert", third.chain().toString(), "--tls-key", third.key().toString(), "--https-redirect",
                    "--width", "640", "--height", "360", "--fps", "15");
        } finally {
            System.clearProperty(TlsConnector.CHECK_INTERVAL_PROPERTY);
        }
    }

    @AfterAll
    static void stop() throws IOException {
        if (server != null) {
            server.close();
        }
        if (redirecting != null) {
            redirecting.close();
        }
        PathUtils.deleteDirectory(dir);
    }

    @Test
    void curlGetsASnapshotAndTheHlsPlaylistOverHttpsWhileHttpStaysUp() throws Exception {
        int port = server.server().httpsPort();
        assertTrue(port > 0);
        Path jpeg = dir.resolve("snapshot.jpg");
        Poll.until(Duration.ofSeconds(20), "curl to get the snapshot over https",
                () -> curl("--cacert", ca.toString(), "-o", jpeg.toString(), "-w", "%{http_code}",
                        "https://127.0.0.1:" + port + "/snapshot.jpg"),
                result -> result.equals("200"));
        byte[] picture = Files.readAllBytes(jpeg);
        assertTrue(picture.length > 1000 && (picture[0] & 0xff) == 0xff && (picture[1] & 0xff) == 0xd8,
                "a JPEG, " + picture.length + " bytes");
        // The name in the certificate, too; and HLS as it is.
        String playlist = Poll.until(Duration.ofSeconds(30), "the HLS playlist over https",
                () -> curl("--cacert", ca.toString(), "https://localhost:" + port + "/hls/index.m3u8"),
                text -> text.startsWith("#EXTM3U") && text.contains("#EXT-X-PART:"));
        assertTrue(playlist.contains("#EXT-X-VERSION:9"), playlist);
        assertEquals(200, server.get("/api/status").statusCode(), "the HTTP connector stays");
    }

    @Test
    void mjpegOverHttpsGivesParts() throws Exception {
        try (Viewer viewer = Viewer.open(server.server().httpsPort())) {
            for (int i = 0; i < 5; i++) {
                byte[] part = viewer.part();
                assertTrue((part[0] & 0xff) == 0xff && (part[1] & 0xff) == 0xd8, "part " + i + " is a JPEG");
            }
        }
    }

    @Test
    void chromiumPlaysMseOverWss() throws Exception {
        int port = server.server().httpsPort();
        // The certificate served now (the renewal test may have run first and replaced it).
        String spki = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-256")
                .digest(leaf(fullchain).getPublicKey().getEncoded()));
        ChromeDriver browser = Browser.start(List.of("--ignore-certificate-errors-spki-list=" + spki));
        try {
            // Every WebSocket the page opens, as the page asked for it.
            browser.executeCdpCommand("Page.addScriptToEvaluateOnNewDocument", Map.<String, Object>of("source",
                    "window.__sockets = []; const NativeWebSocket = window.WebSocket;"
                            + " window.WebSocket = class extends NativeWebSocket { constructor(...args) {"
                            + " super(...args); window.__sockets.push(this.url); } };"));
            browser.get("https://127.0.0.1:" + port + "/?mode=mse");
            JavascriptExecutor js = browser;
            assertEquals("https:", js.executeScript("return location.protocol"),
                    "the page is served, not Chromium's certificate warning");
            Poll.until(Duration.ofSeconds(30), "the MSE player to play over https",
                    () -> Boolean.TRUE.equals(js.executeScript(
                            "return !!window.camstream && window.camstream.stats().playing")));
            assertEquals("mse", js.executeScript("return window.camstream.stats().mode"));
            @SuppressWarnings("unchecked")
            List<String> sockets = (List<String>) js.executeScript("return window.__sockets");
            assertFalse(sockets.isEmpty(), "the player opened a WebSocket");
            for (String socket : sockets) {
                assertTrue(socket.startsWith("wss://127.0.0.1:" + port + "/"), "a secure WebSocket: " + socket);
            }
        } finally {
            browser.quit();
        }
    }

    @Test
    void aRenewedCertificateIsServedToNewConnectionsWhileAnOpenViewerGoesOn() throws Exception {
        int port = server.server().httpsPort();
        BigInteger before = servedSerial(port);
        Pem renewed = serverCertificate("renewed", "ec-sec1", 2002);
        assertFalse(before.equals(BigInteger.valueOf(2002)), "the renewed certificate is not served yet");

        try (LogCapture log = new LogCapture(); Viewer viewer = Viewer.open(port)) {
            viewer.part();
            List<Long> arrivals = new ArrayList<>();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread reader = new Thread(() -> {
                try {
                    while (!Thread.currentThread().isInterrupted()) {
                        viewer.part();
                        synchronized (arrivals) {
                            arrivals.add(System.nanoTime());
                        }
                    }
                } catch (Throwable e) {
                    failure.set(e);
                }
            }, "https-test-viewer");
            reader.setDaemon(true);
            reader.start();
            Poll.until(Duration.ofSeconds(10), "the viewer to receive parts", () -> count(arrivals) >= 5);

            // As certbot does: the files change under the same names (here key first, then the certificate).
            long replaced = System.nanoTime();
            Files.move(renewed.key(), privkey, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            Files.move(renewed.chain(), fullchain, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);

            Poll.until(Duration.ofSeconds(20), "a new TLS connection to get the renewed certificate",
                    () -> servedSerial(port), serial -> serial.equals(BigInteger.valueOf(2002)));
            long reloaded = System.nanoTime();
            int atReload = count(arrivals);
            Poll.until(Duration.ofSeconds(10), "the viewer opened before the reload to go on receiving",
                    () -> count(arrivals) >= atReload + 15 || failure.get() != null);
            reader.interrupt();
            assertNull(failure.get(), "the viewer's stream broke: " + failure.get());

            long largestGap = 0;
            synchronized (arrivals) {
                for (int i = 1; i < arrivals.size(); i++) {
                    largestGap = Math.max(largestGap, arrivals.get(i) - arrivals.get(i - 1));
                }
            }
            assertTrue(largestGap < TimeUnit.SECONDS.toNanos(2), "the viewer's parts stopped for "
                    + largestGap / 1e9 + " s around the reload, which came "
                    + (reloaded - replaced) / 1e9 + " s after the files changed");
            Poll.until(Duration.ofSeconds(5), "the reload in the log",
                    () -> !log.containing("reloaded the certificate of HTTPS port").isEmpty());
            assertTrue(log.containing("reloaded the certificate of HTTPS port").get(0).contains("serial 7d2"),
                    "the log names the new certificate: " + log.containing("reloaded the certificate"));
        }
        assertEquals("200", curl("--cacert", ca.toString(), "-o", "/dev/null", "-w", "%{http_code}",
                "https://127.0.0.1:" + port + "/api/status"), "curl trusts the renewed certificate");
    }

    @Test
    void plainHttpIsRedirectedToHttpsWhenAsked() throws Exception {
        int https = redirecting.server().httpsPort();
        HttpResponse<byte[]> get = redirecting.get("/snapshot.jpg?x=1");
        assertEquals(301, get.statusCode());
        assertEquals("https://127.0.0.1:" + https + "/snapshot.jpg?x=1", get.headers().firstValue("Location").orElse(null));
        HttpResponse<byte[]> put = redirecting.send(redirecting.asAdmin("/api/config")
                .PUT(HttpRequest.BodyPublishers.ofString("{}")).build());
        assertEquals(308, put.statusCode(), "a PUT keeps its method and body");
        assertEquals("https://127.0.0.1:" + https + "/api/config", put.headers().firstValue("Location").orElse(null));

        // curl follows it and gets the picture over https; the server without the setting does not redirect.
        Path jpeg = dir.resolve("followed.jpg");
        Poll.until(Duration.ofSeconds(20), "curl -L to follow the redirect to the snapshot",
                () -> curl("--cacert", ca.toString(), "-L", "-o", jpeg.toString(), "-w", "%{http_code} %{url_effective}",
                        "http://127.0.0.1:" + redirecting.port() + "/snapshot.jpg"),
                result -> result.equals("200 https://127.0.0.1:" + https + "/snapshot.jpg"));
        assertEquals(0xd8, Files.readAllBytes(jpeg)[1] & 0xff);
        assertEquals(200, server.get("/api/status").statusCode());
    }

    @Test
    void httpsThatCannotWorkStopsTheStartWithTheReason() throws Exception {
        Pem other = serverCertificate("other", "pkcs8", 4004);
        Path missing = dir.resolve("no-such-fullchain.pem");
        int port = FreePorts.tcp();
        assertStartFails(missing.toString(), List.of("--https-port", "8443", "--tls-cert", missing.toString(),
                "--tls-key", privkey.toString()));
        assertStartFails("tls-key " + other.key() + " is not the key of the certificate", List.of("--https-port",
                "8443", "--tls-cert", fullchain.toString(), "--tls-key", other.key().toString()));
        assertStartFails("tls-key " + fullchain + " holds no private key", List.of("--https-port", "8443",
                "--tls-cert", fullchain.toString(), "--tls-key", fullchain.toString()));
        assertStartFails("https-port must differ from port", List.of("--port", Integer.toString(port),
                "--https-port", Integer.toString(port), "--tls-cert", fullchain.toString(), "--tls-key",
                privkey.toString()));
        assertStartFails("tls-key is needed for https-port", List.of("--https-port", "8443", "--tls-cert",
                fullchain.toString()));
        assertStartFails("https-redirect needs https-port", List.of("--https-redirect"));
    }

    private static void assertStartFails(String expected, List<String> settings) throws IOException {
        Path data = Files.createTempDirectory(dir, "data");
        List<String> args = new ArrayList<>(List.of("--port", "0", "--bind", "127.0.0.1", "--data-dir",
                data.toString(), "--admin-password", "x", "--rtsp-port", "0"));
        args.addAll(settings);
        SettingsException e = assertThrows(SettingsException.class,
                () -> EmbeddedServer.start(args, Path.of("src/main/webapp"), Path.of("target/classes")).close(),
                "camstream must not start with " + settings);
        assertTrue(e.getMessage().contains(expected), "'" + expected + "' in: " + e.getMessage());
    }

    // --- certificates ---

    private record Pem(Path chain, Path key, X509Certificate leaf) {
    }

    private static final String OPENSSL_CONFIG = String.join("\n",
            "[req]",
            "distinguished_name = dn",
            "prompt = no",
            "[dn]",
            "CN = camstream test",
            "[v3_ca]",
            "basicConstraints = critical,CA:TRUE",
            "keyUsage = critical,keyCertSign,cRLSign",
            "subjectKeyIdentifier = hash",
            "[v3_server]",
            "basicConstraints = CA:FALSE",
            "keyUsage = critical,digitalSignature,keyEncipherment",
            "extendedKeyUsage = serverAuth",
            "subjectAltName = IP:127.0.0.1,DNS:localhost",
            "subjectKeyIdentifier = hash",
            "authorityKeyIdentifier = keyid",
            "");

    private static Path makeCa() throws IOException {
        Files.writeString(dir.resolve("openssl.cnf"), OPENSSL_CONFIG);
        openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", "ca.key");
        openssl("req", "-x509", "-new", "-key", "ca.key", "-out", "ca.pem", "-days", "2", "-config", "openssl.cnf",
                "-extensions", "v3_ca", "-subj", "/CN=camstream test CA");
        return dir.resolve("ca.pem");
    }

    /** A certificate for 127.0.0.1 and localhost signed by the test CA, with a key in the form asked for. */
    private static Pem serverCertificate(String name, String keyForm, int serial) throws IOException {
        String key = name + ".key";
        String expectedHeader = switch (keyForm) {
            case "rsa-pkcs1" -> {
                openssl("genrsa", "-traditional", "-out", key, "2048");
                yield "-----BEGIN RSA PRIVATE KEY-----";
            }
            case "ec-sec1" -> {
                openssl("ecparam", "-name", "prime256v1", "-genkey", "-noout", "-out", key);
                yield "-----BEGIN EC PRIVATE KEY-----";
            }
            default -> {
                openssl("genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256", "-out", key);
                yield "-----BEGIN PRIVATE KEY-----";
            }
        };
        assertTrue(Files.readString(dir.resolve(key)).startsWith(expectedHeader), name + ": a " + keyForm + " key");
        openssl("req", "-new", "-key", key, "-out", name + ".csr", "-config", "openssl.cnf",
                "-subj", "/CN=camstream test " + name);
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.pem", "-CAkey", "ca.key", "-set_serial",
                Integer.toString(serial), "-days", "2", "-out", name + ".crt", "-extfile", "openssl.cnf",
                "-extensions", "v3_server");
        Path chain = dir.resolve(name + "-fullchain.pem");
        Files.writeString(chain, Files.readString(dir.resolve(name + ".crt")) + Files.readString(ca));
        return new Pem(chain, dir.resolve(key), leaf(chain));
    }

    private static void openssl(String... args) {
        List<String> command = new ArrayList<>(List.of("openssl"));
        command.addAll(List.of(args));
        run(command, "openssl");
    }

    private static String curl(String... args) {
        List<String> command = new ArrayList<>(List.of("curl", "-sS", "--max-time", "15"));
        command.addAll(List.of(args));
        return run(command, "curl");
    }

    private static String run(List<String> command, String what) {
        try {
            Process process = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
            String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
                throw new IllegalStateException(what + " failed: " + command + "\n" + output);
            }
            return output;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static X509Certificate leaf(Path chain) {
        try (InputStream in = Files.newInputStream(chain)) {
            return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** A TLS context that trusts the test CA only; a new one each time, so that no session is resumed. */
    private static SSLContext trustingCa() {
        try {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", leaf(ca));
            TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            factory.init(trust);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, factory.getTrustManagers(), null);
            return context;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    /** The serial number of the certificate a new TLS connection is given, its name checked as a browser does. */
    private static BigInteger servedSerial(int port) {
        try (SSLSocket socket = (SSLSocket) trustingCa().getSocketFactory().createSocket("127.0.0.1", port)) {
            SSLParameters parameters = socket.getSSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            socket.setSSLParameters(parameters);
            socket.setSoTimeout(5000);
            socket.startHandshake();
            return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static int count(List<Long> arrivals) {
        synchronized (arrivals) {
            return arrivals.size();
        }
    }

    /** An MJPEG viewer over HTTPS: the parts of {@code /stream.mjpeg}, read by their Content-Length. */
    private static final class Viewer implements AutoCloseable {
        private final InputStream in;

        private Viewer(InputStream in) {
            this.in = in;
        }

        static Viewer open(int port) throws Exception {
            HttpClient client = HttpClient.newBuilder().sslContext(trustingCa()).version(HttpClient.Version.HTTP_1_1)
                    .connectTimeout(Duration.ofSeconds(5)).build();
            HttpResponse<InputStream> response = client.send(HttpRequest.newBuilder(
                    URI.create("https://127.0.0.1:" + port + "/stream.mjpeg")).build(),
                    HttpResponse.BodyHandlers.ofInputStream());
            assertEquals(200, response.statusCode());
            assertTrue(response.headers().firstValue("Content-Type").orElse("").startsWith("multipart/x-mixed-replace"));
            return new Viewer(response.body());
        }

        /** The next part's body. */
        byte[] part() throws IOException {
            int length = -1;
            while (true) {
                String line = line();
                if (line.isEmpty() && length >= 0) {
                    break;
                }
                String lower = line.toLowerCase(Locale.ROOT);
                if (lower.startsWith("content-length:")) {
                    length = Integer.parseInt(lower.substring("content-length:".length()).trim());
                }
            }
            byte[] body = in.readNBytes(length);
            if (body.length < length) {
                throw new IOException("the stream ended inside a part");
            }
            return body;
        }

        private String line() throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            for (int b = in.read(); b != '\n'; b = in.read()) {
                if (b < 0) {
                    throw new IOException("the stream ended");
                }
                if (b != '\r') {
                    bytes.write(b);
                }
            }
            return bytes.toString(StandardCharsets.US_ASCII);
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }
}
