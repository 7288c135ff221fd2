package org.camstream.process;

/**
 * The threads that read a child process's output: daemons, so that none keeps the JVM alive, and joined with a
 * deadline once the process has ended, so that its last lines are in before its exit is reported.
 */
public final class ReaderThreads {

    /** How long a reader may take to drain what a process wrote before it ended. */
    static final long JOIN_MILLIS = 5_000;

    private ReaderThreads() {
    }

    /** A daemon thread that runs {@code body}; not started. */
    public static Thread of(String name, Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        return thread;
    }

    /** Waits for each thread to end, at most {@link #JOIN_MILLIS} each. */
    public static void join(Thread... threads) {
        for (Thread thread : threads) {
            try {
                thread.join(JOIN_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
