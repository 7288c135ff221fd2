package org.camstream.camera.source;

import java.util.List;
import org.camstream.config.Codec;
import org.camstream.config.CameraSettings;

/** A webcam as video4linux and ffmpeg describe it. */
public record V4l2Device(String path, String name, List<Format> formats) {

    /** One pixel format the device offers, with the sizes it lists for it. */
    public record Format(boolean compressed, String format, String description, List<String> sizes) {
    }

    public boolean offers(String format) {
        return formats.stream().anyMatch(f -> f.format().equals(format));
    }

    /**
     * The format camstream asks this webcam for with these settings, or null for the webcam's own default (raw
     * pictures). The camera codec when the webcam has it and the pictures can be copied as they are; otherwise
     * MJPEG where the webcam has it, because raw pictures at 720p or more do not fit through USB 2.0 at full
     * frame rate.
     */
    public String formatFor(CameraSettings settings) {
        String wanted = settings.codec() == Codec.H264 ? "h264" : "mjpeg";
        if (offers(wanted) && !VideoFilters.changesOrientation(settings)) {
            return wanted;
        }
        return offers("mjpeg") ? "mjpeg" : null;
    }
}
