package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.timelapse.CameraTimelapse;
import org.camstream.timelapse.RenderQueue;
import org.camstream.timelapse.TimelapseSession;
import org.camstream.timelapse.Timelapses;

/**
 * The timelapse API. Reading is behind the viewer login, as the streams are; every change needs the admin login
 * and is refused from another site's page ({@link AdminWriteGuard}, declared with the endpoint).
 *
 * <pre>
 * GET    api/timelapse                               every camera's sessions, and the disk
 * GET    api/timelapse/&lt;camera&gt;                      a camera's sessions, newest first
 * GET    api/timelapse/&lt;camera&gt;/&lt;session&gt;            one session
 * POST   api/timelapse/&lt;camera&gt;/start[?interval=s]   starts a session (201), or answers the running one (200)
 * POST   api/timelapse/&lt;camera&gt;/stop                 ends it (200); 409 when none runs
 * POST   api/timelapse/&lt;camera&gt;/&lt;session&gt;/render[?fps=n]   renders it (202, queued or rendering); 503 when full
 * DELETE api/timelapse/&lt;camera&gt;/&lt;session&gt;/render     cancels the render (200); 409 when there is none
 * DELETE api/timelapse/&lt;camera&gt;/&lt;session&gt;            deletes a session that has ended (200); 409 otherwise
 * </pre>
 *
 * A printer's start and end G-code drive it with one curl each:
 * {@code curl -u admin:PASS -X POST http://pi:8080/api/timelapse/main/start?interval=10}.
 */
final class TimelapseServlet extends HttpServlet {

    static final double MIN_INTERVAL = CameraTimelapse.MIN_INTERVAL.toMillis() / 1000.0;
    static final double MAX_INTERVAL = CameraTimelapse.MAX_INTERVAL.toSeconds();
    /** Retry-After of a render refused because the queue is full: about one render of a long session. */
    static final int FULL_RETRY_SECONDS = 60;

    private final Cameras cameras;
    private final Timelapses timelapses;

    TimelapseServlet(Cameras cameras, Timelapses timelapses) {
        this.cameras = cameras;
        this.timelapses = timelapses;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String[] parts = parts(request);
        String context = request.getContextPath();
        if (parts == null || parts.length > 2) {
            notFound(response);
            return;
        }
        if (parts.length == 0) {
            Map<String, Object> all = new LinkedHashMap<>();
            for (Camera camera : cameras.all()) {
                all.put(camera.name(), TimelapseDocuments.camera(timelapses, camera, context));
            }
            Map<String, Object> document = new LinkedHashMap<>();
            document.put("cameras", all);
            document.put("disk", TimelapseDocuments.disk(timelapses));
            Responses.sendJson(response, HttpServletResponse.SC_OK, document);
            return;
        }
        Camera camera = camera(parts[0], response);
        if (camera == null) {
            return;
        }
        if (parts.length == 1) {
            Responses.sendJson(response, HttpServletResponse.SC_OK, TimelapseDocuments.camera(timelapses, camera,
                    context));
            return;
        }
        TimelapseSession session = session(camera, parts[1], response);
        if (session != null) {
            Responses.sendJson(response, HttpServletResponse.SC_OK, TimelapseDocuments.session(timelapses, session,
                    context));
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String[] parts = parts(request);
        if (parts == null || parts.length < 2 || parts.length > 3
                || (parts.length == 3 && !parts[2].equals("render"))) {
            notFound(response);
            return;
        }
        Camera camera = camera(parts[0], response);
        if (camera == null) {
            return;
        }
        CameraTimelapse timelapse = camera.timelapse();
        String context = request.getContextPath();
        if (parts.length == 2 && parts[1].equals("start")) {
            Duration interval;
            try {
                interval = interval(request.getParameter("interval"));
            } catch (IllegalArgumentException e) {
                Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
                return;
            }
            CameraTimelapse.Started started;
            try {
                started = timelapse.start(interval);
            } catch (IllegalStateException e) {
                Responses.sendError(response, HttpServletResponse.SC_CONFLICT, e.getMessage());
                return;
            }
            Responses.sendJson(response, started.created() ? HttpServletResponse.SC_CREATED : HttpServletResponse.SC_OK,
                    TimelapseDocuments.session(timelapses, started.session(), context));
        } else if (parts.length == 2 && parts[1].equals("stop")) {
            TimelapseSession stopped = timelapse.stop();
            if (stopped == null) {
                Responses.sendError(response, HttpServletResponse.SC_CONFLICT, "camera " + camera.name()
                        + " has no timelapse session started through the API running");
                return;
            }
            Responses.sendJson(response, HttpServletResponse.SC_OK,
                    TimelapseDocuments.session(timelapses, stopped, context));
        } else if (parts.length == 3) {
            TimelapseSession session = session(camera, parts[1], response);
            if (session == null) {
                return;
            }
            int fps;
            try {
                fps = fps(request.getParameter("fps"));
            } catch (IllegalArgumentException e) {
                Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
                return;
            }
            if (session.snapshot().stills() == 0) {
                Responses.sendError(response, HttpServletResponse.SC_CONFLICT, "the session has no stills to render");
                return;
            }
            RenderQueue.Submitted submitted = timelapses.renders().submit(session, fps);
            if (!submitted.accepted()) {
                Responses.sendUnavailable(response, FULL_RETRY_SECONDS, "the render queue is full ("
                        + RenderQueue.MAX_WAITING + " renders wait behind the one that runs); try again later");
                return;
            }
            Responses.sendJson(response, HttpServletResponse.SC_ACCEPTED,
                    TimelapseDocuments.session(timelapses, session, context));
        } else {
            notFound(response);
        }
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String[] parts = parts(request);
        if (parts == null || parts.length < 2 || parts.length > 3
                || (parts.length == 3 && !parts[2].equals("render"))) {
            notFound(response);
            return;
        }
        Camera camera = camera(parts[0], response);
        if (camera == null) {
            return;
        }
        TimelapseSession session = session(camera, parts[1], response);
        if (session == null) {
            return;
        }
        if (parts.length == 3) {
            if (timelapses.renders().cancel(session) == null) {
                Responses.sendError(response, HttpServletResponse.SC_CONFLICT, "the session has no render waiting "
                        + "or running to cancel");
                return;
            }
            Responses.sendJson(response, HttpServletResponse.SC_OK,
                    TimelapseDocuments.session(timelapses, session, request.getContextPath()));
            return;
        }
        switch (timelapses.delete(session)) {
            case DELETED -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("deleted", session.id());
                body.put("camera", camera.name());
                Responses.sendJson(response, HttpServletResponse.SC_OK, body);
            }
            case RUNNING -> Responses.sendError(response, HttpServletResponse.SC_CONFLICT,
                    "the session is running; stop it first (a continuous one ends when timelapse-interval is 0)");
            case RENDERING -> Responses.sendError(response, HttpServletResponse.SC_CONFLICT,
                    "the session is being rendered; cancel the render first");
            default -> Responses.sendUnavailable(response, 5, "the timelapse files are busy; try again");
        }
    }

