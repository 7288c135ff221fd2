package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.camera.Camera;
import org.camstream.camera.CaptureStatus;
import org.camstream.camera.Cameras;
import org.camstream.config.Codec;
import org.camstream.stream.StreamStats;

/**
 * {@code /api/cameras}: every camera, in order, with its state and the URLs of each of its formats, so that a
 * page, a home-automation system or a script can find them without knowing camstream's layout. The first camera
 * also answers the URLs without a name, and {@code ?action=stream_<index>} counts from 0 as mjpg-streamer does.
 */
final class CamerasServlet extends HttpServlet {

    private final Cameras cameras;

    CamerasServlet(Cameras cameras) {
        this.cameras = cameras;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String context = request.getContextPath();
        List<Map<String, Object>> list = new ArrayList<>();
        int index = 0;
        for (Camera camera : cameras.all()) {
            list.add(describe(camera, index++, context));
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("cameras", list);
        Responses.sendJson(response, HttpServletResponse.SC_OK, document);
    }

    static Map<String, Object> describe(Camera camera, int index, String context) {
        CaptureStatus status = camera.status();
        Map<String, Object> one = new LinkedHashMap<>();
        one.put("name", camera.name());
        one.put("index", index);
        one.put("first", index == 0);
        one.put("source", camera.settings().source().id());
        one.put("codec", camera.nativeCodec().id());
        one.put("width", camera.settings().width());
        one.put("height", camera.settings().height());
        one.put("fps", camera.settings().fps());
        one.put("audio", camera.settings().audio().enabled());
        one.putAll(StatusDocument.summary(status));
        one.put("measuredFps", Math.round(status.counts().measuredFps() * 100) / 100.0);
        long viewers = 0;
        for (StreamStats stats : camera.counters().all()) {
            viewers += stats.viewers();
        }
        one.put("viewers", viewers);
        // What a grid of every camera should show of this one: the cheapest live picture for the Pi. An H.264
        // camera's fMP4 costs it nothing more per tile; a JPEG camera's stills need no transcoder.
        one.put("gridMode", camera.nativeCodec() == Codec.H264 ? "mse" : "jpeg");
        one.put("urls", urls(camera, index, context));
        return one;
    }

    private static Map<String, Object> urls(Camera camera, int index, String context) {
        String base = context + Route.PREFIX + camera.name() + "/";
        Map<String, Object> urls = new LinkedHashMap<>();
        urls.put("page", base);
        urls.put("snapshot", base + "snapshot.jpg");
        urls.put("mjpeg", base + "stream.mjpeg");
        urls.put("stills", base + "stream.jpg");
        urls.put("h264", base + "stream.h264");
        urls.put("mp4", base + "stream.mp4");
        urls.put("hls", base + "hls/index.m3u8");
        urls.put("webSocket", base + "ws/video");
        urls.put("status", base + "api/status");
        if (index < 10) {
            urls.put("mjpgStreamer", context + "/?action=stream_" + index);
            urls.put("mjpgStreamerSnapshot", context + "/?action=snapshot_" + index);
        }
        return urls;
    }
}
