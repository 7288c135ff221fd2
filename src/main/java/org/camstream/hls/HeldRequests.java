package org.camstream.hls;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.camstream.process.Scheduler;

/**
 * Requests held until the stream has what they ask for: blocking playlist reloads and preload-hinted parts.
 * A held request is a few objects and a timer, not a thread: its servlet has gone asynchronous and returned.
 *
 * <p>Bounded: at most {@code capacity} are held at once; one more is refused (its servlet answers 503 with
 * Retry-After), and none already held is disturbed. Each has a timeout, after which it is answered anyway.
 *
 * <p>The lock guards the set and the latest snapshot only, and calls nothing: whether a request is ready is
 * asked with no lock held, and timers are set and cancelled, and answers handed to the executor, after it is
 * released. A request held just as a snapshot is published is not missed: whoever comes second, the hold or the
 * publish, sees the other (the hold looks at the latest snapshot again once it is in the set). Answers are
 * written on the executor, never on the camera's thread.
 */
public final class HeldRequests implements AutoCloseable {

    /** One held request. Exactly one of its methods is called, once, on the executor. */
    public interface Waiter {
        boolean readyIn(HlsSnapshot snapshot);

        void ready(HlsSnapshot snapshot);

        void timedOut();
    }

    private final class Entry {
        final Waiter waiter;
        volatile Scheduler.Task timer;

        Entry(Waiter waiter) {
            this.waiter = waiter;
        }
    }

    private final Scheduler scheduler;
    private final Executor executor;
    private final IntSupplier capacity;
    private final Set<Entry> held = new LinkedHashSet<>();
    private final AtomicLong released = new AtomicLong();
    private final AtomicLong timedOut = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();
    private boolean closed;

    public HeldRequests(Scheduler scheduler, Executor executor, IntSupplier capacity) {
        this.scheduler = scheduler;
        this.executor = executor;
        this.capacity = capacity;
    }

    /**
     * Answers {@code waiter} at once if the latest snapshot is ready for it, else holds it for up to
     * {@code timeout}. False when it was neither: the limit of held requests is reached, or this is closed.
     */
    public boolean hold(Waiter waiter, Supplier<HlsSnapshot> latest, Duration timeout) {
        HlsSnapshot now = latest.get();
        if (now != null && waiter.readyIn(now)) {
            executor.execute(() -> waiter.ready(now));
            return true;
        }
        Entry entry = new Entry(waiter);
        synchronized (this) {
            if (closed || held.size() >= capacity.getAsInt()) {
                refused.incrementAndGet();
                return false;
            }
            held.add(entry);
        }
        // A snapshot published between the first look and the add found no entry to answer: look again.
        HlsSnapshot again = latest.get();
        if (again != null && again != now && waiter.readyIn(again) && take(entry)) {
            released.incrementAndGet();
            executor.execute(() -> waiter.ready(again));
            return true;
        }
        entry.timer = scheduler.schedule(timeout, () -> expire(entry));
        if (!isHeld(entry)) {
            cancelTimer(entry); // answered while the timer was being set
        }
        return true;
    }

    /** A new snapshot: answers every held request it satisfies. */
    public void publish(HlsSnapshot snapshot) {
        List<Entry> waiting;
        synchronized (this) {
            waiting = new ArrayList<>(held);
        }
        for (Entry entry : waiting) {
            if (entry.waiter.readyIn(snapshot) && take(entry)) {
                cancelTimer(entry);
                released.incrementAndGet();
                executor.execute(() -> entry.waiter.ready(snapshot));
            }
        }
    }

    /** Removes an entry; true for the one caller that removed it, who answers it. */
    private synchronized boolean take(Entry entry) {
        return held.remove(entry);
    }

    private synchronized boolean isHeld(Entry entry) {
        return held.contains(entry);
    }

    private void expire(Entry entry) {
        if (!take(entry)) {
            return; // answered meanwhile
        }
        timedOut.incrementAndGet();
        executor.execute(entry.waiter::timedOut);
    }

    private static void cancelTimer(Entry entry) {
        Scheduler.Task timer = entry.timer;
        if (timer != null) {
            timer.cancel(); // one still unset fires later, finds the entry gone, and does nothing
        }
    }

    public synchronized int size() {
        return held.size();
    }

    public int capacity() {
        return capacity.getAsInt();
    }

    public long released() {
        return released.get();
    }

    public long timedOut() {
        return timedOut.get();
    }

    public long refused() {
        return refused.get();
    }

    /** Answers every held request as timed out, at shutdown, and holds no more. */
    @Override
    public void close() {
        List<Entry> all;
        synchronized (this) {
            closed = true;
            all = new ArrayList<>(held);
            held.clear();
        }
        for (Entry entry : all) {
            cancelTimer(entry);
            try {
                executor.execute(entry.waiter::timedOut);
            } catch (RuntimeException e) {
                entry.waiter.timedOut(); // the executor is gone: answer here, shutting down anyway
            }
        }
    }
}
