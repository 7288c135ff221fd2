package org.camstream.stream;

import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One write in flight per viewer, started by whichever thread has something for the viewer while none is under
 * way: the producer's thread, as a rule, which then writes straight from the bytes every viewer shares. A write
 * the connection cannot take at once completes later, on a thread of the server's, which goes on from there. A
 * completion that comes while its write is still on the stack is noticed by the writing loop instead of
 * recursing, so a long backlog cannot overflow the stack. No lock is held at any point.
 *
 * <p>The viewer supplies the writes ({@link Writer}); its connection reports each one's end with
 * {@link #completed()}.
 */
public final class WriteLoop {

    /** A viewer's side of the loop. */
    public interface Writer {
        /**
         * Starts the next write, which reports its end through {@link WriteLoop#completed()}, perhaps before this
         * returns; false when there is nothing to write now.
         */
        boolean writeNext();

        /** Whether something waits to be written; asked after {@link #writeNext} found nothing, to close a race. */
        boolean hasMore();

        /** Whether the viewer is over, so that nothing more is written. */
        boolean isOver();
    }

    private static final int WRITING = 0;
    private static final int COMPLETED_INLINE = 1;
    private static final int RETURNED = 2;

    private final Writer writer;
    /** True while a loop runs or a write is under way, and, when made so, until {@link #release}. */
    private final AtomicBoolean busy;
    /** Tells the writing thread and the completion which of them goes on. */
    private final AtomicInteger handoff = new AtomicInteger(RETURNED);

    /** @param held whether the loop waits for {@link #release} before its first write (a connection not yet ours) */
    public WriteLoop(Writer writer, boolean held) {
        this.writer = writer;
        this.busy = new AtomicBoolean(held);
    }

    /** Writes on this thread if no write is under way; otherwise the one under way goes on to what came. */
    public void pump() {
        if (busy.compareAndSet(false, true)) {
            run();
        }
    }

    /** The connection is ready: writes what waited for it, on this thread. */
    public void release() {
        run();
    }

    /** The write under way has ended well: the writing thread goes on if it is still in the write, else this one. */
    public void completed() {
        if (!handoff.compareAndSet(WRITING, COMPLETED_INLINE)) {
            run();
        }
    }

    /** The write under way failed: nothing more is written; the viewer closes itself. */
    public void failed() {
        handoff.set(COMPLETED_INLINE);
    }

    private void run() {
        while (!writer.isOver()) {
            handoff.set(WRITING);
            if (!writer.writeNext()) {
                handoff.set(RETURNED);
                busy.set(false);
                // Something offered between the look and here saw busy and left it to us.
                if (!writer.hasMore() || !busy.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            if (handoff.compareAndSet(WRITING, RETURNED)) {
                return; // pending: the completion goes on, on the server's thread
            }
        }
    }

    /**
     * Runs {@code task} on {@code executor}, or here when the executor refuses it (shutting down). For closing a
     * viewer off the thread that writes, which may be a camera's: closing gives back leases, which may stop it.
     */
    public static void runOff(Executor executor, Runnable task) {
        try {
            executor.execute(task);
        } catch (RejectedExecutionException e) {
            task.run();
        }
    }
}
