package org.camstream.timelapse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.camstream.process.LogLimiter;
import org.camstream.process.OwnedThreads;
import org.camstream.process.Scheduler;
import org.camstream.record.RecordingStorage;
import org.camstream.record.Retention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's timelapses, for every camera: the sessions under {@code <data-dir>/timelapse}, their retention
 * ({@code timelapse-keep}, {@code timelapse-max-size}, {@code record-min-free}), the one render queue, and the one
 * thread that does all their file work. Each camera gets its {@link CameraTimelapse} from here.
 */
public final class Timelapses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Timelapses.class);
    static final Duration SWEEP_EVERY = Duration.ofSeconds(60);
    /**
     * Tasks the files thread holds at most. Each running session hands it one still at a time, each render its
     * start and its end, and the sweep one task a minute, so with a few cameras the queue stays short; a request
     * that finds it full is refused, a still is counted missed, and a timer's sweep is left to the next minute.
     */
    static final int FILES_QUEUE = 1024;
    /** How long an API call waits for the files thread to delete a session. */
    static final long DELETE_WAIT_MILLIS = 10_000;

    /** The disk's side, for the status. */
    public record Disk(Path directory, int sessions, int running, long totalBytes, Map<String, Long> bytesByCamera,
            long freeBytes, Instant lastSweepAt, int lastSweepSessionsDeleted, long lastSweepStillsDeleted,
            String lastSweepError, long deletedEver, String rendering, int rendersWaiting) {
    }

    /** What came of a deletion. */
    public enum Deletion {
        DELETED, RUNNING, RENDERING, BUSY
    }

    private final TimelapseCatalog catalog;
    private final Scheduler scheduler;
    private final Executor files;
    private final ThreadPoolExecutor ownFiles;
    private final OwnedThreads ownThreads;
    private final ZoneId zone;
    private final RenderQueue renders;
    private final TimelapseRetention retention;
    private final Supplier<Retention.Limits> limits;
    private final LogLimiter warnings = LogLimiter.standard();
    private volatile boolean closed;
    private volatile Scheduler.Task sweeps;

    /**
     * @param files the files thread: runs one task at a time, in order
     * @param launcher runs a render's ffmpeg; null for the real one
     */
    Timelapses(Path dataDir, RecordingStorage storage, Supplier<Retention.Limits> limits, Scheduler scheduler,
            Executor files, ZoneId zone, LongSupplier nanoTime, RenderQueue.Launcher launcher) {
        this(dataDir, storage, limits, scheduler, files, null, null, zone, nanoTime, launcher);
    }

    private Timelapses(Path dataDir, RecordingStorage storage, Supplier<Retention.Limits> limits, Scheduler scheduler,
            Executor files, ThreadPoolExecutor ownFiles, OwnedThreads ownThreads, ZoneId zone, LongSupplier nanoTime,
            RenderQueue.Launcher launcher) {
        this.catalog = new TimelapseCatalog(dataDir.resolve(TimelapseCatalog.DIRECTORY));
        this.scheduler = scheduler;
        this.files = files;
        this.ownFiles = ownFiles;
        this.ownThreads = ownThreads;
        this.zone = zone;
        this.limits = limits;
        this.renders = new RenderQueue(files, storage, launcher != null ? launcher
                : (command, stills, frames) -> RenderProcess.start(command, stills, frames, scheduler), scheduler::now);
        this.retention = new TimelapseRetention(catalog, storage, limits, scheduler::now, renders::busy);
        SessionContext context = new SessionContext(scheduler, files, storage, nanoTime, new SessionContext.Room() {
            @Override
            public String beforeWrite() {
                return room();
            }

            @Override
            public void afterWrite() {
                if (retention.overSize()) {
                    sweep();
                }
            }
        });
        this.context = context;
        catalog.load(context, storage, zone);
        scheduleSweep();
    }

    private final SessionContext context;

    /** The server's: its own files thread, the real ffmpeg, the system's clocks and zone. */
    public static Timelapses start(Path dataDir, RecordingStorage storage, Supplier<Retention.Limits> limits,
            ScheduledExecutorService executor) {
        OwnedThreads threads = new OwnedThreads("camstream-timelapse");
        ThreadPoolExecutor thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
                new LinkedBlockingQueue<>(FILES_QUEUE), threads);
        return new Timelapses(dataDir, storage, limits, Scheduler.on(executor), thread, thread, threads,
                ZoneId.systemDefault(), System::nanoTime, null);
    }

    /** The timelapse of a camera; its continuous session, if its setting asks for one, begins at once. */
    public CameraTimelapse camera(String name, Supplier<Duration> interval, StillSource source) {
        CameraTimelapse timelapse = new CameraTimelapse(name, interval, source, this, scheduler, zone);
        timelapse.apply();
        return timelapse;
    }

    /** A new session of the API, named after now; not begun. */
    TimelapseSession newSession(String camera, Duration interval) {
        while (true) {
            Instant now = scheduler.now();
            String id = SessionIds.manual(now, zone, name -> catalog.has(camera, name));
            if (id == null) {
                throw new IllegalStateException("too many timelapse sessions of camera " + camera
                        + " started within one second");
            }
            TimelapseSession session = new TimelapseSession(context, camera, id, catalog.dir(camera, id), now, interval);
            if (catalog.add(session)) {
                return session;
            }
        }
    }

    /** The continuous session of that name: the one found from before, to go on with, or a new one; not begun. */
    TimelapseSession continuousSession(String camera, String id, Duration interval) {
        while (true) {
            TimelapseSession existing = catalog.get(camera, id);
            if (existing != null && !existing.deleted()) {
                return existing;
            }
            TimelapseSession session = new TimelapseSession(context, camera, id, catalog.dir(camera, id),
                    scheduler.now(), interval);
            if (catalog.add(session)) {
                return session;
            }
        }
    }

    /** A camera's sessions, newest first. */
    public List<TimelapseSession.Snapshot> sessions(String camera) {
        return catalog.of(camera);
    }

    /** A session, or null when there is none of that name; names that are not session names find nothing. */
    public TimelapseSession session(String camera, String id) {
        if (!SessionIds.validCamera(camera) || !SessionIds.valid(id)) {
            return null;
        }
        return catalog.get(camera, id);
    }

    public RenderQueue renders() {
        return renders;
    }

    /** Deletes a session that has ended, and its render if one waits; on the files thread, waiting for it. */
    public Deletion delete(TimelapseSession session) {
        CompletableFuture<Deletion> done = new CompletableFuture<>();
        try {
            files.execute(() -> done.complete(deleteNow(session)));
        } catch (RejectedExecutionException e) {
            return Deletion.BUSY;
        }
        try {
            return done.get(DELETE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            return Deletion.BUSY;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Deletion.BUSY;
        }
    }

    /** On the files thread. */
    Deletion deleteNow(TimelapseSession session) {
        if (session.running()) {
            return Deletion.RUNNING;
        }
        if (!renders.forget(session)) {
            return Deletion.RENDERING;
        }
        try {
            if (!retention.delete(session)) {
                return Deletion.RUNNING;
            }
        } catch (IOException e) {
            LOG.warn("Cannot delete every file of the timelapse session {}: {}", session, e.toString());
        }
        LOG.info("Timelapse {}: deleted", session);
        return Deletion.DELETED;
    }

    /** Null when a still may be written; else why not. Runs a sweep when the disk is under the floor. */
    private String room() {
        long min = limits.get().minFree();
        long free = retention.free();
        if (free < 0 || free >= min) {
            return null;
        }
        sweep();
        free = retention.free();
        if (free < 0 || free >= min) {
            return null;
        }
        return "only " + free / (1024 * 1024) + " MB free on the disk, under record-min-free (" + min / (1024 * 1024)
                + " MB), and no timelapse still is left to delete";
    }

    private void sweep() {
        try {
            retention.sweep();
        } catch (RuntimeException e) {
            LOG.warn("The timelapse sweep failed", e);
        }
    }

    /** The sweep of age, once a minute, on the files thread; the next is set once this one has run. */
    private void scheduleSweep() {
        if (closed) {
            return;
        }
        sweeps = scheduler.schedule(SWEEP_EVERY, () -> {
            try {
                files.execute(() -> {
                    sweep();
                    scheduleSweep();
                });
            } catch (RejectedExecutionException e) {
                if (!closed) {
                    String admitted = warnings.admit("The timelapse thread is behind: the sweep waits a minute");
                    if (admitted != null) {
                        LOG.warn(admitted);
                    }
                    scheduleSweep();
                }
            }
        });
    }

    /** Runs one sweep now, on the calling thread: for tests. */
    TimelapseRetention.Report sweepNow() {
        return retention.sweep();
    }

    public Disk disk() {
        int running = 0;
        for (TimelapseSession session : catalog.all()) {
            running += session.running() ? 1 : 0;
        }
        TimelapseRetention.Report last = retention.last();
        return new Disk(catalog.root(), catalog.size(), running, catalog.totalBytes(), catalog.bytesByCamera(),
                retention.free(), last == null ? null : last.at(), last == null ? 0 : last.sessionsDeleted(),
                last == null ? 0 : last.stillsDeleted(), last == null ? null : last.lastError(),
                retention.deletedEver(), renders.rendering(), renders.waitingCount());
    }

    /**
     * Stops the sweeps and the render (killed, its partial file deleted), then lets the files thread finish what it
     * was handed (the sessions' last metadata) for a few seconds. The cameras end their sessions before this.
     */
    @Override
    public void close() {
        closed = true;
        Scheduler.Task task = sweeps;
        if (task != null) {
            task.cancel();
        }
        renders.close();
        if (ownFiles != null) {
            ownThreads.stop(ownFiles, Duration.ofSeconds(5));
        }
    }
}
