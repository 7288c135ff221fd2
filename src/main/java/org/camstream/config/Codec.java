package org.camstream.config;

import java.util.Locale;

/** How the camera encodes pictures. */
public enum Codec {
    H264,
    MJPEG;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Codec fromId(String id) {
        for (Codec c : values()) {
            if (c.id().equals(id)) {
                return c;
            }
        }
        throw new IllegalArgumentException("unknown codec '" + id + "'");
    }
}
