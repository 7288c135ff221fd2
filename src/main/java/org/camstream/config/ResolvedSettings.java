package org.camstream.config;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Settings together with their raw values and where each came from: what the admin page shows, and the base a
 * change from it is applied to. Every change here is checked as a whole, and nothing is kept if any value is
 * invalid, so a camera added, renamed or removed on the admin page never leaves settings that do not start.
 */
public final class ResolvedSettings {

    /** The origin of a value saved from the admin page. */
    public static final String SAVED = "saved on the admin page";
    static final String DEFAULT = "default";

    /** One setting's raw value and its origin. */
    public record Value(String raw, String origin) {
        public boolean isDefault() {
            return DEFAULT.equals(origin);
        }

        public boolean isSaved() {
            return SAVED.equals(origin);
        }
    }

    private final Map<SettingKey, Value> values;
    private final Settings settings;
    private final String flatCamera;

    private ResolvedSettings(Map<SettingKey, Value> values, SettingsParser.Parsed parsed) {
        this.values = values;
        this.settings = parsed.settings();
        this.flatCamera = parsed.flatCamera();
    }

    static ResolvedSettings of(Map<SettingKey, Value> values) {
        return of(values, null);
    }

    /** @param changed the camera a change is about, which a conflict over a device is then blamed on */
    private static ResolvedSettings of(Map<SettingKey, Value> values, String changed) {
        Map<SettingKey, Value> copy = Collections.unmodifiableMap(new LinkedHashMap<>(values));
        return new ResolvedSettings(copy, SettingsParser.parse(copy, changed));
    }

    public Settings settings() {
        return settings;
    }

    /** The value of a key, its default when no layer sets it. */
    public Value value(SettingKey key) {
        Value value = values.get(key);
        return value != null ? value : new Value(key.setting().defaultValue(), DEFAULT);
    }

    public Value value(Setting flat) {
        return value(SettingKey.flat(flat));
    }

    /** Every value some layer sets. */
    public Map<SettingKey, Value> values() {
        return values;
    }

    /** The name of the camera the flat settings describe, or null when they describe none. */
    public String flatCamera() {
        return flatCamera;
    }

    /** Where a camera's setting lives: flat for the flat settings' camera, in its section for the others. */
    public SettingKey keyOf(String camera, Setting setting) {
        return camera.equals(flatCamera) && setting.flatIsCamera() ? SettingKey.flat(setting)
                : SettingKey.of(camera, setting);
    }

    /** The values saved from the admin page. */
    public Map<SettingKey, String> saved() {
        Map<SettingKey, String> saved = new LinkedHashMap<>();
        values.forEach((key, value) -> {
            if (value.isSaved()) {
                saved.put(key, value.raw());
            }
        });
        return saved;
    }

    /**
     * These settings with some values changed from the admin page.
     *
     * @throws SettingsException naming the first invalid setting and why
     */
    public ResolvedSettings with(Map<SettingKey, String> changes) {
        Map<SettingKey, Value> next = new LinkedHashMap<>(values);
        changes.forEach((key, raw) -> next.put(key, new Value(raw, SAVED)));
        return of(next);
    }

    /** One camera's settings changed from the admin page. */
    public ResolvedSettings withCamera(String camera, Map<Setting, String> changes) {
        requireCamera(camera);
        Map<SettingKey, Value> next = new LinkedHashMap<>(values);
        changes.forEach((setting, raw) -> next.put(keyOf(camera, setting), new Value(raw, SAVED)));
        return of(next, camera);
    }

    /** A new camera, last in the list, with these settings and the defaults for the rest. */
    public ResolvedSettings withCameraAdded(String name, Map<Setting, String> initial) {
        checkNewName(name);
        Map<SettingKey, Value> next = new LinkedHashMap<>(values);
        forget(next, name);
        initial.forEach((setting, raw) -> next.put(SettingKey.of(name, setting), new Value(raw, SAVED)));
        List<String> names = names();
        names.add(name);
        next.put(SettingKey.flat(Setting.CAMERAS), new Value(String.join(",", names), SAVED));
        return of(next, name);
    }

    /**
     * The camera under a new name, with every setting it had: a section's values are saved under the new name,
     * since those in a configuration file keep the old one; the flat settings' camera only changes its name.
     */
    public ResolvedSettings withCameraRenamed(String from, String to) {
        requireCamera(from);
        checkNewName(to);
        Map<SettingKey, Value> next = new LinkedHashMap<>(values);
        forget(next, to);
        if (from.equals(flatCamera)) {
            next.put(SettingKey.flat(Setting.NAME), new Value(to, SAVED));
            for (Setting setting : Setting.values()) {
                if (setting.perCamera() && !setting.flatIsCamera()) {
                    move(next, SettingKey.of(from, setting), SettingKey.of(to, setting));
                }
            }
        } else {
            for (Setting setting : Setting.values()) {
                if (setting.perCamera()) {
                    move(next, SettingKey.of(from, setting), SettingKey.of(to, setting));
                }
            }
        }
        List<String> names = names();
        names.set(names.indexOf(from), to);
        if (!from.equals(flatCamera) || !value(Setting.CAMERAS).isDefault()) {
            next.put(SettingKey.flat(Setting.CAMERAS), new Value(String.join(",", names), SAVED));
        }
        return of(next);
    }

    /** Without the camera: what the admin page saved for it is forgotten. The last camera stays. */
    public ResolvedSettings withCameraRemoved(String name) {
        requireCamera(name);
        List<String> names = names();
        if (names.size() == 1) {
            throw new SettingsException("camstream needs a camera: " + name + " is the only one; add another first");
        }
        names.remove(name);
        Map<SettingKey, Value> next = new LinkedHashMap<>(values);
        next.entrySet().removeIf(e -> name.equals(e.getKey().camera()) && e.getValue().isSaved());
        next.put(SettingKey.flat(Setting.CAMERAS), new Value(String.join(",", names), SAVED));
        return of(next);
    }

    private static void move(Map<SettingKey, Value> values, SettingKey from, SettingKey to) {
        Value value = values.get(from);
        if (value != null && !value.isDefault()) {
            values.put(to, new Value(value.raw(), SAVED));
        }
        if (value != null && value.isSaved()) {
            values.remove(from);
        }
    }

    /** Drops what the admin page saved for a camera of that name before, so that a new one starts clean. */
    private static void forget(Map<SettingKey, Value> values, String name) {
        values.entrySet().removeIf(e -> name.equals(e.getKey().camera()) && e.getValue().isSaved());
    }

    private List<String> names() {
        List<String> names = new ArrayList<>();
        for (CameraSettings camera : settings.cameras()) {
            names.add(camera.name());
        }
        return names;
    }

    private void requireCamera(String name) {
        if (settings.camera(name) == null) {
            throw new SettingsException("there is no camera '" + name + "'");
        }
    }

    private void checkNewName(String name) {
        if (!SettingKey.isCameraName(name)) {
            throw new SettingsException("a camera's name " + SettingKey.CAMERA_NAME_RULE + ", got '" + name + "'",
                    SettingKey.flat(Setting.NAME), SettingKey.CAMERA_NAME_RULE);
        }
        if (settings.camera(name) != null) {
            throw new SettingsException("there is a camera '" + name + "' already", SettingKey.flat(Setting.NAME),
                    "is taken by another camera");
        }
    }
}
