package org.camstream.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.camera.Camera;
import org.camstream.timelapse.CameraTimelapse;
import org.camstream.timelapse.RenderQueue;
import org.camstream.timelapse.TimelapseSession;
import org.camstream.timelapse.Timelapses;

/** The JSON of the timelapses: a session as the API lists it, a camera's status entry, the server's disk. */
final class TimelapseDocuments {

    private TimelapseDocuments() {
    }

    /**
     * One session: {id, camera, start, end, running, continuous, interval, stills, firstStill, lastStill, missed,
     * bytes, lastError, lastErrorAt, lastStillAt, endedBy, preview, still, render}. {@code preview} is the URL of
     * its newest still (null while it has none), {@code still} the URL of any still with {n} for its number.
     */
    static Map<String, Object> session(Timelapses timelapses, TimelapseSession session, String context) {
        TimelapseSession.Snapshot s = session.snapshot();
        String base = context + Route.PREFIX + s.camera() + "/timelapse/" + s.id() + "/";
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("id", s.id());
        doc.put("camera", s.camera());
        doc.put("start", StatusDocument.time(s.start()));
        doc.put("end", StatusDocument.time(s.end()));
        doc.put("running", s.running());
        doc.put("continuous", s.continuous());
        doc.put("interval", seconds(s.interval()));
        doc.put("stills", s.stills());
        doc.put("firstStill", s.stills() == 0 ? null : s.firstStill());
        doc.put("lastStill", s.stills() == 0 ? null : s.lastStill());
        doc.put("missed", s.missed());
        doc.put("bytes", s.bytes());
        doc.put("lastError", s.lastError());
        doc.put("lastErrorAt", StatusDocument.time(s.lastErrorAt()));
        doc.put("lastStillAt", StatusDocument.time(s.lastStillAt()));
        doc.put("endedBy", s.endedBy());
        doc.put("preview", s.stills() == 0 ? null : base + "preview.jpg");
        doc.put("still", base + "still/{n}.jpg");
        doc.put("render", render(timelapses, session, s, base));
        return doc;
    }

    /**
     * A session's render: {state: none|queued|rendering|done|failed|cancelled, progress 0..1, queuePosition (1 for
     * the next, while queued), fps, frames, video (its URL, once there is one), bytes, error, at}. The video of an
     * earlier render stays until a new one has succeeded.
     */
    private static Map<String, Object> render(Timelapses timelapses, TimelapseSession session,
            TimelapseSession.Snapshot s, String base) {
        RenderQueue.Status status = timelapses.renders().status(session);
        boolean video = s.videoBytes() > 0;
        Map<String, Object> doc = new LinkedHashMap<>();
        if (status == null) {
            doc.put("state", (video ? RenderQueue.State.DONE : RenderQueue.State.NONE).id());
            doc.put("progress", video ? 1.0 : 0.0);
            doc.put("queuePosition", null);
            doc.put("fps", video ? s.videoFps() : null);
            doc.put("frames", video ? s.videoFrames() : null);
            doc.put("error", null);
            doc.put("at", StatusDocument.time(s.renderedAt()));
        } else {
            doc.put("state", status.state().id());
            doc.put("progress", Math.round(status.progress() * 1000) / 1000.0);
            doc.put("queuePosition", status.state() == RenderQueue.State.QUEUED ? status.queuePosition() : null);
            doc.put("fps", status.fps());
            doc.put("frames", status.frames() > 0 ? status.frames() : null);
            doc.put("error", status.error());
            doc.put("at", StatusDocument.time(status.at()));
        }
        doc.put("video", video ? base + "video.mp4" : null);
        doc.put("bytes", s.videoBytes());
        return doc;
    }

    /** A camera's sessions, newest first, with its setting and what runs. */
    static Map<String, Object> camera(Timelapses timelapses, Camera camera, String context) {
        CameraTimelapse timelapse = camera.timelapse();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("camera", camera.name());
        doc.put("interval", timelapse == null ? 0 : seconds(timelapse.setting()));
        List<String> running = new ArrayList<>();
        if (timelapse != null) {
            for (TimelapseSession s : timelapse.running()) {
                running.add(s.id());
            }
        }
        doc.put("running", running);
        List<Map<String, Object>> sessions = new ArrayList<>();
        for (TimelapseSession.Snapshot s : timelapses.sessions(camera.name())) {
            TimelapseSession session = timelapses.session(s.camera(), s.id());
            if (session != null) {
                sessions.add(session(timelapses, session, context));
            }
        }
        doc.put("sessions", sessions);
        return doc;
    }

    /**
     * A camera's {@code timelapse} status entry: {interval (its timelapse-interval, 0 off), running (the session
     * running, the one of the API before the continuous one, or null), sessions (every running one), stills,
     * missed, lastError, lastErrorAt, lastStillAt} of the session named in {@code running}.
     */
    static Map<String, Object> status(Camera camera) {
        CameraTimelapse timelapse = camera.timelapse();
        Map<String, Object> doc = new LinkedHashMap<>();
        if (timelapse == null) {
            doc.put("state", "off");
            return doc;
        }
        List<TimelapseSession> running = timelapse.running();
        doc.put("interval", seconds(timelapse.setting()));
        TimelapseSession.Snapshot first = running.isEmpty() ? null : running.get(0).snapshot();
        doc.put("running", first == null ? null : first.id());
        List<String> ids = new ArrayList<>();
        for (TimelapseSession s : running) {
            ids.add(s.id());
        }
        doc.put("sessions", ids);
        doc.put("stills", first == null ? null : first.stills());
        doc.put("missed", first == null ? null : first.missed());
        doc.put("lastError", first == null ? null : first.lastError());
        doc.put("lastErrorAt", first == null ? null : StatusDocument.time(first.lastErrorAt()));
        doc.put("lastStillAt", first == null ? null : StatusDocument.time(first.lastStillAt()));
        return doc;
    }

    /** The server's: the disk the sessions take, what the retention did last, and the render queue. */
    static Map<String, Object> disk(Timelapses timelapses) {
        Timelapses.Disk d = timelapses.disk();
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("directory", d.directory().toString());
        doc.put("sessions", d.sessions());
        doc.put("running", d.running());
        doc.put("totalBytes", d.totalBytes());
        doc.put("bytesByCamera", d.bytesByCamera());
        doc.put("freeBytes", d.freeBytes());
        if (d.lastSweepAt() != null) {
            Map<String, Object> sweep = new LinkedHashMap<>();
            sweep.put("at", StatusDocument.time(d.lastSweepAt()));
            sweep.put("sessionsDeleted", d.lastSweepSessionsDeleted());
            sweep.put("stillsDeleted", d.lastSweepStillsDeleted());
            sweep.put("error", d.lastSweepError());
            doc.put("lastSweep", sweep);
        }
        doc.put("deletedEver", d.deletedEver());
        Map<String, Object> renders = new LinkedHashMap<>();
        renders.put("rendering", d.rendering());
        renders.put("waiting", d.rendersWaiting());
        renders.put("maxWaiting", RenderQueue.MAX_WAITING);
        doc.put("renders", renders);
        return doc;
    }

    static double seconds(Duration duration) {
        return duration.toNanos() / 1e9;
    }
}
