package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;
import org.camstream.camera.Lease;
import org.camstream.stream.Chunk;
import org.camstream.stream.GopFanOut;
import org.camstream.stream.GopMailbox;
import org.camstream.stream.StreamStats;

/**
 * {@code /stream.h264} and {@code /stream.mp4}: endless H.264-based responses. A new viewer starts with the
 * cached GOP, so its decoder shows a picture at once; a viewer that falls behind skips to the next keyframe.
 */
final class VideoStreamServlet<T extends Chunk> extends HttpServlet {

    private final Camstream app;
    private final String contentType;
    private final GopFanOut<T> source;
    private final StreamStats stats;
    private final Supplier<Preamble<T>> preamble;
    private final Supplier<Lease> claim;

    /** @param claim what a viewer holds: the camera, and for MP4 the sound too */
    VideoStreamServlet(Camstream app, String contentType, GopFanOut<T> source, StreamStats stats,
            Supplier<Preamble<T>> preamble, Supplier<Lease> claim) {
        this.claim = claim;
        this.app = app;
        this.contentType = contentType;
        this.source = source;
        this.stats = stats;
        this.preamble = preamble;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Lease lease = Admission.admit(app, response, claim);
        if (lease == null) {
            return;
        }
        writeHead(response);
        try {
            StreamingResponse.open(request, response, app.responses(), app.writers(), lease, source, GopMailbox.forVideo(app.settings().fps()), stats,
                    chunk -> true, preamble.get());
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) {
        writeHead(response);
    }

    private void writeHead(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        Responses.noCache(response);
    }
}
