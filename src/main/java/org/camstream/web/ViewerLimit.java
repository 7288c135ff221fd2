package org.camstream.web;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.camstream.camera.Lease;

/**
 * The {@code max-viewers} cap on stream connections served at once: MJPEG, stills, H.264, MP4, WebSocket
 * and snapshots that wait for a picture. At the cap a new stream is refused with a 503 and Retry-After;
 * the viewers already connected are untouched.
 */
final class ViewerLimit {

    /** What a refused viewer is told to wait before trying again, in seconds. */
    static final int RETRY_AFTER_SECONDS = 10;

    private final IntSupplier max;
    private final AtomicInteger admitted = new AtomicInteger();

    ViewerLimit(IntSupplier max) {
        this.max = max;
    }

    /** Takes a place, given back when the lease is closed; null when all are taken. */
    Lease tryAdmit() {
        int limit = max.getAsInt();
        while (true) {
            int current = admitted.get();
            if (current >= limit) {
                return null;
            }
            if (admitted.compareAndSet(current, current + 1)) {
                AtomicBoolean open = new AtomicBoolean(true);
                return () -> {
                    if (open.compareAndSet(true, false)) {
                        admitted.decrementAndGet();
                    }
                };
            }
        }
    }

    boolean isFull() {
        return admitted.get() >= max.getAsInt();
    }

    int admitted() {
        return admitted.get();
    }

    int max() {
        return max.getAsInt();
    }

    String refusal() {
        return "camstream is serving its limit of " + max() + " viewers (the max-viewers setting); try again in "
                + RETRY_AFTER_SECONDS + " s";
    }
}
