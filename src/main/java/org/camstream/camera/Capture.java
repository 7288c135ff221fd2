package org.camstream.camera;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** A running camera process. */
public interface Capture {

    /** Asks the process to stop, and makes sure it does: first politely, then SIGTERM, then SIGKILL. Returns at once. */
    void stop();

    /** Completes, normally or exceptionally, once the process has ended; the value says how it ended. */
    CompletableFuture<String> exit();

    /** Ends the process at once with SIGKILL: for a shutdown that has waited long enough. */
    void kill();

    /** The operating-system process id, once the process has started. */
    OptionalLong pid();

    /**
     * After the process ended: whether it failed for a reason that restarting soon will not cure, such as a
     * camera that another program holds. The supervisor then waits the longest backoff instead of hammering.
     */
    default boolean failedPersistently() {
        return false;
    }

    /** Facts about how this capture works, for the status page (software encoding, stream copy...). */
    default java.util.List<String> notes() {
        return java.util.List.of();
    }
}
