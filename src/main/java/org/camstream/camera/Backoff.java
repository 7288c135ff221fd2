package org.camstream.camera;

import java.time.Duration;

/** Delays between restarts: doubling from the first to the maximum. Not thread-safe. */
public final class Backoff {

    private final Duration first;
    private final Duration max;
    private Duration next;

    public Backoff(Duration first, Duration max) {
        this.first = first;
        this.max = max;
        this.next = first;
    }

    /** The delay to wait now; the following call returns twice as much, up to the maximum. */
    public Duration next() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(max) > 0 ? max : doubled;
        return current;
    }

    /** Jumps to the longest delay: retrying sooner would not help. */
    public Duration longest() {
        next = max;
        return max;
    }

    public void reset() {
        next = first;
    }
}
