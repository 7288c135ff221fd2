package org.camstream.process;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Tasks now and later, and the clock they are measured by: a real executor in the server, a virtual clock in
 * tests, so that a test of a 10 s timeout does not wait 10 s.
 */
public interface Scheduler {

    /** A scheduled task that can be called off; cancelling one that has run or was cancelled is harmless. */
    interface Task {
        void cancel();
    }

    Task schedule(Duration delay, Runnable task);

    void execute(Runnable task);

    /** The wall-clock time, for the times shown to people. */
    Instant now();

    /** Tasks on {@code executor}, times from the system clock. A task refused at shutdown is dropped. */
    static Scheduler on(ScheduledExecutorService executor) {
        Clock clock = Clock.systemUTC();
        return new Scheduler() {
            @Override
            public Task schedule(Duration delay, Runnable task) {
                try {
                    ScheduledFuture<?> future = executor.schedule(task, delay.toNanos(), TimeUnit.NANOSECONDS);
                    return () -> future.cancel(false);
                } catch (RejectedExecutionException e) {
                    return () -> { };
                }
            }

            @Override
            public void execute(Runnable task) {
                try {
                    executor.execute(task);
                } catch (RejectedExecutionException e) {
                    // shutting down: nothing is waiting for it any more
                }
            }

            @Override
            public Instant now() {
                return clock.instant();
            }
        };
    }
}
