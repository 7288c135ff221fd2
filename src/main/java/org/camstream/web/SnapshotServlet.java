package org.camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.camstream.process.ProcessState;
import org.camstream.camera.CaptureStatus;
import org.camstream.process.Lease;
import java.util.concurrent.ScheduledExecutorService;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.stream.Frame;
import org.camstream.stream.Subscriber;

/**
 * {@code /snapshot.jpg}: the latest live picture. An idle camera is started and given a few seconds. While
 * there is no live picture the answer is a 503 with Retry-After and the reason as JSON, never a placeholder,
 * so that a timelapse or a home-automation system never keeps one as if it were real.
 */
final class SnapshotServlet extends HttpServlet {

    static final long WAIT_MILLIS = 3_000;
    /** Retry-After when the camera gave no picture in time and no restart time is known. */
    static final int RETRY_SECONDS = 2;

    private final Cameras cameras;
    private final Viewers viewers;
    private final ScheduledExecutorService executor;

    SnapshotServlet(Cameras cameras, Viewers viewers, ScheduledExecutorService executor) {
        this.cameras = cameras;
        this.viewers = viewers;
        this.executor = executor;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Camera camera = Route.camera(request, response, cameras);
        if (camera == null) {
            return;
        }
        Frame latest = livePicture(camera, camera.pictures().latest());
        if (latest != null) {
            send(camera, request.startAsync(), latest);
            return;
        }
        CaptureStatus status = pictureSource(camera);
        Instant retry = status.retryAt();
        if (status.state() == ProcessState.RESTARTING && retry != null
                && Duration.between(Instant.now(), retry).toMillis() > WAIT_MILLIS) {
            sendUnavailable(response, status, "the camera is not delivering pictures");
            return;
        }
        Lease lease = viewers.admit(camera, response, camera::acquireJpeg);
        if (lease == null) {
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(WAIT_MILLIS + 10_000);
        CompletableFuture<Frame> next = new CompletableFuture<>();
        Subscriber<Frame> waiter = frame -> {
            if (livePicture(camera, frame) != null) {
                next.complete(frame);
            }
        };
        ScheduledFuture<?> timeout = executor.schedule(() -> next.complete(null), WAIT_MILLIS,
                TimeUnit.MILLISECONDS);
        next.whenComplete((frame, error) -> {
            camera.pictures().unsubscribe(waiter);
            timeout.cancel(false);
            lease.close();
            if (frame != null) {
                send(camera, async, frame);
            } else {
                CaptureStatus now = pictureSource(camera);
                Map<String, Object> body = unavailable(now, "the camera produced no picture within "
                        + WAIT_MILLIS / 1000 + " s");
                ((HttpServletResponse) async.getResponse()).setHeader("Retry-After",
                        Integer.toString(retryAfter(now)));
                Responses.sendAsync(async, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "application/json;charset=UTF-8",
                        Responses.bytes(Responses.json(body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        });
        camera.pictures().subscribe(waiter);
    }

    /** The picture if it is live: no older than a second or three frame intervals, whichever is longer. */
    private static Frame livePicture(Camera camera, Frame frame) {
        if (frame == null) {
            return null;
        }
        long window = Math.max(TimeUnit.SECONDS.toNanos(1), 3 * camera.settings().frameIntervalNanos());
        return System.nanoTime() - frame.captureNanos() <= window ? frame : null;
    }

    /** The process whose pictures the snapshot shows, as the status says: the camera or the transcoder. */
    private static CaptureStatus pictureSource(Camera camera) {
        CaptureStatus status = camera.status();
        return status.isLive() ? camera.jpegSourceStatus() : status;
    }

    private static void sendUnavailable(HttpServletResponse response, CaptureStatus camera, String what)
            throws IOException {
        response.setHeader("Retry-After", Integer.toString(retryAfter(camera)));
        Responses.sendJson(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, unavailable(camera, what));
    }

    /** {"status":503,"error":"...","camera":{state, since, lastError, lastErrorAt, retryAt}}. */
    private static Map<String, Object> unavailable(CaptureStatus camera, String what) {
        String error = camera.lastError() == null ? what + " (camera " + camera.state().id() + ")"
                : what + " (camera " + camera.state().id() + ": " + camera.lastError().message() + ")";
        Map<String, Object> body = Responses.error(HttpServletResponse.SC_SERVICE_UNAVAILABLE, error);
        body.put("camera", StatusDocument.summary(camera));
        return body;
    }

    /** Seconds until the camera's next start, when it is waiting for one; else a short while. */
    static int retryAfter(CaptureStatus camera) {
        Instant retry = camera.retryAt();
        if (camera.state() == ProcessState.RESTARTING && retry != null) {
            long millis = Duration.between(Instant.now(), retry).toMillis();
            return (int) Math.max(1, (millis + 999) / 1000);
        }
        return RETRY_SECONDS;
    }

    private static void send(Camera camera, AsyncContext async, Frame frame) {
        camera.counters().snapshot.sent(frame.size());
        Responses.sendAsync(async, HttpServletResponse.SC_OK, "image/jpeg", frame);
    }
}
