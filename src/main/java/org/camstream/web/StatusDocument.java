package org.camstream.web;

import org.camstream.process.ProcessState;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.camera.ViewerLimit;
import org.camstream.record.Recorder;
import org.camstream.record.Recordings;
import org.camstream.record.Retention;
import org.camstream.process.ProcessError;
import org.camstream.camera.CaptureStatus;
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
    static Map<String, Object> audio(Camera camera) {
        org.camstream.config.AudioInput setting = camera.settings().audio();
        Map<String, Object> audio = new LinkedHashMap<>();
        audio.put("setting", setting.id());
        if (!setting.enabled()) {
            audio.put("state", "off");
            return audio;
        }
        Map<String, Object> process = describe(camera.audioStatus());
        process.remove("source");
        process.remove("width");
        process.remove("height");
        process.remove("configuredFps");
        process.remove("measuredFps");
        audio.putAll(process);
        audio.put("codec", org.camstream.audio.AudioCaptures.FORMAT.codecs());
        audio.put("level", camera.audioLevel().peakDb(System.nanoTime()));
        audio.put("bitrate", camera.audioSink().measuredBitrate());
        H264Pipeline.AudioCorrections corrections = camera.video().audioCorrections();
        audio.put("dropped", corrections.dropped());
        audio.put("filled", corrections.filled());
        return audio;
    }

    /**
     * The server's {@code /api/status}: the first camera's document at the top, as when camstream had one
     * camera, and every camera's under {@code cameras}, by name, in order.
     */
    static Map<String, Object> server(Camstream app) {
        Cameras cameras = app.cameras();
        ViewerLimit total = app.viewers().total();
        Map<String, Object> status = new LinkedHashMap<>();
        Camera first = cameras.first();
        if (first != null) {
            status.putAll(camera(first, total, app.rtsp(), app.viewers().hls()));
        }
        Map<String, Object> all = new LinkedHashMap<>();
        for (Camera camera : cameras.all()) {
            all.put(camera.name(), camera(camera, total, app.rtsp(), app.viewers().hls()));
        }
        status.put("cameras", all);
        status.put("recordings", recordings(app.recordings()));
        if (app.timelapses() != null) {
            status.put("timelapse", TimelapseDocuments.disk(app.timelapses()));
        }
        // The flat document describes the first camera: its RTSP clients, with the server's port and state.
        Map<String, Object> rtsp = new LinkedHashMap<>(RtspDocument.server(app.rtsp()));
        if (first != null && app.rtsp() != null) {
            rtsp.putAll(RtspDocument.camera(app.rtsp(), first));
        }
        status.put("rtsp", rtsp);
        status.put("uptimeSeconds", app.uptimeMillis() / 1000.0);
        status.put("jvm", jvm());
        return status;
    }

    /** One camera's {@code /cam/<name>/api/status}: its processes, its viewers, its HLS and relays, and the JVM. */
    static Map<String, Object> camera(Camstream app, Camera camera) {
        Map<String, Object> status = camera(camera, app.viewers().total(), app.rtsp(), app.viewers().hls());
        status.put("uptimeSeconds", app.uptimeMillis() / 1000.0);
        status.put("jvm", jvm());
        return status;
    }

    private static Map<String, Object> camera(Camera unit, ViewerLimit total, org.camstream.rtsp.RtspServer rtsp,
            HlsPlayers hls) {
        Codec nativeCodec = unit.nativeCodec();
        Map<String, Object> camera = describe(unit.status());
        camera.put("name", unit.name());
        camera.put("codec", nativeCodec.id());
        H264Pipeline video = unit.video();
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
        Map<String, Object> transcoding = describe(unit.transcoderStatus());
        transcoding.remove("source");
        transcoding.put("from", nativeCodec.id());
        transcoding.put("to", nativeCodec == Codec.H264 ? Codec.MJPEG.id() : Codec.H264.id());

        Map<String, Object> viewersByFormat = new LinkedHashMap<>();
        Map<String, Object> streams = new LinkedHashMap<>();
        long frames = 0;
        long bytes = 0;
        long dropped = 0;
        for (StreamStats s : unit.counters().all()) {
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
        if (rtsp != null) {
            viewersByFormat.put("rtsp", rtsp.clients(unit.name()).size());
        }
        viewersByFormat.put("hls", hls.count(unit));
        Map<String, Object> limits = new LinkedHashMap<>();
        limits.put("maxViewers", total.max());
        limits.put("admittedViewers", total.admitted());
        limits.put("cameraMaxViewers", unit.viewers().max());
        limits.put("cameraAdmittedViewers", unit.viewers().admitted());

        Map<String, Object> status = new LinkedHashMap<>();
        status.put("name", unit.name());
        status.put("camera", camera);
        status.put("audio", audio(unit));
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
        subscriptions.put("multipart", unit.parts().subscriberCount());
        subscriptions.put("snapshot", unit.pictures().subscriberCount());
        status.put("subscriptions", subscriptions);
        status.put("publish", PublishingStatus.of(unit.relays().status()));
        status.put("recording", recording(unit));
        status.put("timelapse", TimelapseDocuments.status(unit));
        status.put("hls", HlsStatus.of(unit));
        status.put("rtsp", RtspDocument.camera(rtsp, unit));
        return status;
    }

    /** A camera's recorder: {@code setting}, and while it records its state, file, counts and trouble. */
    static Map<String, Object> recording(Camera camera) {
        Map<String, Object> recording = new LinkedHashMap<>();
        recording.put("setting", camera.settings().record().id());
        Recorder recorder = camera.recorder();
        if (recorder == null) {
            recording.put("state", "off");
            return recording;
        }
        Recorder.Status s = recorder.status();
        recording.put("state", s.state().id());
        recording.put("since", time(s.since()));
        java.nio.file.Path file = s.file();
        recording.put("file", file == null ? null : file.getParent().getFileName() + "/" + file.getFileName());
        recording.put("bytesWritten", s.bytesWritten());
        recording.put("filesWritten", s.filesWritten());
        recording.put("dropped", s.dropped());
        recording.put("lastError", s.lastError());
        recording.put("lastErrorAt", time(s.lastErrorAt()));
        return recording;
    }

    /** The recordings' disk: how much they take, by camera, how much is free, and what the retention did last. */
    static Map<String, Object> recordings(Recordings recordings) {
        Map<String, Object> disk = new LinkedHashMap<>();
        disk.put("directory", recordings.catalog().root().toString());
        disk.put("files", recordings.catalog().all().size());
        disk.put("totalBytes", recordings.catalog().totalBytes());
        disk.put("bytesByCamera", recordings.catalog().bytesByCamera());
        disk.put("freeBytes", recordings.freeBytes());
        Retention.Report last = recordings.retention().last();
        if (last != null) {
            Map<String, Object> sweep = new LinkedHashMap<>();
            sweep.put("at", time(last.at()));
            sweep.put("deleted", last.deleted());
            sweep.put("bytesDeleted", last.bytesDeleted());
            sweep.put("error", last.lastError());
            disk.put("lastSweep", sweep);
        }
        disk.put("deletedEver", recordings.retention().deletedEver());
        return disk;
    }

    private static Map<String, Object> jvm() {
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("heapUsedBytes", heap.getUsed());
        jvm.put("heapMaxBytes", heap.getMax());
        jvm.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());
        return jvm;
    }

    /** {"type":"status", state, since, restarts, lastError, lastErrorAt, retryAt}: what a WebSocket viewer is told. */
    static Map<String, Object> statusMessage(CaptureStatus camera) {
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "status");
        message.putAll(summary(camera));
        return message;
    }

    private static Map<String, Object> describe(CaptureStatus cam) {
        Map<String, Object> camera = new LinkedHashMap<>();
        camera.put("source", cam.source());
        camera.putAll(summary(cam));
        camera.put("width", cam.format().width());
        camera.put("height", cam.format().height());
        camera.put("configuredFps", cam.format().fps());
        camera.put("measuredFps", Math.round(cam.counts().measuredFps() * 100) / 100.0);
        camera.put("frames", cam.counts().samples());
        camera.put("discardedFrames", cam.counts().discarded());
        camera.put("previousError", error(cam.process().previousError()));
        camera.put("pid", cam.process().pid());
        camera.put("logLines", cam.process().output().lines());
        camera.put("recentLog", cam.process().output().recent());
        camera.put("notes", cam.process().output().notes());
        return camera;
    }

    /** What viewers are told about the camera: its state and since when, and its current trouble. */
    static Map<String, Object> summary(CaptureStatus camera) {
        return summary(camera.process());
    }

    /** A process's state and since when, its restarts, and its current trouble. */
    static Map<String, Object> summary(org.camstream.process.ProcessStatus camera) {
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

    private static Map<String, Object> error(ProcessError error) {
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
