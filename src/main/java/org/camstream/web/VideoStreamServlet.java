package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Function;
import java.util.function.Supplier;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.process.Lease;
import org.camstream.stream.Chunk;
import org.camstream.stream.Frame;
import org.camstream.stream.GopFanOut;
import org.camstream.stream.GopMailbox;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.Mp4Preamble;
import org.camstream.stream.Preamble;
import org.camstream.stream.StreamStats;

/**
 * {@code /stream.h264} and {@code /stream.mp4}: endless H.264-based responses. A new viewer starts with the
 * cached GOP, so its decoder shows a picture at once; a viewer that falls behind skips to the next keyframe.
 */
final class VideoStreamServlet<T extends Chunk> extends HttpServlet {

    private final Cameras cameras;
    private final Viewers viewers;
    private final String contentType;
    private final Function<Camera, GopFanOut<T>> source;
    private final Function<Camera, StreamStats> stats;
    private final Supplier<Preamble<T>> preamble;
    private final Function<Camera, Lease> claim;

    /** @param claim what a viewer holds: the camera, and for MP4 the sound too */
    private VideoStreamServlet(Cameras cameras, Viewers viewers, String contentType,
            Function<Camera, GopFanOut<T>> source, Function<Camera, StreamStats> stats, Supplier<Preamble<T>> preamble,
            Function<Camera, Lease> claim) {
        this.cameras = cameras;
        this.viewers = viewers;
        this.contentType = contentType;
        this.source = source;
        this.stats = stats;
        this.preamble = preamble;
        this.claim = claim;
    }

    /** {@code /stream.h264}: the raw H.264 of a camera. */
    static VideoStreamServlet<Frame> h264(Cameras cameras, Viewers viewers) {
        return new VideoStreamServlet<>(cameras, viewers, "video/h264", Camera::annexB, c -> c.counters().h264,
                Preamble::none, Camera::acquireVideo);
    }

    /** {@code /stream.mp4}: the fragmented MP4 of a camera, with its sound. */
    static VideoStreamServlet<Mp4Chunk> mp4(Cameras cameras, Viewers viewers) {
        return new VideoStreamServlet<>(cameras, viewers, "video/mp4", Camera::mp4, c -> c.counters().mp4,
                Mp4Preamble::new, Camera::acquireMp4);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Camera camera = Route.camera(request, response, cameras);
        if (camera == null) {
            return;
        }
        Lease lease = viewers.admit(camera, response, () -> claim.apply(camera));
        if (lease == null) {
            return;
        }
        writeHead(response);
        try {
            StreamingResponse.open(request, response, viewers, camera, lease, source.apply(camera),
                    GopMailbox.forVideo(camera.settings().fps()), stats.apply(camera), chunk -> true, preamble.get());
        } catch (IOException | RuntimeException e) {
            lease.close();
            throw e;
        }
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (Route.camera(request, response, cameras) != null) {
            writeHead(response);
        }
    }

    private void writeHead(HttpServletResponse response) {
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        Responses.noCache(response);
    }
}
