package org.camstream.web;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.camstream.camera.Backoff;
import org.camstream.camera.CameraStatus;
import org.camstream.camera.Captures;
import org.camstream.camera.CaptureSupervisor;
import org.camstream.camera.Lease;
import org.camstream.camera.Transcoder;
import org.camstream.config.Codec;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.SavedSettings;
import org.camstream.config.Setting;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.camstream.stream.FanOut;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.stream.H264Pipeline;
import org.camstream.stream.StreamStats;
import org.camstream.stream.VideoTrack;

/**
 * The running application: the camera, the transcoder for the other codec, the pipelines and fan-outs that
 * share their pictures, and the counters.
 *
 * <p>The camera produces its native codec. JPEG pictures feed the snapshot, stills and MJPEG; H.264 pictures
 * feed the H.264, MP4 and WebSocket streams. Viewers of the other codec also hold a lease on the transcoder,
 * one shared ffmpeg that exists only while they do.
 */
final class Camstream implements AutoCloseable {

    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(Camstream.class);

    static final Duration IDLE_STOP = Duration.ofSeconds(10);
    static final long STALL_MILLIS = 10_000;

    private final SettingsLoader loader;
    private final AtomicReference<ResolvedSettings> resolved;
    private final AtomicReference<Settings> settings;
    private final Codec nativeCodec;
    private final ScheduledThreadPoolExecutor scheduler;
    private final CaptureSupervisor camera;
    private final CaptureSupervisor transcoder;
    private final Transcoder transcoderFactory;
    private final FanOut<Frame> jpegFrames = new FanOut<>();
    private final FanOut<MultipartPart> multipartParts = new FanOut<>();
    private final H264Pipeline video;
    private final StreamStats snapshotStats = new StreamStats("snapshot");
    private final StreamStats jpegStats = new StreamStats("jpeg");
    private final StreamStats mjpegStats = new StreamStats("mjpeg");
    private final StreamStats h264Stats = new StreamStats("h264");
    private final StreamStats mp4Stats = new StreamStats("mp4");
    private final StreamStats wsStats = new StreamStats("ws");
    private final ViewerRegistry viewers;
    /** Starts WebSocket sends off the camera's thread; a few threads for all viewers, not one each. */
    private final java.util.concurrent.ThreadPoolExecutor sendPool;
    private final Set<WebSocketViewer> webSockets = ConcurrentHashMap.newKeySet();
    private final long startNanos = System.nanoTime();
    private final java.util.concurrent.atomic.AtomicBoolean restartTranscoderWhenCameraRuns =
            new java.util.concurrent.atomic.AtomicBoolean();

