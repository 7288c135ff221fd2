package org.camstream.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.camstream.camera.Camera;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every open viewer of one kind (HTTP streams, WebSockets), with the camera it watches: so that a viewer whose
 * write has not completed within the {@code viewer-timeout} is closed (a client that reads a trickle, or nothing,
 * would otherwise stay for good), the viewers of a camera that is removed are ended, and all of them are ended at
 * shutdown. Bounded by the viewer limits.
 */
final class OpenViewers<V extends OpenViewers.Viewer> implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(OpenViewers.class);

    /** What the sweep needs of a viewer. */
    interface Viewer {
        /** How long the write under way has waited so far, or 0 when none is. */
        long blockedNanos(long now);

        /** Ends the viewer, for the reason given; safe to call more than once, from any thread. */
        void end(String reason);
    }

    private final String kind;
    private final String stall;
    /** What a viewer of no particular camera is filed under (a test's, say): the map takes no null. */
    private static final Object NO_CAMERA = new Object();

    private final Map<V, Object> open = new ConcurrentHashMap<>();
    private final Supplier<Duration> timeout;
    private final ScheduledFuture<?> sweep;

    /**
     * @param kind what the viewers are, for the log: "viewer", "WebSocket viewer"
     * @param stall what a stalled one did not do, for the log: "connection accepted nothing for"
     */
    OpenViewers(String kind, String stall, ScheduledExecutorService scheduler, Supplier<Duration> timeout) {
        this.kind = kind;
        this.stall = stall;
        this.timeout = timeout;
        long period = Math.max(100, timeout.get().toMillis() / 10);
        this.sweep = scheduler.scheduleWithFixedDelay(this::closeStalled, period, period, TimeUnit.MILLISECONDS);
    }

    void add(V viewer, Camera camera) {
        open.put(viewer, camera == null ? NO_CAMERA : camera);
    }

    void remove(V viewer) {
        open.remove(viewer);
    }

    int size() {
        return open.size();
    }

    /** The viewers of one camera, for messages to them all. */
    Iterable<V> of(Camera camera) {
        return open.entrySet().stream().filter(e -> e.getValue() == camera).map(Map.Entry::getKey)::iterator;
    }

    /** Ends every viewer of a camera that is going away. */
    void endAll(Camera camera, String reason) {
        for (V viewer : of(camera)) {
            viewer.end(reason);
        }
    }

    private void closeStalled() {
        long now = System.nanoTime();
        long limit = timeout.get().toNanos();
        for (V viewer : open.keySet()) {
            if (viewer.blockedNanos(now) > limit) {
                LOG.info("Closing a {} whose {} {} s", kind, stall, limit / 1e9);
                viewer.end("send timed out");
            }
        }
    }

    @Override
    public void close() {
        sweep.cancel(false);
        for (V viewer : open.keySet()) {
            viewer.end("server stopping");
        }
    }
}
