package org.camstream.web;

import java.io.IOException;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.SavedSettings;
import org.camstream.config.Setting;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.camstream.process.OwnedThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings in force, and the admin page's changes to them: a camera's settings, a camera added, renamed or
 * removed. Each change is validated as a whole, saved in the data directory, installed, and then handed to
 * {@code onChange}, which reconciles the cameras; viewers of the cameras it does not touch notice nothing.
 *
 * <p>Changes run one at a time on a thread of their own, which writes the file and reconciles the cameras
 * (closing a removed one waits for its processes). No lock is held for any of it: one change simply waits for
 * the one before. Readers see the installed settings through an atomic reference. At most
 * {@value #MAX_WAITING} changes wait; one more is refused as busy.
 */
final class LiveSettings implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSettings.class);
    static final int MAX_WAITING = 16;
    /** How long a request waits for its change, a camera's processes ending included, before it gives up. */
    static final long WAIT_SECONDS = 60;

    private final SettingsLoader loader;
    private final AtomicReference<ResolvedSettings> resolved;
    private final ExecutorService changes;
    private final OwnedThreads threads = new OwnedThreads("camstream-settings");
    private volatile Consumer<ResolvedSettings> onChange = next -> { };

    LiveSettings(SettingsLoader loader, ResolvedSettings initial) {
        this.loader = loader;
        this.resolved = new AtomicReference<>(initial);
        ThreadPoolExecutor executor = new ThreadPoolExecutor(1, 1, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(MAX_WAITING), threads);
        executor.allowCoreThreadTimeOut(true);
        this.changes = executor;
    }

    /** What to do after new settings are installed; runs on the settings' thread, with no lock held. */
    void onChange(Consumer<ResolvedSettings> listener) {
        onChange = listener;
    }

    Settings current() {
        return resolved.get().settings();
    }

    ResolvedSettings resolved() {
        return resolved.get();
    }

    /** One camera's settings changed. */
    ResolvedSettings apply(String camera, Map<Setting, String> values) throws IOException {
        return change("changed camera " + camera + "'s " + values.keySet(), r -> r.withCamera(camera, values));
    }

    ResolvedSettings addCamera(String name, Map<Setting, String> values) throws IOException {
        return change("added camera " + name, r -> r.withCameraAdded(name, values));
    }

    ResolvedSettings renameCamera(String from, String to) throws IOException {
        return change("renamed camera " + from + " to " + to, r -> r.withCameraRenamed(from, to));
    }

    ResolvedSettings removeCamera(String name) throws IOException {
        return change("removed camera " + name, r -> r.withCameraRemoved(name));
    }

    /** Forgets what the admin page saved and goes back to the configured settings. */
    ResolvedSettings forgetSaved() throws IOException {
        return run(() -> {
            SavedSettings.forget(resolved.get().settings().dataDir());
            return install(loader.resolve(), "went back to the configured settings");
        });
    }

    /**
     * Validates the change against the current settings, saves the result, and installs it. Nothing changes if a
     * value is invalid or cannot be saved.
     *
     * @throws SettingsException naming the invalid setting
     */
    private ResolvedSettings change(String what, UnaryOperator<ResolvedSettings> change) throws IOException {
        return run(() -> {
            ResolvedSettings next = change.apply(resolved.get());
            SavedSettings.write(next.settings().dataDir(), next.saved());
            return install(next, what);
        });
    }

    private ResolvedSettings install(ResolvedSettings next, String what) {
        resolved.set(next);
        LOG.info("Settings changed on the admin page ({}): {}", what, next.settings());
        try {
            onChange.accept(next);
        } catch (RuntimeException e) {
            LOG.warn("The new settings could not be carried out whole", e);
        }
        return next;
    }

    private interface Change {
        ResolvedSettings run() throws IOException;
    }

    private ResolvedSettings run(Change change) throws IOException {
        Future<ResolvedSettings> done;
        try {
            done = changes.submit(change::run);
        } catch (RejectedExecutionException e) {
            throw new SettingsException("camstream is busy with " + MAX_WAITING + " other changes; try again");
        }
        try {
            return done.get(WAIT_SECONDS, TimeUnit.SECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof SettingsException settingsException) {
                throw settingsException;
            }
            if (cause instanceof IOException io) {
                throw io;
            }
            throw new IllegalStateException("the settings could not be changed: " + cause, cause);
        } catch (TimeoutException e) {
            throw new IOException("the change did not finish within " + WAIT_SECONDS + " s; it goes on meanwhile");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while waiting for the change");
        }
    }

    @Override
    public void close() {
        threads.stop(changes, Duration.ofSeconds(WAIT_SECONDS));
    }
}
