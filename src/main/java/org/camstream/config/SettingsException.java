package org.camstream.config;

/** A setting is missing its value, unknown, or out of range; the message says which and where it came from. */
public final class SettingsException extends RuntimeException {

    private final Setting setting;
    private final String reason;

    public SettingsException(String message) {
        this(message, null, message);
    }

    public SettingsException(String message, Setting setting, String reason) {
        super(message);
        this.setting = setting;
        this.reason = reason;
    }

    /** The setting at fault, or null when the problem is not one setting's. */
    public Setting setting() {
        return setting;
    }

    /** What is wrong with the value, without the setting's name. */
    public String reason() {
        return reason;
    }
}
