package org.camstream.camera;

import java.time.Instant;

/**
 * Why a capture process ended or could not start, and when; the message has its secrets masked.
 *
 * @param recoveredAt when pictures came again after it, or null while the camera is still in this trouble
 */
public record CameraError(String message, Instant at, Instant recoveredAt) {

    public CameraError(String message, Instant at) {
        this(message, at, null);
    }

    /** This error, over since {@code when}. */
    public CameraError recovered(Instant when) {
        return new CameraError(message, at, when);
    }
}
