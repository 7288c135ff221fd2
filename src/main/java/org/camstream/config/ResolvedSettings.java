package org.camstream.config;

import java.util.Collections;
import java.util.EnumMap;
import java.util.Map;

/**
 * Settings together with their raw values and where each came from: what the admin page shows, and the
 * base a change from it is applied to.
 */
public final class ResolvedSettings {

    /** The origin of a value saved from the admin page. */
    public static final String SAVED = "saved on the admin page";

    /** One setting's raw value and its origin. */
    public record Value(String raw, String origin) {
    }

    private final Map<Setting, Value> values;
    private final Settings settings;

    private ResolvedSettings(Map<Setting, Value> values, Settings settings) {
        this.values = values;
        this.settings = settings;
    }

    static ResolvedSettings of(Map<Setting, Value> values) {
        Map<Setting, Value> copy = Collections.unmodifiableMap(new EnumMap<>(values));
        return new ResolvedSettings(copy, SettingsParser.parse(copy));
    }

    public Settings settings() {
        return settings;
    }

    public Value value(Setting setting) {
        return values.get(setting);
    }

    /**
     * These settings with some values changed from the admin page. Nothing is kept if any value is
     * invalid.
     *
     * @throws SettingsException naming the first invalid setting and why
     */
    public ResolvedSettings with(Map<Setting, String> changes) {
        Map<Setting, Value> next = new EnumMap<>(values);
        for (Map.Entry<Setting, String> change : changes.entrySet()) {
            next.put(change.getKey(), new Value(change.getValue(), SAVED));
        }
        return of(next);
    }

    /** These settings without anything saved from the admin page. */
    public Map<Setting, Value> values() {
        return values;
    }
}
