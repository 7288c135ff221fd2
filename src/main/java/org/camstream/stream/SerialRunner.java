package org.camstream.stream;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.camstream.process.LogLimiter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were handed in, on whichever thread hands one in while none
 * runs. No lock is held while a task runs, so a task may call anything, yet tasks never overlap: what a
 * lock would give a fan-out, without a fan-out calling its subscribers under a lock.
 *
 * <p>The queue holds what is handed in while a task runs: a camera's next picture and the occasional new
 * subscriber, a few entries. It is bounded at {@value #CAPACITY}: a full queue means a task has been stuck for
 * hundreds of pictures. Then whoever hands in a task waits up to {@value #WAIT_MILLIS} ms for room, which slows
 * the camera's reader rather than the heap growing; a task that still finds no room, or one a running task hands
 * in to its own runner, is dropped and counted, a few times a minute in the log. A task that throws is logged
 * and the next one runs.
 */
public final class SerialRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SerialRunner.class);
    static final int CAPACITY = 1024;
    static final long WAIT_MILLIS = 1_000;

    private final BlockingQueue<Runnable> tasks;
    private final AtomicBoolean running = new AtomicBoolean();
    private final AtomicLong dropped = new AtomicLong();
    private final LogLimiter warnings = LogLimiter.standard();
    private volatile Thread runner;

    public SerialRunner() {
        this(CAPACITY);
    }

    SerialRunner(int capacity) {
        this.tasks = new ArrayBlockingQueue<>(capacity);
    }

    public void run(Runnable task) {
        if (!tasks.offer(task) && !waitForRoom(task)) {
            return;
        }
        while (running.compareAndSet(false, true)) {
            runner = Thread.currentThread();
            try {
                for (Runnable next; (next = tasks.poll()) != null; ) {
                    try {
                        next.run();
                    } catch (RuntimeException e) {
                        LOG.warn("A fan-out task failed", e);
                    }
                }
            } finally {
                runner = null;
                running.set(false);
            }
            if (tasks.isEmpty()) {
                return; // else a task came in after the poll and before the release: its caller left it to us
            }
        }
    }

    private boolean waitForRoom(Runnable task) {
        boolean queued = false;
        if (runner != Thread.currentThread()) {
            try {
                queued = tasks.offer(task, WAIT_MILLIS, TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (!queued) {
            long count = dropped.incrementAndGet();
            String admitted = warnings.admit("A fan-out's queue is full (" + tasks.size() + " tasks): a task was"
                    + " dropped, " + count + " in all; a subscriber is stuck");
            if (admitted != null) {
                LOG.warn(admitted);
            }
        }
        return queued;
    }

    /** Tasks dropped at the bound since this runner was made. */
    public long dropped() {
        return dropped.get();
    }
}
