package org.camstream.stream;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs tasks one at a time, in the order they were handed in, on whichever thread hands one in while none
 * runs. No lock is held while a task runs, so a task may call anything, yet tasks never overlap: what a
 * lock would give a fan-out, without a fan-out calling its subscribers under a lock.
 *
 * <p>The queue holds what is handed in while a task runs: a camera's next picture and the occasional new
 * subscriber, so it stays within a few entries; a task that throws is logged and the next one runs.
 */
public final class SerialRunner {

    private static final Logger LOG = LoggerFactory.getLogger(SerialRunner.class);

    private final ConcurrentLinkedQueue<Runnable> tasks = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean running = new AtomicBoolean();

    public void run(Runnable task) {
        tasks.add(task);
        while (running.compareAndSet(false, true)) {
            try {
                for (Runnable next; (next = tasks.poll()) != null; ) {
                    try {
                        next.run();
                    } catch (RuntimeException e) {
                        LOG.warn("A fan-out task failed", e);
                    }
                }
            } finally {
                running.set(false);
            }
            if (tasks.isEmpty()) {
                return; // else a task came in after the poll and before the release: its caller left it to us
            }
        }
    }
}
