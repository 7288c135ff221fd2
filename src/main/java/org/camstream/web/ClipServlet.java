package org.camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.record.Clip;
import org.camstream.record.RecordingCatalog;

/**
 * {@code /cam/<name>/recordings/get?start=<time>&duration=<seconds>}: one MP4 of the camera's recordings from
 * {@code start} for {@code duration}, cut at keyframes ({@link Clip}); it plays and seeks in a video element and
 * VLC. Its length is known before it is sent, and a {@code Range} request gets that part of it, so a browser
 * seeks in it. It is streamed from the files, never loaded whole, with non-blocking writes: a download holds no
 * thread. {@code download=1} makes it an attachment; either way it is named after the camera and the time.
 * Nothing recorded in the range is a {@code 404} with the reason as JSON.
 */
final class ClipServlet extends HttpServlet {

    static final double MAX_SECONDS = Clip.MAX_DURATION.toSeconds();
    private static final int PIECE_BYTES = 64 * 1024;
    private static final DateTimeFormatter FILE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss")
            .withZone(ZoneId.systemDefault());

    private final Cameras cameras;
    private final RecordingCatalog catalog;

    ClipServlet(Cameras cameras, RecordingCatalog catalog) {
        this.cameras = cameras;
        this.catalog = catalog;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, false);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        serve(request, response, true);
    }

    private void serve(HttpServletRequest request, HttpServletResponse response, boolean head) throws IOException {
        Camera camera = Route.camera(request, response, cameras);
        if (camera == null) {
            return;
        }
        Instant start;
        double seconds;
        try {
            if (request.getParameter("start") == null) {
                throw new IllegalArgumentException("start is needed: the time the clip begins, in ISO 8601, such as "
                        + "2026-12-07T10:00:00Z (api/recordings lists what is recorded)");
            }
            start = RecordingsServlet.time(request.getParameter("start"), null);
            seconds = seconds(request.getParameter("duration"));
        } catch (IllegalArgumentException e) {
            Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        Clip clip = Clip.of(catalog, camera.name(), start, Duration.ofMillis(Math.round(seconds * 1000)));
        if (clip == null) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "camera " + camera.name()
                    + " recorded nothing from " + start + " for " + seconds + " s");
            return;
        }
        long length = clip.length();
        ByteRange range = ByteRange.of(request.getHeader("Range"), length, "the clip", response);
        if (range == null) {
            return;
        }
        String name = camera.name() + "-" + FILE_TIME.format(clip.start()) + ".mp4";
        range.apply(response);
        response.setContentType("video/mp4");
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("Content-Disposition", ("1".equals(request.getParameter("download")) ? "attachment"
                : "inline") + "; filename=\"" + name + "\"");
        response.setHeader("X-Camstream-Clip-Start", clip.start().toString());
        if (head) {
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // as long as the download takes; a stalled client is ended by the connector's timeout
        ServletOutputStream out = response.getOutputStream();
        Clip.Reader reader = clip.read(range.first(), range.last() + 1);
        out.setWriteListener(new WriteListener() {
            @Override
            public void onWritePossible() throws IOException {
                while (out.isReady()) {
                    if (!reader.hasMore()) {
                        reader.close();
                        async.complete();
                        return;
                    }
                    ByteBuffer piece = reader.next(PIECE_BYTES);
                    out.write(piece.array(), piece.arrayOffset() + piece.position(), piece.remaining());
                }
            }

            @Override
            public void onError(Throwable error) {
                try {
                    reader.close();
                } catch (IOException e) {
                    // the client is gone either way
                }
                async.complete();
            }
        });
    }

    /** The duration: seconds, more than 0 and at most {@link #MAX_SECONDS}. */
    static double seconds(String value) {
        double seconds;
        try {
            seconds = value == null ? Double.NaN : Double.parseDouble(value.trim());
        } catch (NumberFormatException e) {
            seconds = Double.NaN;
        }
        if (!(seconds > 0 && seconds <= MAX_SECONDS)) {
            throw new IllegalArgumentException("duration must be seconds, more than 0 and at most " + (long) MAX_SECONDS
                    + " (three hours), got '" + (value == null ? "" : Responses.printable(value)) + "'");
        }
        return seconds;
    }
}
