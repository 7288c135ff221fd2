package org.camstream.config;

/** A setting is missing its value, unknown, or out of range; the message says which and where it came from. */
public final class SettingsException extends RuntimeException {
    public SettingsException(String message) {
        super(message);
    }
}
