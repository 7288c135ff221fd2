package org.camstream.camera;

import java.util.Locale;

/** What the camera supervisor is doing. */
public enum CameraState {
    /** No viewers, no process. */
    IDLE,
    /** The process was launched and no picture has arrived yet. */
    STARTING,
    /** Pictures are arriving. */
    RUNNING,
    /** The process ended unexpectedly; waiting out the backoff before the next start. */
    RESTARTING,
    /** Asked to stop, waiting for the process to end. */
    STOPPING,
    /** Shut down with the server. */
    CLOSED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
