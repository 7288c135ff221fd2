package org.camstream.config;

import java.util.Locale;

/** Where pictures come from. */
public enum Source {
    /** ffmpeg's testsrc2 pattern with a running clock: a camera for machines that have none. */
    TEST,
    /** The Raspberry Pi camera through rpicam-vid. */
    RPICAM,
    /** A USB webcam through ffmpeg's video4linux2 input. */
    V4L2,
    /** Anything ffmpeg can read: an RTSP camera, a file. */
    FFMPEG;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }

    public static Source fromId(String id) {
        for (Source s : values()) {
            if (s.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("unknown source '" + id + "'");
    }
}
