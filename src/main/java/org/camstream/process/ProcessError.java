package org.camstream.process;

import java.time.Instant;

/**
 * Why a capture process ended or could not start, and when; the message has its secrets masked.
 *
 * @param recoveredAt when pictures came again after it, or null while the camera is still in this trouble
 */
public record ProcessError(String message, Instant at, Instant recoveredAt) {

    public ProcessError(String message, Instant at) {
        this(message, at, null);
    }

    /** This error, over since {@code when}. */
    public ProcessError recovered(Instant when) {
        return new ProcessError(message, at, when);
    }
}
