package org.camstream.hls;

import java.util.concurrent.atomic.AtomicLong;
import org.camstream.process.Lease;

/**
 * One run of the HLS muxer: its segmenter, its claim on the camera, and when it was last asked for. An HLS
 * client holds no connection between requests, so the claim is held by the requests themselves: every
 * request moves {@link #lastUsed} on, and the run ends once none came for the idle time.
 */
final class HlsRun {

    private static final long RETIRED = Long.MIN_VALUE;

    final Segmenter segmenter;
    final Lease lease;
    private final AtomicLong lastUsed;

    HlsRun(Segmenter segmenter, Lease lease, long now) {
        this.segmenter = segmenter;
        this.lease = lease;
        this.lastUsed = new AtomicLong(now);
    }

    /** Marks a request; false when the run has already ended, and a new one is needed. */
    boolean extend(long now) {
        while (true) {
            long last = lastUsed.get();
            if (last == RETIRED) {
                return false;
            }
            if (lastUsed.compareAndSet(last, Math.max(last, now))) {
                return true;
            }
        }
    }

    /**
     * Ends the run if nobody asked for {@code idleNanos}: then no request can extend it any more. Returns the
     * nanoseconds still to wait otherwise, or 0 when it ended now.
     */
    long retireIfIdle(long now, long idleNanos) {
        while (true) {
            long last = lastUsed.get();
            if (last == RETIRED) {
                return 0;
            }
            long left = last + idleNanos - now;
            if (left > 0) {
                return left;
            }
            if (lastUsed.compareAndSet(last, RETIRED)) {
                return 0;
            }
        }
    }
}
