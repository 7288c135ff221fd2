package org.camstream.camera;

/** The camera cannot be started as configured; the message is meant for the user. */
public final class CameraException extends Exception {
    public CameraException(String message) {
        super(message);
    }

    public CameraException(String message, Throwable cause) {
        super(message, cause);
    }
}
