package org.camstream.camera;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.camstream.process.Lease;

/**
 * A {@code max-viewers} cap on stream connections served at once: MJPEG, stills, H.264, MP4, WebSocket and
 * snapshots that wait for a picture. There is one for the server, all cameras together, and one for each
 * camera. At the cap a new stream is refused with a 503 and Retry-After; the viewers already connected are
 * untouched.
 */
public final class ViewerLimit {

    /** What a refused viewer is told to wait before trying again, in seconds. */
    public static final int RETRY_AFTER_SECONDS = 10;

    private final IntSupplier max;
    private final String who;
    private final String setting;
    private final AtomicInteger admitted = new AtomicInteger();

    /**
     * @param who whose limit it is, for the refusal: "camstream", "camera garden"
     * @param setting the setting that sets it, for the refusal
     */
    public ViewerLimit(IntSupplier max, String who, String setting) {
        this.max = max;
        this.who = who;
        this.setting = setting;
    }

    /** Takes a place, given back when the lease is closed; null when all are taken. */
    public Lease tryAdmit() {
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

    public boolean isFull() {
        return admitted.get() >= max.getAsInt();
    }

    public int admitted() {
        return admitted.get();
    }

    public int max() {
        return max.getAsInt();
    }

    public String refusal() {
        return who + " is serving its limit of " + max() + " viewers (the " + setting + " setting); try again in "
                + RETRY_AFTER_SECONDS + " s";
    }
}
