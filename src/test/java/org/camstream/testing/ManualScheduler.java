package org.camstream.testing;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.camstream.process.Scheduler;

/**
 * A scheduler on a virtual clock: nothing runs until the test says so, and time moves only when the test
 * moves it, so a 30 s backoff is tested in microseconds and never by waiting.
 */
public final class ManualScheduler implements Scheduler {

    private final List<Entry> tasks = new ArrayList<>();
    private Instant now = Instant.parse("2026-12-01T09:00:00Z");
    private long order;

    private final class Entry implements Task {
        final Instant due;
        final long sequence;
        final Runnable task;
        boolean cancelled;

        Entry(Instant due, Runnable task) {
            this.due = due;
            this.sequence = order++;
            this.task = task;
        }

        @Override
        public void cancel() {
            synchronized (ManualScheduler.this) {
                cancelled = true;
                tasks.remove(this);
            }
        }
    }

    @Override
    public synchronized Task schedule(Duration delay, Runnable task) {
        Entry entry = new Entry(now.plus(delay), task);
        tasks.add(entry);
        return entry;
    }

    @Override
    public synchronized void execute(Runnable task) {
        tasks.add(new Entry(now, task));
    }

    @Override
    public synchronized Instant now() {
        return now;
    }

    /** Runs every task that is due now, including those they schedule for now, in order. */
    public void runDue() {
        while (true) {
            Entry next;
            synchronized (this) {
                next = tasks.stream().filter(e -> !e.due.isAfter(now))
                        .min(Comparator.comparing((Entry e) -> e.due).thenComparingLong(e -> e.sequence))
                        .orElse(null);
                if (next == null) {
                    return;
                }
                tasks.remove(next);
            }
            next.task.run(); // outside the lock, as a real executor would
        }
    }

    /** Moves the clock forward, running each task when its time comes. */
    public void advance(Duration duration) {
        Instant end;
        synchronized (this) {
            end = now.plus(duration);
        }
        while (true) {
            runDue();
            Instant nextDue;
            synchronized (this) {
                nextDue = tasks.stream().map(e -> e.due).filter(d -> !d.isAfter(end)).min(Comparator.naturalOrder())
                        .orElse(null);
                if (nextDue == null) {
                    now = end;
                    break;
                }
                now = nextDue;
            }
        }
        runDue();
    }
}
