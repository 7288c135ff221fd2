package org.camstream.process;

import java.util.Locale;

/** What a {@link Supervisor} is doing. */
public enum ProcessState {
    /** Not wanted, no process. */
    IDLE,
    /** The process was launched and has delivered nothing yet. */
    STARTING,
    /** The process delivers: pictures, sound, or bytes to a relay. */
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
