package org.camstream.launcher;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.camstream.config.SettingsException;
import org.camstream.process.OwnedThreads;

/**
 * Looks at the certificate and key files every so often, and when they have changed, has the HTTPS connector
 * load them again: new connections get the new certificate, and connections already open, viewers included,
 * keep the one they started with. No restart, nobody dropped.
 *
 * <p>A file is taken as changed when the file it leads to (certbot's {@code live/} files are links into
 * {@code archive/}), its modification time or its size changed. Renewals write the two files one after the
 * other, so a change is loaded only once both have stayed the same for one more look, and only when the key
 * belongs to the certificate; until then the certificate in use stays. Polling the two files' attributes costs
 * next to nothing, works on every file system and through links, and needs no thread per directory, unlike a
 * {@code WatchService}.
 */
final class CertificateWatcher implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(CertificateWatcher.class.getName());

    /** What is known of both files at one look. */
    private record Look(List<Object> certificate, List<Object> key) {
    }

    private final Path certificate;
    private final Path key;
    private final Duration interval;
    private final Runnable reload;
    private final String what;
    private final ScheduledExecutorService timer;
    private final OwnedThreads threads = new OwnedThreads("camstream-certificate-watcher");
    /** The files as they were when the connector last loaded them. */
    private Look loaded;
    /** The files at the last look. */
    private Look seen;
    /** The last trouble logged, so that it is logged once, not at every look. */
    private String trouble;

    /**
     * @param reload makes the connector load the files again; throws if it cannot
     * @param what the connector, for the log, such as "HTTPS port 8443"
     */
    CertificateWatcher(Path certificate, Path key, Duration interval, Runnable reload, String what) {
        this.certificate = certificate;
        this.key = key;
        this.interval = interval;
        this.reload = reload;
        this.what = what;
        this.loaded = look();
        this.seen = loaded;
        this.timer = Executors.newSingleThreadScheduledExecutor(threads);
    }

    void start() {
        long nanos = interval.toNanos();
        timer.scheduleWithFixedDelay(this::checkSafely, nanos, nanos, TimeUnit.NANOSECONDS);
    }

    private void checkSafely() {
        try {
            check();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "camstream: checking the certificate files failed", e);
        }
    }

    /** One look at the files; loads them when they changed and then stayed the same since the last look. */
    synchronized void check() {
        Look now = look();
        Look before = seen;
        seen = now;
        if (now == null) {
            complain(Level.WARNING, "camstream: " + certificate + " or " + key + " cannot be read now; " + what
                    + " keeps the certificate it has");
            return;
        }
        if (now.equals(loaded) || !now.equals(before)) {
            return; // unchanged, or still changing: look again next time
        }
        X509Certificate next;
        try {
            next = TlsConnector.check(certificate, key);
            reload.run();
        } catch (SettingsException | IllegalArgumentException | IllegalStateException e) {
            complain(Level.WARNING, "camstream: the changed certificate files were not loaded, and " + what
                    + " keeps the certificate it has: " + e.getMessage());
            return;
        }
        loaded = now;
        trouble = null;
        LOG.info("camstream: reloaded the certificate of " + what + " from " + certificate + " and " + key + ": "
                + TlsConnector.describe(next) + ". New connections get it; open ones keep theirs.");
    }

    private void complain(Level level, String message) {
        if (!message.equals(trouble)) {
            trouble = message;
            LOG.log(level, message);
        }
    }

    /** Both files' attributes, or null when either cannot be read. */
    private Look look() {
        List<Object> c = attributes(certificate);
        List<Object> k = attributes(key);
        return c == null || k == null ? null : new Look(c, k);
    }

    private static List<Object> attributes(Path file) {
        try {
            Path real = file.toRealPath();
            BasicFileAttributes attributes = Files.readAttributes(real, BasicFileAttributes.class);
            return List.of(real.toString(), attributes.lastModifiedTime(), attributes.size(),
                    Objects.requireNonNullElse(attributes.fileKey(), ""));
        } catch (IOException e) {
            return null;
        }
    }

    @Override
    public void close() {
        threads.stop(timer, Duration.ofSeconds(2));
    }
}
