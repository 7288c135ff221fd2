package org.camstream.config;

import java.util.Locale;

/** Whether a camera records, the {@code record} setting. Room is left for recording on motion. */
public enum RecordMode {
    OFF,
    CONTINUOUS;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static RecordMode fromId(String id) {
        for (RecordMode mode : values()) {
            if (mode.id().equals(id)) {
                return mode;
            }
        }
        throw new IllegalArgumentException("unknown record mode '" + id + "'");
    }
}
