package org.camstream.launcher;

/**
 * The server could not start for a reason outside its settings, such as a port another program holds. The
 * message is the whole story, said to the user as it is; the launcher exits non-zero so that a service manager
 * sees a failed start.
 */
final class StartFailure extends RuntimeException {

    StartFailure(String message) {
        super(message);
    }

    /** A port that cannot be listened on. */
    static StartFailure portInUse(String bind, int port, String flag) {
        return new StartFailure("cannot listen on port " + port + " of " + bind + ": the port is in use by another"
                + " program (another camstream, or a Tomcat), or the address is not this machine's. Stop that"
                + " program, or choose another port with " + flag + ".");
    }
}
