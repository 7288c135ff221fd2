package org.camstream.camera.source;

import java.util.ArrayList;
import java.util.List;
import org.camstream.config.CameraSettings;

/** ffmpeg filters for what the settings ask of a picture that ffmpeg encodes: size, rotation and flips. */
final class VideoFilters {

    private VideoFilters() {
    }

    /** Rotation and flips; a half turn is a horizontal plus a vertical flip. */
    static List<String> orientation(CameraSettings s) {
        boolean h = s.hflip() ^ (s.rotation() == 180);
        boolean v = s.vflip() ^ (s.rotation() == 180);
        List<String> filters = new ArrayList<>();
        if (h) {
            filters.add("hflip");
        }
        if (v) {
            filters.add("vflip");
        }
        return filters;
    }

    static boolean changesOrientation(CameraSettings s) {
        return !orientation(s).isEmpty();
    }

    /** Fits any input into the configured size, keeping its shape (black bars where they differ). */
    static List<String> fit(CameraSettings s) {
        return List.of("scale=" + s.width() + ":" + s.height() + ":force_original_aspect_ratio=decrease",
                "pad=" + s.width() + ":" + s.height() + ":(ow-iw)/2:(oh-ih)/2");
    }
}
