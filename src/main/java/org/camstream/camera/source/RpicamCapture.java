package org.camstream.camera.source;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import org.camstream.config.Codec;
import org.camstream.config.CameraSettings;
import org.camstream.process.ChildProcess;
import org.camstream.process.SampleListener;
import org.camstream.process.StartException;
import org.camstream.process.ProgramProcess;
import org.camstream.process.SampleParser;
import org.camstream.camera.picture.AnnexBPictureParser;
import org.camstream.camera.picture.MjpegPictureParser;

/** The Raspberry Pi camera through rpicam-vid (libcamera-vid on older Raspberry Pi OS). */
final class RpicamCapture {

    static final List<String> PROGRAMS = List.of("rpicam-vid", "libcamera-vid");

    private RpicamCapture() {
    }

    static ChildProcess start(CameraSettings settings, SampleListener listener, ScheduledExecutorService scheduler)
            throws StartException {
        String program = findProgram().orElseThrow(() -> new StartException(
                "rpicam-vid is not installed (nor libcamera-vid): install rpicam-apps, "
                        + "which Raspberry Pi OS ships, or choose another source"));
        boolean hardware = HardwareEncoder.present(HardwareEncoder.VIDEO4LINUX);
        List<String> notes = new ArrayList<>();
        if (settings.codec() == Codec.H264 && !hardware) {
            notes.add("no hardware H.264 encoder (as on a Raspberry Pi 5): rpicam-vid encodes in software with libav");
        }
        SampleParser parser = settings.codec() == Codec.H264
                ? new AnnexBPictureParser(listener) : new MjpegPictureParser(listener);
        return ProgramProcess.start(RpicamCommand.build(program, settings, hardware), parser, listener, scheduler,
                cameraBusy(), notes);
    }

    /**
     * libcamera says a camera is taken by another process in a few ways; retrying every second would only
     * fill the log, so these end the process with a clear message and the longest backoff.
     */
    static Function<String, String> cameraBusy() {
        return line -> {
            String lower = line.toLowerCase(Locale.ROOT);
            if (lower.contains("pipeline handler in use by another process")
                    || lower.contains("failed to acquire camera") || lower.contains("device or resource busy")) {
                return "the camera is in use by another process; stop it (another camstream, a motion daemon, "
                        + "rpicam-hello...) and camstream will pick the camera up within 30 s";
            }
            if (lower.contains("no cameras available")) {
                return "no camera was found: check the ribbon cable and that the camera is enabled";
            }
            return null;
        };
    }

    /** The first of the programs found on the PATH. */
    static java.util.Optional<String> findProgram() {
        return findProgram(PROGRAMS);
    }

    /** The first of {@code programs} found on the PATH. */
    static java.util.Optional<String> findProgram(List<String> programs) {
        String path = System.getenv("PATH");
        if (path == null) {
            return java.util.Optional.empty();
        }
        for (String program : programs) {
            for (String dir : path.split(File.pathSeparator)) {
                Path candidate = Path.of(dir.isEmpty() ? "." : dir, program);
                if (Files.isExecutable(candidate) && !Files.isDirectory(candidate)) {
                    return java.util.Optional.of(candidate.toString());
                }
            }
        }
        return java.util.Optional.empty();
    }
}
