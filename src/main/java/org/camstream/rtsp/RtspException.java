package org.camstream.rtsp;

/** A request that gets an error status; the message says why, in words the client's user can act on. */
final class RtspException extends Exception {

    private final RtspStatus status;

    RtspException(RtspStatus status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    RtspStatus status() {
        return status;
    }
}
