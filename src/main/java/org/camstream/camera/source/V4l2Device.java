package org.camstream.camera.source;

import java.util.List;

/** A webcam as video4linux and ffmpeg describe it. */
public record V4l2Device(String path, String name, List<Format> formats) {

    /** One pixel format the device offers, with the sizes it lists for it. */
    public record Format(boolean compressed, String format, String description, List<String> sizes) {
    }

    public boolean offers(String format) {
        return formats.stream().anyMatch(f -> f.format().equals(format));
    }
}
