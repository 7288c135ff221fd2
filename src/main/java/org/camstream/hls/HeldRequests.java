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
 * <p>The lock guards the set only. Timers are set and cancelled, and answers are handed to the executor,
 * after it is released; answers are written on the executor, never on the camera's thread.
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
        Entry entry = new Entry(waiter);
        HlsSnapshot now;
        synchronized (this) {
            // Read under the lock: a snapshot published after this read finds the entry in the set.
            now = latest.get();
            if (now == null || !waiter.readyIn(now)) {
                if (closed || held.size() >= capacity.getAsInt()) {
                    refused.incrementAndGet();
                    return false;
                }
                held.add(entry);
                now = null;
            }
        }
        if (now != null) {
            HlsSnapshot ready = now;
            executor.execute(() -> waiter.ready(ready));
            return true;
        }
        entry.timer = scheduler.schedule(timeout, () -> expire(entry));
        return true;
    }

    /** A new snapshot: answers every held request it satisfies. */
    public void publish(HlsSnapshot snapshot) {
        List<Entry> ready = new ArrayList<>();
        synchronized (this) {
            for (var it = held.iterator(); it.hasNext(); ) {
                Entry entry = it.next();
                if (entry.waiter.readyIn(snapshot)) {
                    it.remove();
                    ready.add(entry);
                }
            }
        }
        for (Entry entry : ready) {
            cancelTimer(entry);
            released.incrementAndGet();
            executor.execute(() -> entry.waiter.ready(snapshot));
        }
    }

    private void expire(Entry entry) {
        synchronized (this) {
            if (!held.remove(entry)) {
                return; // answered meanwhile
            }
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
