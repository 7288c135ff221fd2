package org.camstream.timelapse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;
import java.util.function.Supplier;
import org.camstream.record.RecordingStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders sessions to MP4, one ffmpeg at a time for the whole server and never more: a render is CPU-heavy on a
 * Raspberry Pi, and two would only both be slow while the cameras starve. Up to {@value #MAX_WAITING} more wait
 * in order; one more is refused ({@link Submitted#accepted} false), and the caller says 503. A render writes
 * {@code video.mp4.part} in the session's directory and, only once ffmpeg has succeeded, renames it over
 * {@code video.mp4}, so a video is always whole. A cancel kills ffmpeg and deletes the partial file; the next
 * render starts only once the killed one has ended. ffmpeg reads the stills from the server, never from the disk
 * by itself ({@link RenderCommand}), so that a render never outlives the server, not even one killed with SIGKILL.
 *
 * <p>Threads: the decisions are made under this object's lock; launching ffmpeg, the renames and deletions, and
 * the start of the next render run on the files thread, and killing a process or logging happens after the lock
 * is let go. Outcomes (done, failed, cancelled) are remembered for the {@value #MAX_OUTCOMES} sessions rendered
 * last; an older session's state is read from its files.
 */
public final class RenderQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RenderQueue.class);
    /** Renders waiting behind the one that runs, at most; one more is refused. */
    public static final int MAX_WAITING = 8;
    static final int MAX_OUTCOMES = 256;
    /** How long {@link #close} waits for a killed ffmpeg to end. */
    static final long CLOSE_WAIT_MILLIS = 5_000;

    public enum State {
        NONE, QUEUED, RENDERING, DONE, FAILED, CANCELLED;

        public String id() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * A session's render.
     *
     * @param progress 0 to 1: the frames ffmpeg has written of the stills it renders
     * @param queuePosition 1 for the next to run, while queued; 0 otherwise
     * @param frames the stills it renders (or rendered)
     */
    public record Status(State state, double progress, int queuePosition, int fps, long frames, String error,
            Instant at) {
    }

    /** What came of a render request: its status, or refused when the queue is full. */
    public record Submitted(Status status, boolean accepted, boolean already) {
    }

    /** Starts ffmpeg. */
    interface Launcher {
        /**
         * @param stills what to feed to ffmpeg's standard input, in order, and then close it
         * @param frames to be told the frames written so far
         */
        Run start(List<String> command, RenderCommand.Stills stills, LongConsumer frames) throws IOException;
    }

    /** A render's process. */
    interface Run {
        /** Completes once the process has ended and its output is read: null when it succeeded, else why not. */
        CompletableFuture<String> failure();

        void kill();
    }

    private static final class Job {
        final TimelapseSession session;
        final String key;
        final int fps;
        volatile long framesDone;
        // Guarded by the queue's lock.
        long frames;
        boolean cancelled;
        Run run;

        Job(TimelapseSession session, int fps) {
            this.session = session;
            this.key = TimelapseCatalog.key(session.camera(), session.id());
            this.fps = fps;
        }

        Path partial() {
            return session.dir().resolve(SessionFiles.PARTIAL);
        }
    }

    private final Executor files;
    private final RecordingStorage storage;
    private final Launcher launcher;
    private final Supplier<Instant> clock;

    // Guarded by this.
    private final ArrayDeque<Job> waiting = new ArrayDeque<>();
    private Job current;
    private boolean closed;
    private final Map<String, Status> outcomes = new LinkedHashMap<>(16, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Status> eldest) {
            return size() > MAX_OUTCOMES;
        }
    };

    /** @param files the files thread: one task at a time, in order */
    RenderQueue(Executor files, RecordingStorage storage, Launcher launcher, Supplier<Instant> clock) {
        this.files = files;
        this.storage = storage;
        this.launcher = launcher;
        this.clock = clock;
    }

    /**
     * Asks for a render of {@code session} at {@code fps}. A session already waiting or rendering is answered
     * with that render ({@link Submitted#already}); a full queue refuses.
     */
    public Submitted submit(TimelapseSession session, int fps) {
        Job job = new Job(session, fps);
        boolean startNow;
        Status status;
        synchronized (this) {
            Status existing = waitingOrRunning(job.key);
            if (existing != null) {
                return new Submitted(existing, true, true);
            }
            if (closed || waiting.size() >= MAX_WAITING) {
                return new Submitted(null, false, false);
            }
            outcomes.remove(job.key);
            startNow = current == null;
            if (startNow) {
                current = job;
            } else {
                waiting.addLast(job);
            }
            status = statusLocked(job.key);
        }
        if (startNow && !offer(() -> launch(job))) {
            synchronized (this) {
                if (current == job) {
                    current = null;
                }
            }
            return new Submitted(null, false, false); // the files thread is behind, or the server stops
        }
        return new Submitted(status, true, false);
    }

    /** Cancels a session's render, waiting or running: its status after, or null when it had none to cancel. */
    public Status cancel(TimelapseSession session) {
        String key = TimelapseCatalog.key(session.camera(), session.id());
        Run kill = null;
        Status status;
        synchronized (this) {
            Job queued = findWaiting(key);
            if (queued != null) {
                waiting.remove(queued);
                outcomes.put(key, new Status(State.CANCELLED, 0, 0, queued.fps, 0, null, clock.get()));
            } else if (current != null && current.key.equals(key) && !current.cancelled) {
                current.cancelled = true;
                kill = current.run; // null while it is being launched: the launch sees the cancel
            } else {
                return null;
            }
            status = statusLocked(key);
        }
        if (kill != null) {
            kill.kill();
        }
        LOG.info("Timelapse {}: render cancelled", key);
        return status;
    }

    /** The render of a session: null when the queue knows of none (then its files tell: a video, or nothing). */
    public synchronized Status status(TimelapseSession session) {
        return statusLocked(TimelapseCatalog.key(session.camera(), session.id()));
    }

    /** Whether ffmpeg is working on this session's stills now (or still ending after a cancel). */
    synchronized boolean busy(TimelapseSession session) {
        return current != null && current.session == session;
    }

    /** Forgets a session that is being deleted: a waiting render of it is dropped. False if it is rendering. */
    synchronized boolean forget(TimelapseSession session) {
        if (current != null && current.session == session) {
            return false;
        }
        String key = TimelapseCatalog.key(session.camera(), session.id());
        Job queued = findWaiting(key);
        if (queued != null) {
            waiting.remove(queued);
        }
        outcomes.remove(key);
        return true;
    }

    /** The session rendering now, and how many wait. */
    public synchronized String rendering() {
        return current == null ? null : current.key;
    }

    public synchronized int waitingCount() {
        return waiting.size();
    }

    // Lock held.
    private Status waitingOrRunning(String key) {
        if (findWaiting(key) != null || (current != null && current.key.equals(key) && !current.cancelled)) {
            return statusLocked(key);
        }
        return null;
    }

    // Lock held.
    private Job findWaiting(String key) {
        for (Job job : waiting) {
            if (job.key.equals(key)) {
                return job;
            }
        }
        return null;
    }

    // Lock held.
    private Status statusLocked(String key) {
        int position = 1;
        for (Iterator<Job> it = waiting.iterator(); it.hasNext(); position++) {
            Job job = it.next();
            if (job.key.equals(key)) {
                return new Status(State.QUEUED, 0, position, job.fps, 0, null, null);
            }
        }
        if (current != null && current.key.equals(key)) {
            long frames = current.frames;
            double progress = frames <= 0 ? 0 : Math.min(1.0, (double) current.framesDone / frames);
            return new Status(current.cancelled ? State.CANCELLED : State.RENDERING, progress, 0, current.fps, frames,
                    null, null);
        }
        return outcomes.get(key);
    }

    /** On the files thread: starts ffmpeg for the job that now holds the one place. */
    private void launch(Job job) {
        TimelapseSession.Snapshot s = job.session.snapshot();
        if (job.session.deleted()) {
            ended(job, "the session was deleted", false);
            return;
        }
        if (s.stills() == 0) {
            ended(job, "the session has no stills to render", false);
            return;
        }
        Run run;
        try {
            storage.delete(job.partial());
            int[] size = RenderCommand.jpegSize(job.session.still(s.firstStill()));
            // Exactly the stills there are now; the ones taken while it renders wait for the next render.
            RenderCommand.Stills stills = new RenderCommand.Stills(job.session.dir(), s.firstStill(), s.stills());
            List<String> command = RenderCommand.of(s.stills(), job.fps, size, job.partial());
            synchronized (this) {
                job.frames = s.stills();
            }
            run = launcher.start(command, stills, frames -> job.framesDone = frames);
        } catch (IOException | RuntimeException e) {
            ended(job, "ffmpeg could not be started: " + e.getMessage(), false);
            return;
        }
        boolean killNow;
        synchronized (this) {
            job.run = run;
            killNow = job.cancelled || closed;
        }
        LOG.info("Timelapse {}: rendering {} stills at {} fps", job.key, s.stills(), job.fps);
        if (killNow) {
            run.kill();
        }
        run.failure().whenComplete((failure, error) -> {
            String why = error != null ? "ffmpeg could not be watched: " + error : failure;
            if (!offer(() -> ended(job, why, true))) {
                ended(job, why, true); // the files thread refused: here, so that the queue goes on
            }
        });
    }

    private boolean offer(Runnable task) {
        try {
            files.execute(task);
            return true;
        } catch (java.util.concurrent.RejectedExecutionException e) {
            return false;
        }
    }

    /** On the files thread: the job's ffmpeg has ended (or never started); its outcome, and the next job. */
    private void ended(Job job, String failure, boolean ran) {
        boolean cancelled;
        long frames;
        synchronized (this) {
            cancelled = job.cancelled;
            frames = job.frames;
        }
        State state;
        String error = null;
        if (cancelled) {
            SessionFiles.deleteQuietly(storage, job.partial());
            state = State.CANCELLED;
        } else if (failure == null && ran) {
            try {
                SessionFiles.moveIntoPlace(job.partial(), job.session.video());
                job.session.rendered((int) frames, job.fps, Files.size(job.session.video()));
                state = State.DONE;
            } catch (IOException e) {
                SessionFiles.deleteQuietly(storage, job.partial());
                state = State.FAILED;
                error = "the video could not be put in place: " + e.getMessage();
            }
        } else {
            SessionFiles.deleteQuietly(storage, job.partial());
            state = State.FAILED;
            error = failure == null ? "ffmpeg did not run" : failure;
        }
        if (state == State.FAILED) {
            LOG.warn("Timelapse {}: the render failed: {}", job.key, error);
        } else if (state == State.DONE) {
            LOG.info("Timelapse {}: rendered {}", job.key, job.session.video());
        } else if (ran) {
            LOG.info("Timelapse {}: the cancelled render has ended", job.key);
        }
        Job next;
        synchronized (this) {
            outcomes.put(job.key, new Status(state, state == State.DONE ? 1.0 : Math.min(1.0,
                    frames <= 0 ? 0 : (double) job.framesDone / frames), 0, job.fps, frames, error, clock.get()));
            if (current != job) {
                return;
            }
            current = closed ? null : waiting.pollFirst();
            next = current;
        }
        if (next != null) {
            launch(next);
        }
    }

    /** Kills the render that runs and waits a few seconds for it to end; drops the waiting ones. */
    @Override
    public void close() {
        Job running;
        Run run;
        synchronized (this) {
            closed = true;
            waiting.clear();
            running = current;
            run = running == null ? null : running.run;
            if (running != null) {
                running.cancelled = true;
            }
        }
        if (run == null) {
            return;
        }
        run.kill();
        try {
            run.failure().get(CLOSE_WAIT_MILLIS, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            LOG.warn("The timelapse render did not end within {} s of its kill", CLOSE_WAIT_MILLIS / 1000);
        } catch (ExecutionException e) {
            // ended either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        SessionFiles.deleteQuietly(storage, running.partial());
    }
}
