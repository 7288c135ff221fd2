package org.camstream.config;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The settings changed on the admin page, kept in {@code <data-dir>/saved-settings.properties} so that they
 * survive a restart. They take precedence over every other layer, because they are the latest thing a
 * person asked for; the admin page can forget them.
 */
public final class SavedSettings {

    public static final String FILE = "saved-settings.properties";

    private SavedSettings() {
    }

    /**
     * What the admin page may save: each camera's settings, the flat settings' camera's name, and which cameras
     * there are. Never a login or the server's own settings.
     */
    public static boolean isSavable(SettingKey key) {
        return key.setting().perCamera() && (key.camera() != null || key.setting().flatIsCamera())
                || key.camera() == null && (key.setting() == Setting.NAME || key.setting() == Setting.CAMERAS);
    }

    static Map<SettingKey, String> read(Path dataDir) {
        Properties saved = new Properties();
        Map<SettingKey, String> values = new LinkedHashMap<>();
        Path file = dataDir.resolve(FILE);
        if (!Files.isRegularFile(file)) {
            return values;
        }
        try (Reader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            saved.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new SettingsException("cannot read " + file + ": " + e.getMessage());
        }
        for (String name : saved.stringPropertyNames()) {
            SettingKey key = SettingKey.parse(name);
            if (key != null && isSavable(key)) { // else not ours to apply; the file is machine-written
                values.put(key, saved.getProperty(name));
            }
        }
        return values;
    }

    /** Replaces the saved settings, atomically. */
    public static void write(Path dataDir, Map<SettingKey, String> values) throws IOException {
        Files.createDirectories(dataDir);
        Properties properties = new Properties();
        for (Map.Entry<SettingKey, String> entry : values.entrySet()) {
            properties.setProperty(entry.getKey().property(), entry.getValue());
        }
        Path file = dataDir.resolve(FILE);
        Path temporary = dataDir.resolve(FILE + ".tmp");
        Files.deleteIfExists(temporary);
        // The input URL may hold a camera's password: readable by the owner only, like admin-password.
        try {
            Files.createFile(temporary, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        } catch (UnsupportedOperationException e) {
            Files.createFile(temporary); // not a POSIX file system
        }
        try (Writer writer = Files.newBufferedWriter(temporary, StandardCharsets.UTF_8)) {
            properties.store(writer, "Saved by camstream's admin page; these override every other setting.");
        }
        try {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temporary, file, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    public static void forget(Path dataDir) throws IOException {
        Files.deleteIfExists(dataDir.resolve(FILE));
    }
}
