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
import org.camstream.camera.CameraState;
import org.camstream.camera.CameraStatus;
import org.camstream.camera.Lease;
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

    private final Camstream app;

    SnapshotServlet(Camstream app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Frame latest = livePicture(app.path().jpeg().latest());
        if (latest != null) {
            send(request.startAsync(), latest);
            return;
        }
        CameraStatus camera = pictureSource();
        Instant retry = camera.retryAt();
        if (camera.state() == CameraState.RESTARTING && retry != null
                && Duration.between(Instant.now(), retry).toMillis() > WAIT_MILLIS) {
            sendUnavailable(response, camera, "the camera is not delivering pictures");
            return;
        }
        Lease lease = Admission.admit(app, response, app.path()::acquireJpeg);
        if (lease == null) {
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(WAIT_MILLIS + 10_000);
        CompletableFuture<Frame> next = new CompletableFuture<>();
        Subscriber<Frame> waiter = frame -> {
            if (livePicture(frame) != null) {
                next.complete(frame);
            }
        };
        ScheduledFuture<?> timeout = app.executor().schedule(() -> next.complete(null), WAIT_MILLIS,
                TimeUnit.MILLISECONDS);
        next.whenComplete((frame, error) -> {
            app.path().jpeg().pictures().unsubscribe(waiter);
            timeout.cancel(false);
            lease.close();
            if (frame != null) {
                send(async, frame);
            } else {
                CameraStatus now = pictureSource();
                Map<String, Object> body = unavailable(now, "the camera produced no picture within "
                        + WAIT_MILLIS / 1000 + " s");
                ((HttpServletResponse) async.getResponse()).setHeader("Retry-After",
                        Integer.toString(retryAfter(now)));
                Responses.sendAsync(async, HttpServletResponse.SC_SERVICE_UNAVAILABLE, "application/json;charset=UTF-8",
                        Responses.bytes(Responses.json(body).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
            }
        });
        app.path().jpeg().pictures().subscribe(waiter);
    }

    /** The picture if it is live: no older than a second or three frame intervals, whichever is longer. */
    private Frame livePicture(Frame frame) {
        if (frame == null) {
            return null;
        }
        long window = Math.max(TimeUnit.SECONDS.toNanos(1), 3 * app.settings().frameIntervalNanos());
        return System.nanoTime() - frame.captureNanos() <= window ? frame : null;
    }

    /** The process whose pictures the snapshot shows, as the status says: the camera or the transcoder. */
    private CameraStatus pictureSource() {
        CameraStatus camera = app.path().camera().status();
        return camera.isLive() ? app.path().jpegSource().status() : camera;
    }

    private static void sendUnavailable(HttpServletResponse response, CameraStatus camera, String what)
            throws IOException {
        byte[] body = Responses.json(unavailable(camera, what)).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
        response.setHeader("Retry-After", Integer.toString(retryAfter(camera)));
        Responses.noCache(response);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** {"status":503,"error":"...","camera":{state, since, lastError, lastErrorAt, retryAt}}. */
    private static Map<String, Object> unavailable(CameraStatus camera, String what) {
        String error = camera.lastError() == null ? what + " (camera " + camera.state().id() + ")"
                : what + " (camera " + camera.state().id() + ": " + camera.lastError().message() + ")";
        Map<String, Object> body = Responses.error(HttpServletResponse.SC_SERVICE_UNAVAILABLE, error);
        body.put("camera", StatusDocument.summary(camera));
        return body;
    }

    /** Seconds until the camera's next start, when it is waiting for one; else a short while. */
    static int retryAfter(CameraStatus camera) {
        Instant retry = camera.retryAt();
        if (camera.state() == CameraState.RESTARTING && retry != null) {
            long millis = Duration.between(Instant.now(), retry).toMillis();
            return (int) Math.max(1, (millis + 999) / 1000);
        }
        return RETRY_SECONDS;
    }

    private void send(AsyncContext async, Frame frame) {
        app.counters().snapshot.sent(frame.size());
        Responses.sendAsync(async, HttpServletResponse.SC_OK, "image/jpeg", frame);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        Frame latest = livePicture(app.path().jpeg().latest());
        if (latest == null) {
            response.setStatus(HttpServletResponse.SC_SERVICE_UNAVAILABLE);
            response.setHeader("Retry-After", Integer.toString(retryAfter(pictureSource())));
            Responses.noCache(response);
            return;
        }
        response.setContentType("image/jpeg");
        Responses.noCache(response);
        response.setContentLength(latest.size());
    }
}
