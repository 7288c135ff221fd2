package org.camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.camstream.camera.CameraStatus;
import org.camstream.camera.Lease;
import org.camstream.stream.Frame;
import org.camstream.stream.Subscriber;

/** {@code /snapshot.jpg}: the latest picture; an idle camera is started and given a few seconds. */
final class SnapshotServlet extends HttpServlet {

    static final long WAIT_MILLIS = 3_000;

    private final Camstream app;

    SnapshotServlet(Camstream app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) {
        AsyncContext async = request.startAsync();
        async.setTimeout(WAIT_MILLIS + 10_000);
        Frame latest = app.jpegFrames().latest();
        if (latest != null) {
            send(async, latest);
            return;
        }
        Lease lease = app.acquireJpeg();
        CompletableFuture<Frame> next = new CompletableFuture<>();
        Subscriber<Frame> waiter = next::complete;
        ScheduledFuture<?> timeout = app.scheduler().schedule(() -> next.complete(null), WAIT_MILLIS,
                TimeUnit.MILLISECONDS);
        next.whenComplete((frame, error) -> {
            app.jpegFrames().unsubscribe(waiter);
            timeout.cancel(false);
            lease.close();
            if (frame != null) {
                send(async, frame);
            } else {
                CameraStatus camera = app.camera().status();
                String why = camera.lastError() == null ? "" : ": " + camera.lastError();
                Responses.sendAsync(async, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                        "application/json;charset=UTF-8",
                        Responses.bytes(Responses.errorBody(HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                                "the camera produced no picture within " + WAIT_MILLIS / 1000 + " s (camera "
                                        + camera.state().id() + why + ")")));
            }
        });
        app.jpegFrames().subscribe(waiter);
    }

    private void send(AsyncContext async, Frame frame) {
        app.snapshotStats().sent(frame.size());
        Responses.sendAsync(async, HttpServletResponse.SC_OK, "image/jpeg", frame);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        response.setContentType("image/jpeg");
        Responses.noCache(response);
        Frame latest = app.jpegFrames().latest();
        if (latest != null) {
            response.setContentLength(latest.size());
        }
    }
}
