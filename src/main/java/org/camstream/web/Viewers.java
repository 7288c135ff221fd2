package org.camstream.web;

import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.CloseReason;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.camstream.camera.Camera;
import org.camstream.camera.CaptureStatus;
import org.camstream.camera.ViewerLimit;
import org.camstream.process.Lease;

/**
 * The viewers of every camera: who is let in (a place under the server's {@code max-viewers} and under the
 * camera's own, then a claim on the pictures it needs), every open stream and WebSocket, and the writer pool
 * that closes them off the cameras' threads, and the HLS players ({@link HlsPlayers}). A camera that is removed
 * ends its own viewers here, and no others.
 */
final class Viewers implements AutoCloseable {

    /** The close code a WebSocket viewer of a removed camera gets: 4000 and up are the application's own. */
    static final CloseReason.CloseCode CAMERA_REMOVED = CloseReason.CloseCodes.getCloseCode(4404);

    private final ViewerLimit total;
    private final OpenViewers<StreamingResponse<?>> streams;
    private final OpenViewers<WebSocketViewer> sockets;
    private final Executor writers;
    private final Supplier<Duration> viewerTimeout;
    private final HlsPlayers hls;

    Viewers(IntSupplier maxViewers, ScheduledExecutorService scheduler, Executor writers,
            Supplier<Duration> viewerTimeout) {
        this.total = new ViewerLimit(maxViewers, "camstream", "max-viewers");
        this.streams = new OpenViewers<>("viewer", "connection accepted nothing for", scheduler, viewerTimeout);
        this.sockets = new OpenViewers<>("WebSocket viewer", "send did not complete in", scheduler, viewerTimeout);
        this.writers = writers;
        this.viewerTimeout = viewerTimeout;
        this.hls = new HlsPlayers(this::place, viewerTimeout, scheduler, System::nanoTime);
    }

    /** Ends a camera's viewers when it closes, and tells its WebSocket viewers when its state changes. */
    void watch(Camera camera) {
        camera.onClose(() -> {
            streams.endAll(camera, "camera removed");
            hls.forget(camera);
            for (WebSocketViewer viewer : sockets.of(camera)) {
                viewer.close(new CloseReason(CAMERA_REMOVED, "camera removed"));
            }
        });
        camera.onStateChange(() -> broadcast(camera));
    }

    /**
     * The viewer's lease, or null when it was refused and answered with a 503 and Retry-After: at the server's
     * limit, at the camera's, or because the camera is closing. Nothing is left taken when it is refused.
     */
    Lease admit(Camera camera, HttpServletResponse response, Supplier<Lease> pictures) throws IOException {
        Lease place = total.tryAdmit();
        if (place == null) {
            Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, total.refusal());
            return null;
        }
        Lease own = camera.viewers().tryAdmit();
        if (own == null) {
            place.close();
            Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, camera.viewers().refusal());
            return null;
        }
        Lease both = Lease.both(place, own);
        try {
            return Lease.both(both, pictures.get());
        } catch (IllegalStateException e) {
            both.close();
            Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, "camera " + camera.name()
                    + " is closing");
            return null;
        } catch (RuntimeException e) {
            both.close();
            throw e;
        }
    }

    /** A place for a WebSocket viewer, under both limits; null when there is none. */
    Lease place(Camera camera) {
        Lease place = total.tryAdmit();
        if (place == null) {
            return null;
        }
        Lease own = camera.viewers().tryAdmit();
        if (own == null) {
            place.close();
            return null;
        }
        return Lease.both(place, own);
    }

    /** Why a viewer of {@code camera} would be refused now, or null when it would get in. */
    String refusal(Camera camera) {
        if (total.isFull()) {
            return total.refusal();
        }
        return camera.viewers().isFull() ? camera.viewers().refusal() : null;
    }

    /** Sends the camera's WebSocket viewers a {@code status} message. */
    private void broadcast(Camera camera) {
        CaptureStatus status = camera.status();
        String json = null;
        for (WebSocketViewer viewer : sockets.of(camera)) {
            if (json == null) {
                json = Responses.json(StatusDocument.statusMessage(status));
            }
            viewer.sendStatus(json, status.process().inTrouble());
        }
    }

    /** Tells a new viewer at once when the camera is in trouble: it would otherwise wait for a picture in vain. */
    void greet(WebSocketViewer viewer, Camera camera) {
        CaptureStatus status = camera.status();
        if (status.process().inTrouble()) {
            viewer.sendStatus(Responses.json(StatusDocument.statusMessage(status)), true);
        }
    }

    ViewerLimit total() {
        return total;
    }

    OpenViewers<StreamingResponse<?>> streams() {
        return streams;
    }

    OpenViewers<WebSocketViewer> sockets() {
        return sockets;
    }

    Executor writers() {
        return writers;
    }

    Duration viewerTimeout() {
        return viewerTimeout.get();
    }

    /** The HLS players, who hold places as viewers while they keep asking. */
    HlsPlayers hls() {
        return hls;
    }

    @Override
    public void close() {
        streams.close();
        sockets.close();
        hls.close();
    }
}
