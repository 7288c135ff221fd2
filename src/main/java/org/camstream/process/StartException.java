package org.camstream.process;

/** The camera cannot be started as configured; the message is meant for the user. */
public final class StartException extends Exception {
    public StartException(String message) {
        super(message);
    }

    public StartException(String message, Throwable cause) {
        super(message, cause);
    }
}
