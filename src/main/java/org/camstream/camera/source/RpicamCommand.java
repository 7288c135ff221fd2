package org.camstream.camera.source;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.camstream.config.Codec;
import org.camstream.config.CameraSettings;

/** The rpicam-vid command line for the settings: an argument list of validated numbers and fixed words. */
final class RpicamCommand {

    private RpicamCommand() {
    }

    /**
     * @param program {@code rpicam-vid}, or {@code libcamera-vid} on older Raspberry Pi OS
     * @param hardwareEncoder false on a Raspberry Pi 5, which must encode H.264 in software
     */
    static List<String> build(String program, CameraSettings s, boolean hardwareEncoder) {
        boolean h264 = s.codec() == Codec.H264;
        List<String> args = new ArrayList<>(List.of(program,
                "-t", "0",
                "-n",
                "--codec", h264 ? "h264" : "mjpeg",
                "--inline",
                "--flush",
                "--width", Integer.toString(s.width()),
                "--height", Integer.toString(s.height()),
                "--framerate", fps(s.fps()),
                "--intra", Integer.toString(s.keyframeInterval())));
        if (h264) {
            args.addAll(List.of("--bitrate", Integer.toString(s.bitrate())));
        } else {
            args.addAll(List.of("--quality", Integer.toString(s.jpegQuality())));
        }
        args.addAll(List.of("--camera", Integer.toString(s.cameraIndex())));
        if (s.rotation() != 0) {
            args.addAll(List.of("--rotation", Integer.toString(s.rotation())));
        }
        if (s.hflip()) {
            args.add("--hflip");
        }
        if (s.vflip()) {
            args.add("--vflip");
        }
        if (h264 && !hardwareEncoder) {
            // libav encodes in software on a Pi 5; raw H.264 on stdout needs its format named.
            args.addAll(List.of("--libav-format", "h264", "--low-latency"));
        }
        args.addAll(List.of("-o", "-"));
        return args;
    }

    static String fps(double fps) {
        return fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(Locale.ROOT, "%.3f", fps);
    }
}
