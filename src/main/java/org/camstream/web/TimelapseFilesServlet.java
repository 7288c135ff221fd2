package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.timelapse.TimelapseSession;
import org.camstream.timelapse.Timelapses;

/**
 * A session's files: {@code /cam/<name>/timelapse/<session>/still/<n>.jpg}, {@code …/preview.jpg} (the newest
 * still) and {@code …/video.mp4} (its render, with byte ranges; {@code download=1} makes it an attachment), behind
 * the viewer login like the streams. A path is made only from the camera's own name, a session the catalogue knows
 * (its name checked against the one pattern of session names) and a still's number, never from the text of the
 * request, so nothing outside the session's directory can be reached. Anything else is a 404 with the reason.
 */
final class TimelapseFilesServlet extends HttpServlet {

    private static final Pattern STILL = Pattern.compile("(\\d{1,9})\\.jpg");
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")
            .withZone(ZoneId.systemDefault());

    private final Cameras cameras;
    private final Timelapses timelapses;

    TimelapseFilesServlet(Cameras cameras, Timelapses timelapses) {
        this.cameras = cameras;
        this.timelapses = timelapses;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Camera camera = Route.camera(request, response, cameras);
        if (camera == null) {
            return;
        }
        String path = Route.of(request, cameras).path();
        String[] parts = path.startsWith("timelapse/") ? path.substring("timelapse/".length()).split("/", -1)
                : new String[0];
        TimelapseSession session = parts.length >= 2 ? timelapses.session(camera.name(), parts[0]) : null;
        if (session == null) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "camera " + camera.name()
                    + " has no timelapse session here; its sessions are listed at api/timelapse/" + camera.name());
            return;
        }
        TimelapseSession.Snapshot s = session.snapshot();
        String name = camera.name() + "-timelapse-" + FILE_TIME.format(s.start());
        if (parts.length == 2 && parts[1].equals("preview.jpg")) {
            if (s.stills() == 0) {
                Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "the session has no still yet");
                return;
            }
            FileAnswer.serve(request, response, session.still(s.lastStill()), "image/jpeg",
                    "inline; filename=\"" + name + "-preview.jpg\"", "no-store", "the session has no still yet");
        } else if (parts.length == 2 && parts[1].equals("video.mp4")) {
            String how = "1".equals(request.getParameter("download")) ? "attachment" : "inline";
            FileAnswer.serve(request, response, session.video(), "video/mp4",
                    how + "; filename=\"" + name + ".mp4\"", "no-cache",
                    "the session has no video; render it with POST api/timelapse/" + camera.name() + "/" + s.id()
                            + "/render");
        } else if (parts.length == 3 && parts[1].equals("still") && STILL.matcher(parts[2]).matches()) {
            Matcher m = STILL.matcher(parts[2]);
            m.matches();
            long n = Long.parseLong(m.group(1));
            if (n < s.firstStill() || n > s.lastStill()) {
                Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "the session has stills "
                        + (s.stills() == 0 ? "none" : s.firstStill() + " to " + s.lastStill()));
                return;
            }
            // A still never changes once written: a browser may keep it.
            FileAnswer.serve(request, response, session.still(n), "image/jpeg",
                    "inline; filename=\"" + name + "-" + n + ".jpg\"", "private, max-age=86400",
                    "that still is no longer kept");
        } else {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "a session's files are still/<n>.jpg, "
                    + "preview.jpg and video.mp4");
        }
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        doGet(request, response); // FileAnswer sends no body to a HEAD
    }
}
