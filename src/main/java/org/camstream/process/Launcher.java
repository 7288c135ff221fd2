package org.camstream.process;

import org.camstream.config.CameraSettings;

/** Starts the capture process that suits a camera's settings: its source, its transcoder, its sound. */
public interface Launcher {

    /**
     * Starts a process. Returns at once; failures to launch may also arrive later, through
     * {@link ChildProcess#exit()}.
     *
     * @throws StartException when the settings cannot be turned into a process at all
     */
    ChildProcess start(CameraSettings settings, SampleListener listener) throws StartException;

    /** What a started process captures, for the log: the camera's source, size and rate by default. */
    default String describe(CameraSettings settings) {
        return settings.source().id() + " " + settings.width() + "x" + settings.height() + " at " + settings.fps()
                + " fps";
    }
}
