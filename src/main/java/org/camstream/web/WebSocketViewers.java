package org.camstream.web;

import jakarta.websocket.CloseReason;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.camstream.camera.CameraStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every open WebSocket viewer: they are told when the camera's state changes, a viewer whose send has not
 * completed within the {@code viewer-timeout} is closed (Tomcat's own send timeout counts per network write,
 * so a client that reads a trickle, or nothing at all, would otherwise stay for good), and all of them are
 * ended at shutdown. Bounded by {@link ViewerLimit}.
 */
final class WebSocketViewers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(WebSocketViewers.class);

    private final Set<WebSocketViewer> open = ConcurrentHashMap.newKeySet();
    private final Supplier<Duration> timeout;
    private final ScheduledFuture<?> sweep;

    WebSocketViewers(ScheduledExecutorService scheduler, Supplier<Duration> timeout) {
        this.timeout = timeout;
        long period = Math.max(100, timeout.get().toMillis() / 10);
        this.sweep = scheduler.scheduleWithFixedDelay(this::closeStalled, period, period, TimeUnit.MILLISECONDS);
    }

    void add(WebSocketViewer viewer) {
        open.add(viewer);
    }

    void remove(WebSocketViewer viewer) {
        open.remove(viewer);
    }

    int size() {
        return open.size();
    }

    /** Sends every viewer a {@code status} message. */
    void broadcast(CameraStatus camera) {
        if (open.isEmpty()) {
            return;
        }
        String json = Responses.json(statusMessage(camera));
        boolean trouble = isTrouble(camera);
        for (WebSocketViewer viewer : open) {
            viewer.sendStatus(json, trouble);
        }
    }

    /** Tells a new viewer at once when the camera is in trouble: it would otherwise wait for a picture in vain. */
    void greet(WebSocketViewer viewer, CameraStatus camera) {
        if (isTrouble(camera)) {
            viewer.sendStatus(Responses.json(statusMessage(camera)), true);
        }
    }

    private static boolean isTrouble(CameraStatus camera) {
        return camera.lastError() != null || camera.state() == org.camstream.camera.CameraState.RESTARTING;
    }

    /** {"type":"status", state, since, restarts, lastError, lastErrorAt, retryAt}. */
    static Map<String, Object> statusMessage(CameraStatus camera) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "status");
        message.putAll(StatusDocument.summary(camera));
        return message;
    }

    private void closeStalled() {
        long now = System.nanoTime();
        long limit = timeout.get().toNanos();
        for (WebSocketViewer viewer : open) {
            if (viewer.sendingNanos(now) > limit) {
                LOG.info("Closing a WebSocket viewer whose send did not complete in {} s", limit / 1e9);
                viewer.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "send timed out"));
            }
        }
    }

    @Override
    public void close() {
        sweep.cancel(false);
        for (WebSocketViewer viewer : open) {
            viewer.close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "server stopping"));
        }
    }
}
