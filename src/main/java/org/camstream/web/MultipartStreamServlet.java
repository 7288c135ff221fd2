package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Predicate;
import org.camstream.process.Lease;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.stream.LatestMailbox;
import org.camstream.stream.MultipartPart;
import org.camstream.stream.Preamble;
import org.camstream.stream.Pacer;
import org.camstream.stream.StreamStats;

/**
 * JPEG pictures as {@code multipart/x-mixed-replace}: {@code /stream.mjpeg} sends every frame,
 * {@code /stream.jpg?fps=N} sends stills at a pace the viewer chooses. Either way a slow viewer skips to
 * the newest picture instead of slowing anyone else.
 */
final class MultipartStreamServlet extends HttpServlet {

    static final double DEFAULT_STILLS_FPS = 2;
    static final double MIN_STILLS_FPS = 0.1;

    private final Cameras cameras;
    private final Viewers viewers;
    private final boolean paced;

    private MultipartStreamServlet(Cameras cameras, Viewers viewers, boolean paced) {
        this.cameras = cameras;
        this.viewers = viewers;
        this.paced = paced;
    }

    static MultipartStreamServlet everyFrame(Cameras cameras, Viewers viewers) {
        return new MultipartStreamServlet(cameras, viewers, false);
    }

    static MultipartStreamServlet stills(Cameras cameras, Viewers viewers) {
        return new MultipartStreamServlet(cameras, viewers, true);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Camera camera = Route.camera(request, response, cameras);
        if (camera == null) {
            return;
        }
        double fps = 0;
        if (paced) {
            try {
                fps = requestedFps(request.getParameter("fps"), camera.settings().fps());
            } catch (IllegalArgumentException e) {
                Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
                return;
            }
        }
        Lease lease = viewers.admit(camera, response, camera::acquireJpeg);
        if (lease == null) {
            return;
        }
        writeHead(response);
        StreamStats stats = paced ? camera.counters().jpeg : camera.counters().mjpeg;
        Predicate<MultipartPart> admit = everything();
        if (paced) {
            Pacer pacer = new Pacer(fps, camera.settings().frameIntervalNanos());
            admit = part -> pacer.admit(part.frame().captureNanos());
        }
        try {
            StreamingResponse.open(request, response, viewers, camera, lease, camera.parts(), new LatestMailbox<>(),
                    stats, admit, Preamble.none());
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Camera camera = Route.camera(request, response, cameras);
        if (camera == null) {
            return;
        }
        if (paced) {
            try {
                requestedFps(request.getParameter("fps"), camera.settings().fps());
            } catch (IllegalArgumentException e) {
                response.setStatus(HttpServletResponse.SC_BAD_REQUEST);
                return;
            }
        }
        writeHead(response);
    }

    private static void writeHead(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(MultipartPart.CONTENT_TYPE);
        Responses.noCache(response);
    }

    private static Predicate<MultipartPart> everything() {
        return part -> true;
    }

    /** Parses {@code fps}: absent means the default; otherwise 0.1 up to the camera's rate. */
    static double requestedFps(String value, double cameraFps) {
        double max = cameraFps;
        if (value == null) {
            return Math.min(DEFAULT_STILLS_FPS, max);
        }
        double fps;
        try {
            fps = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            fps = Double.NaN;
        }
        if (!(fps >= MIN_STILLS_FPS && fps <= max)) {
            throw new IllegalArgumentException("fps must be a number from " + MIN_STILLS_FPS + " to " + max
                    + " (the camera's rate), got '" + value + "'");
        }
        return fps;
    }
}