    Camstream(SettingsLoader loader, ResolvedSettings initialSettings) {
        Settings initial = initialSettings.settings();
        this.loader = loader;
        this.resolved = new AtomicReference<>(initialSettings);
        this.settings = new AtomicReference<>(initial);
        this.nativeCodec = initial.codec();
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "camstream-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        // At shutdown, close() has already waited for the processes (and killed any that would not end), so
        // the delayed escalations of their stops have nothing left to do; do not wait for them.
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        scheduler.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        this.video = new H264Pipeline(initial.fps());
        FrameSink jpeg = new FrameSink() {
            @Override
            public void onFrame(Frame frame) {
                jpegFrames.publish(frame);
                multipartParts.publish(MultipartPart.of(frame));
            }

            @Override
            public void onCameraStopped() {
                jpegFrames.clear();
                multipartParts.clear();
            }
        };
        FrameSink nativeSink = nativeCodec == Codec.H264 ? video : jpeg;
        FrameSink transcodedSink = nativeCodec == Codec.H264 ? jpeg : video;
        this.transcoderFactory = new Transcoder(scheduler, () -> {
            if (nativeCodec == Codec.H264) {
                return video.annexB().gop();
            }
            Frame latest = jpegFrames.latest();
            return latest == null ? List.of() : List.of(latest);
        });
        Backoff cameraBackoff = new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30));
        this.camera = new CaptureSupervisor(new Captures(scheduler), settings::get, new FrameSink() {
            @Override
            public void onFrame(Frame frame) {
                nativeSink.onFrame(frame);
                transcoderFactory.offer(frame);
            }

            @Override
            public void onCameraStopped() {
                nativeSink.onCameraStopped();
            }
        }, scheduler, IDLE_STOP, cameraBackoff);
        this.transcoder = new CaptureSupervisor(transcoderFactory, settings::get, transcodedSink, scheduler,
                IDLE_STOP, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        this.viewers = new ViewerRegistry(scheduler, STALL_MILLIS);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.sendPool = new java.util.concurrent.ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new java.util.concurrent.LinkedBlockingQueue<>(), runnable -> {
                    Thread thread = new Thread(runnable, "camstream-ws-send");
                    thread.setDaemon(true);
                    return thread;
                });
        sendPool.allowCoreThreadTimeOut(true);
        camera.onStateChange(this::onCameraStateChange);
    }

    /** A claim on JPEG pictures: the camera, and the transcoder when the camera makes H.264. */
    Lease acquireJpeg() {
        return acquire(Codec.MJPEG);
    }

    /** A claim on H.264 pictures: the camera, and the transcoder when the camera makes JPEG. */
    Lease acquireVideo() {
        return acquire(Codec.H264);
    }

    private Lease acquire(Codec wanted) {
        Lease cameraLease = camera.acquire();
        if (wanted == nativeCodec) {
            return cameraLease;
        }
        try {
            return Lease.both(cameraLease, transcoder.acquire());
        } catch (RuntimeException e) {
            cameraLease.close();
            throw e;
        }
    }

    private void onCameraStateChange() {
        broadcastStatus();
        // The transcoder's encoder keeps the picture size it started with; after new settings it must start
        // again on the camera's new pictures, not on the last ones of the old stream.
        if (camera.state() == org.camstream.camera.CameraState.RUNNING
                && restartTranscoderWhenCameraRuns.compareAndSet(true, false)) {
            transcoder.restart();
        }
    }

    private void broadcastStatus() {
        if (webSockets.isEmpty()) {
            return;
        }
        CameraStatus cam = camera.status();
        Map<String, Object> message = new LinkedHashMap<>();
        message.put("type", "status");
        message.put("state", cam.state().id());
        message.put("restarts", cam.restarts());
        message.put("lastError", cam.lastError());
        String json = Responses.json(message);
        for (WebSocketViewer viewer : webSockets) {
            viewer.sendStatus(json);
        }
    }

    Settings settings() {
        return settings.get();
    }

    ResolvedSettings resolvedSettings() {
        return resolved.get();
    }

    /**
     * Applies settings changed on the admin page: validates them all, saves them in the data directory, then
     * restarts the camera and the transcoder with them. Viewers stay connected. Nothing changes if a value is
     * invalid or cannot be saved.
     *
     * @throws SettingsException naming the invalid setting
     */
    synchronized ResolvedSettings apply(Map<Setting, String> changes) throws IOException {
        ResolvedSettings current = resolved.get();
        ResolvedSettings next = current.with(changes);
        Map<Setting, String> saved = new EnumMap<>(Setting.class);
        for (Map.Entry<Setting, ResolvedSettings.Value> entry : next.values().entrySet()) {
            if (ResolvedSettings.SAVED.equals(entry.getValue().origin())) {
                saved.put(entry.getKey(), entry.getValue().raw());
            }
        }
        SavedSettings.write(next.settings().dataDir(), saved);
        install(next);
        return next;
    }

    /** Forgets what the admin page saved and goes back to the configured settings. */
    synchronized ResolvedSettings forgetSaved() throws IOException {
        SavedSettings.forget(resolved.get().settings().dataDir());
        ResolvedSettings next = loader.resolve();
        install(next);
        return next;
    }

    private void install(ResolvedSettings next) {
        LOG.info("Settings changed on the admin page: {}", next.settings());
        resolved.set(next);
        settings.set(next.settings());
        restartTranscoderWhenCameraRuns.set(true);
        camera.restart();
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    CaptureSupervisor camera() {
        return camera;
    }

    FanOut<Frame> jpegFrames() {
        return jpegFrames;
    }

    FanOut<MultipartPart> multipartParts() {
        return multipartParts;
    }

    H264Pipeline video() {
        return video;
    }

    StreamStats snapshotStats() {
        return snapshotStats;
    }

    StreamStats jpegStats() {
        return jpegStats;
    }

    StreamStats mjpegStats() {
        return mjpegStats;
    }

    StreamStats h264Stats() {
        return h264Stats;
    }

    StreamStats mp4Stats() {
        return mp4Stats;
    }

    StreamStats wsStats() {
        return wsStats;
    }

    java.util.concurrent.Executor sendPool() {
        return sendPool;
    }

    ViewerRegistry viewers() {
        return viewers;
    }

    Set<WebSocketViewer> webSockets() {
        return webSockets;
    }

    /** The document behind {@code /api/status}. */
    Map<String, Object> status() {
        Map<String, Object> camera = describe(this.camera.status());
        camera.put("codec", nativeCodec.id());
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
        Map<String, Object> transcoding = describe(transcoder.status());
        transcoding.remove("source");
        transcoding.put("from", nativeCodec.id());
        transcoding.put("to", nativeCodec == Codec.H264 ? Codec.MJPEG.id() : Codec.H264.id());

        Map<String, Object> viewersByFormat = new LinkedHashMap<>();
        Map<String, Object> streams = new LinkedHashMap<>();
        long frames = 0;
        long bytes = 0;
        long dropped = 0;
        for (StreamStats s : List.of(mjpegStats, jpegStats, snapshotStats, h264Stats, mp4Stats, wsStats)) {
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
        MemoryUsage heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage();
        Map<String, Object> jvm = new LinkedHashMap<>();
        jvm.put("heapUsedBytes", heap.getUsed());
        jvm.put("heapMaxBytes", heap.getMax());
        jvm.put("threads", ManagementFactory.getThreadMXBean().getThreadCount());

        Map<String, Object> status = new LinkedHashMap<>();
        status.put("camera", camera);
        status.put("transcoder", transcoding);
        status.put("viewers", viewersByFormat);
        status.put("framesSent", frames);
        status.put("bytesSent", bytes);
        status.put("framesDropped", dropped);
        status.put("streams", streams);
        status.put("uptimeSeconds", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) / 1000.0);
        status.put("jvm", jvm);
        return status;
    }

    private static Map<String, Object> describe(CameraStatus cam) {
        Map<String, Object> camera = new LinkedHashMap<>();
        camera.put("source", cam.source());
        camera.put("state", cam.state().id());
        camera.put("width", cam.width());
        camera.put("height", cam.height());
        camera.put("configuredFps", cam.configuredFps());
        camera.put("measuredFps", Math.round(cam.measuredFps() * 100) / 100.0);
        camera.put("frames", cam.frames());
        camera.put("discardedFrames", cam.discardedFrames());
        camera.put("restarts", cam.restarts());
        camera.put("lastError", cam.lastError());
        camera.put("pid", cam.pid());
        camera.put("recentLog", cam.recentLog());
        camera.put("notes", cam.notes());
        return camera;
    }

    /** Ends every viewer, stops the processes and waits for them, then stops the scheduler. */
    @Override
    public void close() {
        viewers.close();
        for (WebSocketViewer viewer : webSockets) {
            viewer.close(new jakarta.websocket.CloseReason(jakarta.websocket.CloseReason.CloseCodes.GOING_AWAY,
                    "server stopping"));
        }
        // The transcoder first: it quits promptly only while the camera still feeds it.
        transcoder.close();
        camera.close();
        sendPool.shutdown();
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
            if (!sendPool.awaitTermination(2, TimeUnit.SECONDS)) {
                sendPool.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            sendPool.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
