package org.camstream.stream;

/**
 * Lets through frames at a chosen rate, for viewers who asked for fewer frames than the camera makes.
 * Decisions are made on capture times, so no timer is needed. Not thread-safe: one producer calls it.
 */
public final class Pacer {

    private final long intervalNanos;
    private final long slackNanos;
    private long due;
    private boolean started;

    /**
     * @param rate frames per second to let through
     * @param cameraIntervalNanos time between camera frames; a frame this close to being due counts as due
     */
    public Pacer(double rate, long cameraIntervalNanos) {
        this.intervalNanos = Math.round(1e9 / rate);
        this.slackNanos = Math.min(intervalNanos, cameraIntervalNanos) / 2;
    }

    /** Whether a frame captured at {@code nanos} should be sent. */
    public boolean admit(long nanos) {
        if (!started) {
            started = true;
            due = nanos + intervalNanos;
            return true;
        }
        if (nanos < due - slackNanos) {
            return false;
        }
        // After a gap (camera restart, slow start), start the cadence afresh instead of bursting to catch up.
        due = nanos - due > intervalNanos ? nanos + intervalNanos : due + intervalNanos;
        return true;
    }
}
