package org.camstream.web;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camstream.camera.CameraError;
import org.camstream.camera.CameraStatus;
import org.camstream.config.Codec;
import org.camstream.stream.H264Pipeline;
import org.camstream.stream.StreamStats;
import org.camstream.stream.VideoTrack;

/** The document behind {@code /api/status}: the camera, the transcoder, the viewers and the JVM. */
final class StatusDocument {

    private StatusDocument() {
    }

    /**
     * The sound: {@code setting} (none, test, alsa:…), and unless it is none, the audio process's state, errors,
     * pid and log like the camera's, its {@code level} (peak dBFS over the last tenth of a second, null while
     * none comes), its {@code bitrate}, and the frames the muxer {@code dropped} or {@code filled} with silence.
     */
    static Map<String, Object> audio(Camstream app) {
        FramePath path = app.path();
        org.camstream.config.AudioInput setting = app.settings().audio();
        Map<String, Object> audio = new LinkedHashMap<>();
        audio.put("setting", setting.id());
        if (!setting.enabled()) {
            audio.put("state", "off");
            return audio;
        }
        Map<String, Object> process = describe(path.audio().status());
        process.remove("source");
        process.remove("width");
        process.remove("height");
        process.remove("configuredFps");
        process.remove("measuredFps");
        audio.putAll(process);
        audio.put("codec", org.camstream.audio.AudioCaptures.FORMAT.codecs());
        audio.put("level", path.audioLevel().peakDb(System.nanoTime()));
        audio.put("bitrate", path.audioSink().measuredBitrate());
        long[] corrections = path.video().audioCorrections();
        audio.put("dropped", corrections[0]);
        audio.put("filled", corrections[1]);
        return audio;
    }

    static Map<String, Object> of(Camstream app) {
        FramePath path = app.path();
        Codec nativeCodec = path.nativeCodec();
        Map<String, Object> camera = describe(path.camera().status());
        camera.put("codec", nativeCodec.id());
        H264Pipeline video = path.video();
        VideoTrack track = video.track();
        if (track != null) {
            Map<String, Object> h264 = new LinkedHashMap<>();
            h264.put("codec", track.codec());
            h264.put("width", track.width());
            h264.put("height", track.height());
            h264.put("generation", track.generation());
            h264.put("gopBytes", video.annexB().cachedBytes());
            h264.put("measuredBitrate", video.measuredBitrate());
            camera.put("h264", h264);
        }
        Map<String, Object> transcoding = describe(path.transcoder().status());
        transcoding.remove("source");
        transcoding.put("from", nativeCodec.id());
        transcoding.put("to", nativeCodec == Codec.H264 ? Codec.MJPEG.id() : Codec.H264.id());

        Map<String, Object> viewersByFormat = new LinkedHashMap<>();
        Map<String, Object> streams = new LinkedHashMap<>();
        long frames = 0;
        long bytes = 0;
        long dropped = 0;
        for (StreamStats s : app.counters().all()) {
            viewersByFormat.put(s.format(), s.viewers());
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("viewers", s.viewers());
            one.put("framesSent", s.framesSent());
            one.put("bytesSent", s.bytesSent());
            one.put("framesDropped", s.framesDropped());
            streams.put(s.format(), one);
            frames += s.framesSent();
            bytes += s.bytesSent();
            dropped += s.framesDropped();
        }
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxViewers", app.limit().max());
        limits.put("admittedViewers", app.limit().admitted());

        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("heapUsedBytes", heap.getUsed());
        jvm.put("heapMaxBytes", heap.getMax());
        jvm.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());

        Map<String, Object> status = new LinkedHashMap<>();
        status.put("camera", camera);
        status.put("audio", audio(app));
        status.put("transcoder", transcoding);
        status.put("viewers", viewersByFormat);
        status.put("limits", limits);
        status.put("framesSent", frames);
        status.put("bytesSent", bytes);
        status.put("framesDropped", dropped);
        status.put("streams", streams);
        // Registrations in the fan-outs: equal to the viewers they feed, or something holds on to a viewer
        // that left. MP4 files and WebSockets share one fan-out, MJPEG and stills another; a snapshot waits on a third.
        Map<String, Object> subscriptions = new LinkedHashMap<>();
        subscriptions.put("h264", video.annexB().subscriberCount());
        subscriptions.put("mp4", video.mp4().subscriberCount());
        subscriptions.put("multipart", path.jpeg().parts().subscriberCount());
        subscriptions.put("snapshot", path.jpeg().pictures().subscriberCount());
        status.put("subscriptions", subscriptions);
        status.put("publish", PublishingStatus.of(app.publishers().status()));
        status.put("uptimeSeconds", app.uptimeMillis() / 1000.0);
        status.put("hls", HlsStatus.of(app));
        status.put("jvm", jvm);
        return status;
    }

    /** What the admin page's charts draw, now: {@link StatusHistory} keeps these. */
    static StatusSample sample(Camstream app, Instant at) {
        FramePath path = app.path();
        CameraStatus camera = path.camera().status();
        boolean running = camera.state() == org.camstream.camera.CameraState.RUNNING;
        H264Pipeline video = path.video();
        boolean h264 = video.track() != null;
        long viewers = 0;
        for (StreamStats s : app.counters().all()) {
            viewers += s.viewers();
        }
        return new StatusSample(at, camera.state().id(), Math.round(camera.measuredFps() * 100) / 100.0,
                running ? camera.configuredFps() : null, h264 ? video.measuredBitrate() : null,
                h264 ? app.settings().bitrate() : null, viewers);
    }

    private static Map<String, Object> describe(CameraStatus cam) {
        Map<String, Object> camera = new LinkedHashMap<>();
        camera.put("source", cam.source());
        camera.putAll(summary(cam));
        camera.put("width", cam.width());
        camera.put("height", cam.height());
        camera.put("configuredFps", cam.configuredFps());
        camera.put("measuredFps", Math.round(cam.measuredFps() * 100) / 100.0);
        camera.put("frames", cam.frames());
        camera.put("discardedFrames", cam.discardedFrames());
        camera.put("previousError", error(cam.previousError()));
        camera.put("pid", cam.pid());
        camera.put("logLines", cam.logLines());
        camera.put("recentLog", cam.recentLog());
        camera.put("notes", cam.notes());
        return camera;
    }

    /** What viewers are told about the camera: its state and since when, and its current trouble. */
    static Map<String, Object> summary(CameraStatus camera) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("state", camera.state().id());
        summary.put("since", time(camera.since()));
        summary.put("restarts", camera.restarts());
        summary.put("lastError", camera.lastError() == null ? null : camera.lastError().message());
        summary.put("lastErrorAt", camera.lastError() == null ? null : time(camera.lastError().at()));
        summary.put("retryAt", time(camera.retryAt()));
        // The same, as a wait: a page counts it down without comparing its clock with the server's.
        summary.put("retryInMs", camera.retryAt() == null ? null
                : Math.max(0, java.time.Duration.between(Instant.now(), camera.retryAt()).toMillis()));
        return summary;
    }

    private static Map<String, Object> error(CameraError error) {
        if (error == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("message", error.message());
        map.put("at", time(error.at()));
        map.put("recoveredAt", time(error.recoveredAt()));
        return map;
    }

    /** ISO 8601 in UTC to the millisecond, such as {@code 2026-12-01T09:00:00.123Z}; null stays null. */
    static String time(Instant instant) {
        return instant == null ? null : instant.truncatedTo(ChronoUnit.MILLIS).toString();
    }
}
