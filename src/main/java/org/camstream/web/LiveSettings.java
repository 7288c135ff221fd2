package org.camstream.web;

import java.io.IOException;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.SavedSettings;
import org.camstream.config.Setting;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The settings in force, and the admin page's changes to them: validated as a whole, saved in the data
 * directory, then installed, after which {@code onChange} restarts what uses them. Viewers stay connected.
 */
final class LiveSettings {

    private static final Logger LOG = LoggerFactory.getLogger(LiveSettings.class);

    private final SettingsLoader loader;
    private final AtomicReference<ResolvedSettings> resolved;
    private volatile Runnable onChange = () -> { };

    LiveSettings(SettingsLoader loader, ResolvedSettings initial) {
        this.loader = loader;
        this.resolved = new AtomicReference<>(initial);
    }

    /** What to do after new settings are installed; runs without any lock of this class held. */
    void onChange(Runnable listener) {
        onChange = listener;
    }

    Settings current() {
        return resolved.get().settings();
    }

    ResolvedSettings resolved() {
        return resolved.get();
    }

    /**
     * Validates the changes against the current settings, saves them, and installs them. Nothing changes if a
     * value is invalid or cannot be saved.
     *
     * @throws SettingsException naming the invalid setting
     */
    ResolvedSettings apply(Map<Setting, String> changes) throws IOException {
        ResolvedSettings next;
        synchronized (this) {
            next = resolved.get().with(changes);
            Map<Setting, String> saved = new EnumMap<>(Setting.class);
            for (Map.Entry<Setting, ResolvedSettings.Value> entry : next.values().entrySet()) {
                if (ResolvedSettings.SAVED.equals(entry.getValue().origin())) {
                    saved.put(entry.getKey(), entry.getValue().raw());
                }
            }
            SavedSettings.write(next.settings().dataDir(), saved);
            resolved.set(next);
        }
        installed(next);
        return next;
    }

    /** Forgets what the admin page saved and goes back to the configured settings. */
    ResolvedSettings forgetSaved() throws IOException {
        ResolvedSettings next;
        synchronized (this) {
            SavedSettings.forget(resolved.get().settings().dataDir());
            next = loader.resolve();
            resolved.set(next);
        }
        installed(next);
        return next;
    }

    private void installed(ResolvedSettings next) {
        LOG.info("Settings changed on the admin page: {}", next.settings());
        onChange.run();
    }
}
