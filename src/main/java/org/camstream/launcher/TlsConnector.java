package org.camstream.launcher;

import java.io.IOException;
import java.io.InputStream;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.apache.catalina.connector.Connector;
import org.apache.coyote.http11.AbstractHttp11Protocol;
import org.apache.tomcat.util.net.SSLHostConfig;
import org.apache.tomcat.util.net.SSLHostConfigCertificate;
import org.apache.tomcat.util.net.jsse.JSSEImplementation;
import org.apache.tomcat.util.net.jsse.PEMFile;
import org.camstream.config.Setting;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;

/**
 * The embedded server's HTTPS connector: the HTTP connector's limits and timeouts (EmbeddedServer's
 * {@code limitedConnector}), with TLS from two PEM files as Let's Encrypt writes them, {@code fullchain.pem}
 * and {@code privkey.pem}. Tomcat reads PEM itself, with the JDK's TLS (JSSE): no OpenSSL, no keystore.
 *
 * <p>{@code fullchain.pem} is the certificate followed by its chain, so it is the certificate file and there is
 * no separate chain file; Tomcat sends every certificate of the file.
 */
final class TlsConnector {

    /**
     * How often the PEM files are looked at for a renewal, in seconds (a JVM system property, not a setting:
     * tests make it short). A changed pair is loaded once it has stayed the same for one more look.
     */
    static final String CHECK_INTERVAL_PROPERTY = "camstream.tls-check-interval";
    static final Duration DEFAULT_CHECK_INTERVAL = Duration.ofSeconds(60);

    private TlsConnector() {
    }

    /** Makes {@code connector}, which has the HTTP connector's limits, speak TLS with the settings' PEM files. */
    static Connector configure(Connector connector, Settings settings) {
        connector.setScheme("https");
        connector.setSecure(true);
        EmbeddedServer.set(connector, "SSLEnabled", "true");
        // JSSE, said: Tomcat would take OpenSSL if it found the native library, which reads no PEM chain the same way.
        EmbeddedServer.set(connector, "sslImplementationName", JSSEImplementation.class.getName());
        SSLHostConfig host = new SSLHostConfig();
        host.setProtocols("+TLSv1.2+TLSv1.3");
        // UNDEFINED: the key's own type, RSA or EC, whichever the file holds.
        SSLHostConfigCertificate certificate = new SSLHostConfigCertificate(host, SSLHostConfigCertificate.Type.UNDEFINED);
        certificate.setCertificateFile(settings.tlsCert().toString());
        certificate.setCertificateKeyFile(settings.tlsKey().toString());
        host.addCertificate(certificate);
        connector.addSslHostConfig(host);
        return connector;
    }

    /** Makes new connections get the certificate the files hold now; open connections keep theirs. */
    static void reload(Connector connector) {
        ((AbstractHttp11Protocol<?>) connector.getProtocolHandler()).reloadSslHostConfigs();
    }

    /** The check interval the system property asks for, or the default. */
    static Duration checkInterval() {
        String value = System.getProperty(CHECK_INTERVAL_PROPERTY);
        if (value == null || value.isBlank()) {
            return DEFAULT_CHECK_INTERVAL;
        }
        try {
            double seconds = Double.parseDouble(value.trim());
            if (seconds >= 0.01 && seconds <= 86_400) {
                return Duration.ofNanos(Math.round(seconds * 1e9));
            }
        } catch (NumberFormatException e) {
            // said below
        }
        throw new SettingsException("system property " + CHECK_INTERVAL_PROPERTY
                + " must be seconds from 0.01 to 86400, got '" + value + "'");
    }

    /**
     * Reads both files as Tomcat will, and checks that the key belongs to the certificate: at start, so that
     * camstream does not start with HTTPS that cannot work, and before a reload, so that a renewal caught
     * half-way (a new certificate, still the old key) is not loaded.
     *
     * @return the certificate (the first of the certificate file)
     * @throws SettingsException naming the file and what is wrong with it
     */
    static X509Certificate check(Path certFile, Path keyFile) {
        List<X509Certificate> certificates = read(Setting.TLS_CERT, certFile).getCertificates();
        if (certificates.isEmpty()) {
            throw new SettingsException(Setting.TLS_CERT.key() + " " + certFile + " holds no certificate (no"
                    + " -----BEGIN CERTIFICATE-----); it should be the certificate and its chain, such as fullchain.pem");
        }
        PrivateKey key = read(Setting.TLS_KEY, keyFile).getPrivateKey();
        if (key == null) {
            throw new SettingsException(Setting.TLS_KEY.key() + " " + keyFile + " holds no private key (no -----BEGIN"
                    + " PRIVATE KEY-----, RSA PRIVATE KEY or EC PRIVATE KEY); it should be the key, such as privkey.pem");
        }
        X509Certificate certificate = certificates.get(0);
        if (!belongTogether(key, certificate)) {
            throw new SettingsException(Setting.TLS_KEY.key() + " " + keyFile + " is not the key of the certificate in "
                    + Setting.TLS_CERT.key() + " " + certFile + " (" + describe(certificate) + ")");
        }
        return certificate;
    }

    private static PEMFile read(Setting setting, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new SettingsException(setting.key() + " " + file + " does not exist or is not a file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            return new PEMFile(file.toString(), in, null, null);
        } catch (IOException e) {
            throw new SettingsException(setting.key() + " " + file + " cannot be read by this user ("
                    + System.getProperty("user.name") + "): " + e);
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new SettingsException(setting.key() + " " + file + " is not a PEM file camstream can use: " + e);
        }
    }

    /** Whether the key signs what the certificate's public key verifies. Key types JSSE has no test for pass. */
    private static boolean belongTogether(PrivateKey key, X509Certificate certificate) {
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "Ed25519", "EdDSA" -> "Ed25519";
            default -> null;
        };
        if (algorithm == null) {
            return true;
        }
        try {
            byte[] challenge = "camstream: does this key belong to this certificate?".getBytes(
                    java.nio.charset.StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            signer.initSign(key);
            signer.update(challenge);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            verifier.initVerify(certificate.getPublicKey());
            verifier.update(challenge);
            return verifier.verify(signature);
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /** Subject, serial and end of validity: enough to tell a renewed certificate from the last. */
    static String describe(X509Certificate certificate) {
        BigInteger serial = certificate.getSerialNumber();
        return certificate.getSubjectX500Principal().getName() + ", serial " + serial.toString(16) + ", valid until "
                + certificate.getNotAfter().toInstant();
    }
}
