package org.camstream.process;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** A running child process: a camera, a transcoder, a sound source, a relay's ffmpeg. */
public interface ChildProcess {

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

    /**
     * After the process ended: whether it ended by design rather than by a fault, such as a relay's ffmpeg that
     * finishes its stream because the picture size changed. It is started again at once, with no error shown.
     */
    default boolean endedWithoutFault() {
        return false;
    }

    /** Facts about how this process works, for the status page (software encoding, stream copy...). */
    default java.util.List<String> notes() {
        return java.util.List.of();
    }
}
