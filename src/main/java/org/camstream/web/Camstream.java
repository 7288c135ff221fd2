package org.camstream.web;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryUsage;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.camstream.camera.Backoff;
import org.camstream.camera.CameraStatus;
import org.camstream.camera.CameraSupervisor;
import org.camstream.camera.Captures;
import org.camstream.config.Settings;
import org.camstream.stream.FanOut;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.stream.StreamStats;

/** The running application: the camera, the fan-outs that share its frames, and the counters. */
final class Camstream implements AutoCloseable {

    static final Duration IDLE_STOP = Duration.ofSeconds(10);
    static final long STALL_MILLIS = 10_000;

    private final AtomicReference<Settings> settings;
    private final ScheduledThreadPoolExecutor scheduler;
    private final CameraSupervisor camera;
    private final FanOut<Frame> jpegFrames = new FanOut<>();
    private final FanOut<MultipartPart> multipartParts = new FanOut<>();
    private final StreamStats snapshotStats = new StreamStats("snapshot");
    private final StreamStats jpegStats = new StreamStats("jpeg");
    private final StreamStats mjpegStats = new StreamStats("mjpeg");
    private final ViewerRegistry viewers;
    private final long startNanos = System.nanoTime();

    Camstream(Settings initial) {
        this.settings = new AtomicReference<>(initial);
        this.scheduler = new ScheduledThreadPoolExecutor(1, runnable -> {
            Thread thread = new Thread(runnable, "camstream-scheduler");
            thread.setDaemon(true);
            return thread;
        });
        scheduler.setRemoveOnCancelPolicy(true);
        this.camera = new CameraSupervisor(new Captures(scheduler), settings::get, new FrameSink() {
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
        }, scheduler, IDLE_STOP, new Backoff(Duration.ofSeconds(1), Duration.ofSeconds(30)));
        this.viewers = new ViewerRegistry(scheduler, STALL_MILLIS);
    }

    Settings settings() {
        return settings.get();
    }

    ScheduledExecutorService scheduler() {
        return scheduler;
    }

    CameraSupervisor camera() {
        return camera;
    }

    FanOut<Frame> jpegFrames() {
        return jpegFrames;
    }

    FanOut<MultipartPart> multipartParts() {
        return multipartParts;
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

    ViewerRegistry viewers() {
        return viewers;
    }

    /** The document behind {@code /api/status}. */
    Map<String, Object> status() {
        CameraStatus cam = camera.status();
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

        Map<String, Object> viewersByFormat = new LinkedHashMap<>();
        Map<String, Object> streams = new LinkedHashMap<>();
        long frames = 0;
        long bytes = 0;
        long dropped = 0;
        for (StreamStats s : List.of(mjpegStats, jpegStats, snapshotStats)) {
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
        status.put("viewers", viewersByFormat);
        status.put("framesSent", frames);
        status.put("bytesSent", bytes);
        status.put("framesDropped", dropped);
        status.put("streams", streams);
        status.put("uptimeSeconds", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos) / 1000.0);
        status.put("jvm", jvm);
        return status;
    }

    /** Ends every viewer, stops the camera process and waits for it, then stops the scheduler. */
    @Override
    public void close() {
        viewers.close();
        camera.close();
        scheduler.shutdown();
        try {
            if (!scheduler.awaitTermination(5, TimeUnit.SECONDS)) {
                scheduler.shutdownNow();
            }
        } catch (InterruptedException e) {
            scheduler.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
