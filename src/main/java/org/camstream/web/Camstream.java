package org.camstream.web;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionHandler;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.camstream.camera.Camera;
import org.camstream.camera.CameraServices;
import org.camstream.camera.Cameras;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.Settings;
import org.camstream.config.RecordMode;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.camstream.record.RecordingClock;
import org.camstream.record.RecordingStorage;
import org.camstream.record.Recordings;
import org.camstream.record.Retention;
import org.camstream.timelapse.Timelapses;
import org.camstream.process.Lease;
import org.camstream.rtsp.Logins;
import org.camstream.rtsp.RtspServer;
import org.camstream.process.LogLimiter;
import org.camstream.process.OwnedThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running server: the cameras, the settings they follow, the viewers, and the threads they share. It builds
 * them, and stops them in order; the web layer's servlets are each handed the parts they serve.
 */
final class Camstream implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Camstream.class);
    /**
     * Tasks the writer pool holds at most: a close or an HLS answer per viewer and per held request, well under
     * this at the connector's limits. At the bound a task runs on the thread that handed it in, which then pays
     * for it instead of the queue growing; that is logged, a few times a minute.
     */
    static final int WRITER_QUEUE = 4096;

    private final long startNanos = System.nanoTime();
    private final ScheduledThreadPoolExecutor executor;
    private final OwnedThreads executorThreads = new OwnedThreads("camstream-scheduler");
    private final OwnedThreads writerThreads = new OwnedThreads("camstream-writer");
    /**
     * Closes viewers and writes HLS answers, off the cameras' threads and off the container's request threads, so
     * that a flood of requests cannot delay the pictures of the viewers already in. A few threads for all viewers,
     * not one each.
     */
    private final ThreadPoolExecutor writers;
    private final LiveSettings settings;
    private final Cameras cameras;
    private final Viewers viewers;
    private final Recordings recordings;
    private final Timelapses timelapses;
    private volatile RtspServer rtsp;

    Camstream(SettingsLoader loader, ResolvedSettings initial) {
        this.executor = new ScheduledThreadPoolExecutor(1, executorThreads);
        executor.setRemoveOnCancelPolicy(true);
        // At shutdown, close() has already waited for the processes (and killed any that would not end), so
        // the delayed escalations of their stops have nothing left to do; do not wait for them.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.writers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(WRITER_QUEUE), writerThreads, callerRunsLogged());
        writers.allowCoreThreadTimeOut(true);
        this.settings = new LiveSettings(loader, initial);
        this.viewers = new Viewers(() -> settings.current().maxViewers(), executor, writers,
                () -> settings.current().viewerTimeout());
        Settings first = initial.settings();
        this.recordings = new Recordings(first.dataDir(), RecordingClock.system(), RecordingStorage.disk(),
                () -> limits(settings.current()), executor);
        if (first.cameras().stream().anyMatch(c -> c.record() != RecordMode.OFF)) {
            try {
                recordings.checkWritable();
            } catch (java.io.IOException | RuntimeException e) {
                recordings.close();
                throw new SettingsException("record is on, but recordings cannot be written under "
                        + recordings.catalog().root() + ": " + e);
            }
        }
        this.timelapses = Timelapses.start(first.dataDir(), RecordingStorage.disk(),
                () -> timelapseLimits(settings.current()), executor);
        CameraServices services = new CameraServices(executor, writers, () -> settings.current().idleStop(),
                recordings, timelapses);
        this.cameras = new Cameras(first.cameras(), services);
        cameras.all().forEach(viewers::watch);
        cameras.onAdded(viewers::watch);
        settings.onChange(next -> cameras.apply(next.settings().cameras()));
    }

    private static Retention.Limits limits(Settings settings) {
        return new Retention.Limits(settings.recordKeep(), settings.recordMaxSize(), settings.recordMinFree());
    }

    Recordings recordings() {
        return recordings;
    }

    /** The timelapses' bounds: their own age and size, and the free space the recordings keep too. */
    private static Retention.Limits timelapseLimits(Settings settings) {
        return new Retention.Limits(settings.timelapseKeep(), settings.timelapseMaxSize(), settings.recordMinFree());
    }

    Timelapses timelapses() {
        return timelapses;
    }

    /**
     * Starts the RTSP server on {@code rtsp-port}, unless it is 0. A port that is taken does not stop camstream:
     * the server says so in the status and tries again.
     */
    void startRtsp(Logins logins) {
        Settings s = settings.current();
        if (s.rtspPort() == 0) {
            LOG.info("RTSP is off (rtsp-port is 0)");
            return;
        }
        try {
            rtsp = RtspServer.start(new RtspServer.Options(s.bind(), s.rtspPort(), s.rtspRtpPort(),
                    s.rtspSessionTimeout(), java.time.Duration.ofSeconds(10), () -> settings.current().viewerTimeout(),
                    Math.min(1024, 2 * s.maxViewers() + 16)), cameras, rtspAdmission(), logins);
        } catch (java.io.IOException e) {
            LOG.error("RTSP cannot start: {}", e.toString());
        }
    }

    /** The RTSP server, or null when RTSP is off. */
    RtspServer rtsp() {
        return rtsp;
    }

    /** An RTSP client takes a viewer's place, as any other, and a claim on the camera's fMP4 and sound. */
    private RtspServer.Admission rtspAdmission() {
        return new RtspServer.Admission() {
            @Override
            public Lease admit(Camera camera) {
                Lease place = viewers.place(camera);
                if (place == null) {
                    return null;
                }
                try {
                    return Lease.both(place, camera.acquireMp4());
                } catch (IllegalStateException closing) {
                    place.close();
                    return null;
                }
            }

            @Override
            public String refusal(Camera camera) {
                String refusal = viewers.refusal(camera);
                return refusal != null ? refusal : "camera " + camera.name() + " is closing";
            }
        };
    }

    /** At the bound of the writers' queue, the thread that hands a task in runs it itself. */
    private static RejectedExecutionHandler callerRunsLogged() {
        LogLimiter limiter = LogLimiter.standard();
        return (task, pool) -> {
            if (pool.isShutdown()) {
                throw new java.util.concurrent.RejectedExecutionException("camstream is stopping");
            }
            String admitted = limiter.admit("The writer pool's queue is full (" + WRITER_QUEUE
                    + " tasks): running a close or an answer on the thread that asked for it");
            if (admitted != null) {
                LOG.warn(admitted);
            }
            task.run();
        };
    }

    Settings settings() {
        return settings.current();
    }

    LiveSettings liveSettings() {
        return settings;
    }

    Cameras cameras() {
        return cameras;
    }

    Viewers viewers() {
        return viewers;
    }

    ScheduledThreadPoolExecutor executor() {
        return executor;
    }

    long uptimeMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    /**
     * Ends every viewer, stops the cameras and waits for their processes, then stops the threads. The cameras
     * close their relays first: those ffmpegs end once their input does, and their leases would keep a camera
     * running.
     */
    @Override
    public void close() {
        RtspServer server = rtsp;
        if (server != null) {
            server.close(); // first: its port is free before the application is gone
        }
        settings.close();
        viewers.close();
        cameras.close();
        recordings.close();
        timelapses.close(); // after the cameras, which end their sessions; kills a render
        writers.shutdown();
        executorThreads.stop(executor, Duration.ofSeconds(5));
        writerThreads.stop(writers, Duration.ofSeconds(2));
    }

    /** The camera of that name, or null. */
    Camera camera(String name) {
        return cameras.get(name);
    }
}