    /** The path below api/timelapse in segments; null when one is empty (a doubled or trailing slash). */
    private static String[] parts(HttpServletRequest request) {
        String info = request.getPathInfo();
        if (info == null || info.equals("/") || info.isEmpty()) {
            return new String[0];
        }
        String[] parts = info.substring(1).split("/", -1);
        for (String part : parts) {
            if (part.isEmpty()) {
                return null;
            }
        }
        return parts;
    }

    private Camera camera(String name, HttpServletResponse response) throws IOException {
        Camera camera = cameras.get(name);
        if (camera == null || camera.isClosed() || camera.timelapse() == null) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "there is no camera '"
                    + Responses.printable(name) + "'; the cameras are listed at api/cameras");
            return null;
        }
        return camera;
    }

    private TimelapseSession session(Camera camera, String id, HttpServletResponse response) throws IOException {
        TimelapseSession session = timelapses.session(camera.name(), id);
        if (session == null) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "camera " + camera.name()
                    + " has no timelapse session '" + Responses.printable(id) + "'; its sessions are listed at "
                    + "api/timelapse/" + camera.name());
        }
        return session;
    }

    private static void notFound(HttpServletResponse response) throws IOException {
        Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "timelapse URLs are api/timelapse, "
                + "api/timelapse/<camera>, …/<camera>/start, …/<camera>/stop, …/<camera>/<session> and "
                + "…/<camera>/<session>/render");
    }

    /** The interval: seconds, 0.5 to 86400, decimals allowed; null (the camera's own) when not given. */
    static Duration interval(String value) {
        if (value == null || value.isBlank()) {
            return null;
        }
        double seconds;
        try {
            seconds = Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds >= MIN_INTERVAL && seconds <= MAX_INTERVAL)) {
            throw new IllegalArgumentException("interval must be seconds from " + MIN_INTERVAL + " to "
                    + (long) MAX_INTERVAL + ", got '" + Responses.printable(value) + "'");
        }
        return Duration.ofNanos(Math.round(seconds * 1e9));
    }

    /** The frame rate of a render: 1 to 60, 30 when not given. */
    static int fps(String value) {
        if (value == null || value.isBlank()) {
            return 30;
        }
        try {
            int fps = Integer.parseInt(value.trim());
            if (fps >= 1 && fps <= 60) {
                return fps;
            }
        } catch (NumberFormatException e) {
            // refused below
        }
        throw new IllegalArgumentException("fps must be a whole number from 1 to 60, got '"
                + Responses.printable(value) + "'");
    }
}
