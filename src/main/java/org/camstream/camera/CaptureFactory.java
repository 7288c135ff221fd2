package org.camstream.camera;

import org.camstream.config.Settings;

/** Starts the capture process that suits the settings. */
public interface CaptureFactory {

    /**
     * Starts a process. Returns at once; failures to launch may also arrive later, through
     * {@link Capture#exit()}.
     *
     * @throws CameraException when the settings cannot be turned into a process at all
     */
    Capture start(Settings settings, CaptureListener listener) throws CameraException;

    /** What a started process captures, for the log: the camera's source, size and rate by default. */
    default String describe(Settings settings) {
        return settings.source().id() + " " + settings.width() + "x" + settings.height() + " at " + settings.fps()
                + " fps";
    }
}
