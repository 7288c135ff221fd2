package org.camstream.camera;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.camstream.process.Scheduler;

/**
 * The last few minutes of status samples, taken on the server at a fixed interval, so that the admin page's
 * charts show them at once when it is loaded, and however many pages are open. One task on the application's
 * scheduler takes the samples, never a thread per page.
 *
 * <p>Bounded: a ring of {@code capacity} samples; when it is full, each new sample overwrites the oldest.
 * The sampler and the scheduler are called without this class's lock, which guards only the ring.
 */
public final class StatusHistory implements AutoCloseable {

    /** Five minutes at one sample a second, the window the admin page's charts draw. */
    static final Duration INTERVAL = Duration.ofSeconds(1);
    static final int CAPACITY = 300;

    private final Scheduler scheduler;
    private final Duration interval;
    private final Supplier<StatusSample> sampler;

    // Guarded by this.
    private final StatusSample[] ring;
    private int next;
    private int size;
    private Scheduler.Task pending;
    private boolean closed;

    StatusHistory(Scheduler scheduler, Duration interval, int capacity, Supplier<StatusSample> sampler) {
        if (capacity < 1 || interval.isNegative() || interval.isZero()) {
            throw new IllegalArgumentException("a history needs room for a sample and a positive interval");
        }
        this.scheduler = scheduler;
        this.interval = interval;
        this.sampler = sampler;
        this.ring = new StatusSample[capacity];
    }

    /** Takes the first sample now and one every interval after it, until closed. */
    void start() {
        scheduler.execute(() -> sample(scheduler.now()));
    }

    public Duration interval() {
        return interval;
    }

    public int capacity() {
        return ring.length;
    }

    /** The samples held, oldest first. */
    public synchronized List<StatusSample> samples() {
        List<StatusSample> samples = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            samples.add(ring[(next - size + i + ring.length) % ring.length]);
        }
        return samples;
    }

    /**
     * Takes one sample, then plans the next one interval after this one was due, not after it ran, so that the
     * samples keep their spacing however long a sample takes.
     */
    private void sample(Instant due) {
        StatusSample sample;
        try {
            sample = sampler.get();
        } catch (RuntimeException e) {
            sample = null; // a gap in the charts rather than no more samples
        }
        synchronized (this) {
            if (closed) {
                return;
            }
            if (sample != null) {
                ring[next] = sample;
                next = (next + 1) % ring.length;
                size = Math.min(size + 1, ring.length);
            }
        }
        Instant now = scheduler.now();
        Instant following = due.plus(interval);
        if (following.isBefore(now)) {
            // Fell behind (a suspended machine, a stalled scheduler): go on from now, without a burst.
            following = now.plus(interval);
        }
        Instant plannedFor = following;
        Scheduler.Task task = scheduler.schedule(Duration.between(now, following), () -> sample(plannedFor));
        boolean cancel;
        synchronized (this) {
            cancel = closed;
            pending = task;
        }
        if (cancel) {
            task.cancel();
        }
    }

    @Override
    public void close() {
        Scheduler.Task task;
        synchronized (this) {
            closed = true;
            task = pending;
            pending = null;
        }
        if (task != null) {
            task.cancel();
        }
    }
}
