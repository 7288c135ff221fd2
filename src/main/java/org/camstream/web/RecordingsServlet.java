package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.record.RecordingCatalog;
import org.camstream.record.Timeline;

/**
 * {@code /api/recordings?camera=&from=&to=}: what each camera has recorded between {@code from} and {@code to}
 * (ISO 8601 times; the last day without them), as spans and the gaps between them, and how to get each: a clip
 * is {@code cam/<name>/recordings/get?start=<span start>&duration=<its seconds>}. Without {@code camera}, every
 * camera's. A range is at most {@value #MAX_DAYS} days.
 */
final class RecordingsServlet extends HttpServlet {

    static final int MAX_DAYS = 31;

    private final Cameras cameras;
    private final RecordingCatalog catalog;

    RecordingsServlet(Cameras cameras, RecordingCatalog catalog) {
        this.cameras = cameras;
        this.catalog = catalog;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Instant to;
        Instant from;
        try {
            to = time(request.getParameter("to"), Instant.now().plusSeconds(1));
            from = time(request.getParameter("from"), to.minus(Duration.ofDays(1)));
        } catch (IllegalArgumentException e) {
            Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        if (!from.isBefore(to) || Duration.between(from, to).toDays() > MAX_DAYS) {
            Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST, "from must come before to, and the"
                    + " range be at most " + MAX_DAYS + " days");
            return;
        }
        String name = request.getParameter("camera");
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("from", from.toString());
        document.put("to", to.toString());
        if (name != null) {
            Camera camera = cameras.get(name);
            if (camera == null) {
                Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "there is no camera '"
                        + Responses.printable(name) + "'; the cameras are listed at api/cameras");
                return;
            }
            document.put("camera", camera.name());
            document.putAll(timeline(camera, from, to, request.getContextPath()));
        } else {
            Map<String, Object> all = new LinkedHashMap<>();
            for (Camera camera : cameras.all()) {
                all.put(camera.name(), timeline(camera, from, to, request.getContextPath()));
            }
            document.put("cameras", all);
        }
        Responses.sendJson(response, HttpServletResponse.SC_OK, document);
    }

    private Map<String, Object> timeline(Camera camera, Instant from, Instant to, String context) {
        Timeline timeline = Timeline.of(catalog, camera.name(), from, to);
        List<Map<String, Object>> spans = new ArrayList<>();
        for (Timeline.Span span : timeline.spans()) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("start", span.start().toString());
            one.put("end", span.end().toString());
            one.put("seconds", span.seconds());
            one.put("files", span.files());
            one.put("sizes", span.sizes());
            one.put("recording", span.open());
            one.put("url", context + Route.PREFIX + camera.name() + "/recordings/get?start=" + span.start()
                    + "&duration=" + Math.max(1, Math.round(Math.min(span.seconds(),
                            ClipServlet.MAX_SECONDS))));
            spans.add(one);
        }
        List<Map<String, Object>> gaps = new ArrayList<>();
        for (Timeline.Gap gap : timeline.gaps()) {
            gaps.add(Map.of("start", gap.start().toString(), "end", gap.end().toString()));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("record", camera.settings().record().id());
        document.put("spans", spans);
        document.put("gaps", gaps);
        return document;
    }

    /** An ISO 8601 time, with its offset (2026-12-07T10:00:00Z, …+01:00), or the default when there is none. */
    static Instant time(String value, Instant otherwise) {
        if (value == null || value.isBlank()) {
            return otherwise;
        }
        try {
            return java.time.OffsetDateTime.parse(value.trim()).toInstant();
        } catch (java.time.format.DateTimeParseException e) {
            throw new IllegalArgumentException("a time must be ISO 8601 with its offset, such as "
                    + "2026-12-07T10:00:00Z, got '" + Responses.printable(value) + "'");
        }
    }
}
