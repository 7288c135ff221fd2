package org.camstream.config;

/** A setting is missing its value, unknown, or out of range; the message says which and where it came from. */
public final class SettingsException extends RuntimeException {

    private final SettingKey key;
    private final String reason;

    public SettingsException(String message) {
        this(message, null, message);
    }

    public SettingsException(String message, SettingKey key, String reason) {
        super(message);
        this.key = key;
        this.reason = reason;
    }

    /** The value at fault, or null when the problem is not one value's. */
    public SettingKey key() {
        return key;
    }

    /** The setting at fault, or null. */
    public Setting setting() {
        return key == null ? null : key.setting();
    }

    /** What is wrong with the value, without the setting's name. */
    public String reason() {
        return reason;
    }
}
