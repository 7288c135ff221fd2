package org.camstream.camera;

import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;

/** A running camera process. */
public interface Capture {

    /** Asks the process to stop, and makes sure it does: first politely, then SIGTERM, then SIGKILL. Returns at once. */
    void stop();

    /** Completes, normally or exceptionally, once the process has ended; the value says how it ended. */
    CompletableFuture<String> exit();

    /** The operating-system process id, once the process has started. */
    OptionalLong pid();
}
