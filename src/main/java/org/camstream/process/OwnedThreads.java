package org.camstream.process;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * Makes a pool's daemon threads and remembers them, so that a stop can wait for the threads themselves to end.
 * A pool's {@code awaitTermination} returns while its last thread is still on its way out; Tomcat, checking
 * right after an undeploy, then reports that thread as a leak. At most as many threads are remembered as the
 * pool keeps alive at once: ended ones are forgotten when the next is made.
 */
public final class OwnedThreads implements ThreadFactory {
    private final String name;
    private final List<Thread> threads = new ArrayList<>();

    public OwnedThreads(String name) {
        this.name = name;
    }

    @Override
    public Thread newThread(Runnable body) {
        Thread thread = new Thread(body, name);
        thread.setDaemon(true);
        synchronized (threads) {
            threads.removeIf(t -> !t.isAlive());
            threads.add(thread);
        }
        return thread;
    }

    /**
     * Lets the pool finish what it was handed within {@code patience}, interrupts what is left, and returns once
     * every thread it made has ended; true if they all did in time. Each of the three waits (the work, the
     * interrupted work, the threads' exit) gets {@code patience} at most.
     */
    public boolean stop(ExecutorService pool, Duration patience) {
        long nanos = patience.toNanos();
        pool.shutdown();
        try {
            if (!pool.awaitTermination(nanos, TimeUnit.NANOSECONDS)) {
                pool.shutdownNow();
                pool.awaitTermination(nanos, TimeUnit.NANOSECONDS);
            }
            return joinAll(System.nanoTime() + nanos);
        } catch (InterruptedException e) {
            pool.shutdownNow();
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private boolean joinAll(long deadline) throws InterruptedException {
        List<Thread> made;
        synchronized (threads) {
            made = List.copyOf(threads);
        }
        for (Thread thread : made) {
            long left = deadline - System.nanoTime();
            if (left > 0) {
                TimeUnit.NANOSECONDS.timedJoin(thread, left);
            }
        }
        return made.stream().noneMatch(Thread::isAlive);
    }
}
