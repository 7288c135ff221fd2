package org.camstream.timelapse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.camstream.process.Lease;
import org.camstream.process.LogLimiter;
import org.camstream.process.Scheduler;
import org.camstream.stream.Frame;
import org.camstream.stream.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One timelapse session: a directory of numbered stills, and while it runs, the one scheduled task that takes
 * the next. Every interval it claims the camera's JPEG pictures, waits for the next live one (at most
 * {@link #PICTURE_WAIT}), writes it as the next number and lets go of the claim; a camera that delivers none, or
 * a disk that takes none, makes a missed still, with the reason in {@code lastError}, and the session tries again
 * at the next interval. It never gives up on its own and never takes the server down.
 *
 * <p>Timing: the stills are due on a grid, the session's start plus whole intervals, so they do not drift. One
 * still is taken at a time: when one waits past the next slot (a camera that is starting), the next still is due
 * at the first slot after it is done, and the slots in between are passed over, not counted as missed. A wall
 * clock that steps back starts the grid again from the present; one that steps forward only moves to the next
 * slot; no wait is ever longer than one interval.
 *
 * <p>Threads: the timer runs on the scheduler and only hands on; a still's setup, its end and its write run on
 * the files thread. The session's lock guards its fields, an attempt's lock what the attempt holds; nothing is
 * called out under either.
 */
public final class TimelapseSession {

    private static final Logger LOG = LoggerFactory.getLogger(TimelapseSession.class);
    /** How long a still waits for a live picture, enough for an idle camera and its transcoder to start. */
    static final Duration PICTURE_WAIT = Duration.ofSeconds(5);
    /** How often a running session's metadata is written when nothing else changed: its counts, for a crash. */
    static final Duration META_EVERY = Duration.ofSeconds(60);

    /** A session as it is at one moment, for the API, the status and the retention. */
    public record Snapshot(String camera, String id, Instant start, Instant end, boolean running, boolean continuous,
            Duration interval, long firstStill, long stills, long missed, long stillBytes, long videoBytes,
            int videoFrames, int videoFps, Instant renderedAt, String lastError, Instant lastErrorAt,
            Instant lastStillAt, String endedBy) {

        /** What the session takes on disk: its stills and its video. */
        public long bytes() {
            return stillBytes + videoBytes;
        }

        /** The number of the newest still; 0 when there is none. */
        public long lastStill() {
            return stills == 0 ? 0 : firstStill + stills - 1;
        }
    }

    /**
     * One still being taken: the claim, the subscription and the timer. {@link #release} lets go of all three
     * once, whichever comes first, the picture, the timeout or the end of the session; what is handed in after
     * that is let go of at once.
     */
    private static final class Attempt {
        final long token;
        final long afterNanos;
        final StillSource source;
        final CompletableFuture<Frame> picture = new CompletableFuture<>();
        volatile String failure;
        // Guarded by this attempt.
        private Lease lease;
        private Subscriber<Frame> subscriber;
        private Scheduler.Task timeout;
        private boolean released;

        Attempt(long token, long afterNanos, StillSource source) {
            this.token = token;
            this.afterNanos = afterNanos;
            this.source = source;
        }

        synchronized boolean hold(Lease claim) {
            if (released) {
                return false;
            }
            lease = claim;
            return true;
        }

        synchronized boolean hold(Subscriber<Frame> waiter) {
            if (released) {
                return false;
            }
            subscriber = waiter;
            return true;
        }

        synchronized boolean hold(Scheduler.Task timer) {
            if (released) {
                return false;
            }
            timeout = timer;
            return true;
        }

        /** Lets go of what it holds, after taking it out under its lock. */
        void release() {
            Lease claim;
            Subscriber<Frame> waiter;
            Scheduler.Task timer;
            synchronized (this) {
                released = true;
                claim = lease;
                waiter = subscriber;
                timer = timeout;
                lease = null;
                subscriber = null;
                timeout = null;
            }
            if (waiter != null) {
                source.pictures().unsubscribe(waiter);
            }
            if (timer != null) {
                timer.cancel();
            }
            close(claim);
        }

        static void close(Lease claim) {
            if (claim == null) {
                return;
            }
            try {
                claim.close();
            } catch (RuntimeException e) {
                LOG.warn("Letting go of the camera after a timelapse still failed", e);
            }
        }
    }

    private final SessionContext context;
    private final String camera;
    private final String id;
    private final boolean continuous;
    private final Path dir;
    private final Instant start;
    private final LogLimiter warnings = LogLimiter.standard();

    // Guarded by this.
    private Instant end;
    private String endedBy;
    private Duration interval;
    private long first = 1;
    private long next = 1;
    private long stillBytes;
    private long videoBytes;
    private int videoFrames;
    private int videoFps;
    private Instant renderedAt;
    private long missed;
    private String lastError;
    private Instant lastErrorAt;
    private Instant lastStillAt;
    private boolean running;
    private boolean deleted;
    private StillSource source;
    /** Counts begins, ends and restarts of the grid: a timer or a still of an older one is ignored. */
    private long token;
    private Scheduler.Task pendingTick;
    private Attempt attempt;
    private Instant origin;
    private long lastCaptureNanos = Long.MIN_VALUE;
    private Instant metaWrittenAt;
    private boolean metaDirty;

    TimelapseSession(SessionContext context, String camera, String id, Path dir, Instant start, Duration interval) {
        this.context = context;
        this.camera = camera;
        this.id = id;
        this.continuous = SessionIds.isContinuous(id);
        this.dir = dir;
        this.start = start;
        this.interval = interval;
    }

    /**
     * A session found on the disk, as its metadata and its files say. One that was running when the server went
     * away without ending it is ended when its last still was taken.
     */
    static TimelapseSession restore(SessionContext context, String camera, String id, Path dir,
            Map<String, Object> meta, SessionFiles.Scan scan, Instant fallbackStart) {
        Instant start = meta == null ? null : instant(meta.get("start"));
        Duration interval = meta == null ? null : seconds(meta.get("interval"));
        TimelapseSession session = new TimelapseSession(context, camera, id, dir,
                start == null ? fallbackStart : start, interval == null ? Duration.ofSeconds(10) : interval);
        synchronized (session) {
            session.first = scan.first();
            session.next = scan.next();
            session.stillBytes = scan.stillBytes();
            session.videoBytes = scan.videoBytes();
            session.lastStillAt = scan.lastStillAt();
            if (meta != null) {
                session.end = instant(meta.get("end"));
                session.endedBy = meta.get("endedBy") instanceof String s ? s : null;
                session.missed = meta.get("missed") instanceof Number n ? n.longValue() : 0;
                session.lastError = meta.get("lastError") instanceof String s ? s : null;
                session.lastErrorAt = instant(meta.get("lastErrorAt"));
                if (meta.get("video") instanceof Map<?, ?> video && scan.videoBytes() > 0) {
                    session.videoFrames = video.get("frames") instanceof Number n ? n.intValue() : 0;
                    session.videoFps = video.get("fps") instanceof Number n ? n.intValue() : 0;
                    session.renderedAt = instant(video.get("at"));
                }
            }
            if (session.end == null) {
                Instant last = scan.lastStillAt();
                session.end = last != null && last.isAfter(session.start) ? last : session.start;
                session.endedBy = "ended when the server stopped without ending it";
                session.metaDirty = true;
            }
        }
        return session;
    }

    public String camera() {
        return camera;
    }

    public String id() {
        return id;
    }

    public boolean continuous() {
        return continuous;
    }

    Path dir() {
        return dir;
    }

    /** The file of still {@code n}, whether it exists or not. */
    public Path still(long n) {
        return SessionFiles.still(dir, n);
    }

    /** The rendered video, whether it exists or not. */
    public Path video() {
        return dir.resolve(SessionFiles.VIDEO);
    }

    public synchronized boolean running() {
        return running;
    }

    public synchronized Snapshot snapshot() {
        return new Snapshot(camera, id, start, end, running, continuous, interval, first, next - first, missed,
                stillBytes, videoBytes, videoFrames, videoFps, renderedAt, lastError, lastErrorAt, lastStillAt,
                endedBy);
    }

    /**
     * Starts taking stills, the first at once; a continuous session found from before goes on with its numbers.
     * False when it runs already or was deleted.
     */
    boolean begin(StillSource from, Duration every) {
        long t;
        synchronized (this) {
            if (running || deleted) {
                return false;
            }
            running = true;
            end = null;
            endedBy = null;
            source = from;
            interval = every;
            origin = context.scheduler().now();
            lastCaptureNanos = Long.MIN_VALUE;
            metaDirty = true;
            t = ++token;
        }
        LOG.info("Timelapse {}/{}: taking a still every {} s", camera, id, every.toMillis() / 1000.0);
        context.offer(this::writeMeta); // refused: the next still's end writes it
        scheduleTick(t, Duration.ZERO);
        return true;
    }

    /** Ends the session: no still after this one, and one being waited for is given up. False if it was not running. */
    boolean end(String why) {
        Scheduler.Task pending;
        Attempt waiting;
        synchronized (this) {
            if (!running) {
                return false;
            }
            running = false;
            end = context.scheduler().now();
            endedBy = why;
            token++;
            pending = pendingTick;
            pendingTick = null;
            waiting = attempt;
            metaDirty = true;
        }
        if (pending != null) {
            pending.cancel();
        }
        if (waiting != null) {
            waiting.picture.complete(null); // its end lets go of the claim, on the files thread
        }
        LOG.info("Timelapse {}/{}: ended ({})", camera, id, why);
        if (!context.offer(this::writeMeta)) {
            writeMeta(); // the server stops: the end is written all the same
        }
        return true;
    }

    /** A new interval for a running session: the grid starts again now, with a still at once when none is waiting. */
    void setInterval(Duration every) {
        Scheduler.Task pending;
        long t;
        synchronized (this) {
            if (!running || interval.equals(every)) {
                return;
            }
            interval = every;
            origin = context.scheduler().now();
            metaDirty = true;
            pending = pendingTick;
            if (pending == null) {
                return; // a still is being taken: its end schedules the next on the new grid
            }
            pendingTick = null;
            t = ++token;
        }
        pending.cancel();
        scheduleTick(t, Duration.ZERO);
    }

    /** Sets the timer of the next still, without the lock; one that is stale by then is called off. */
    private void scheduleTick(long t, Duration delay) {
        Scheduler.Task task = context.scheduler().schedule(delay, () -> tick(t));
        boolean stale;
        synchronized (this) {
            stale = !running || t != token;
            if (!stale) {
                pendingTick = task;
            }
        }
        if (stale) {
            task.cancel();
        }
    }

    /** On the scheduler: hands the still to the files thread, which does the rest. */
    private void tick(long t) {
        synchronized (this) {
            if (!running || t != token) {
                return;
            }
            pendingTick = null;
        }
        if (!context.offer(() -> takeStill(t))) {
            missedBehind(t);
        }
    }

    /** The files thread refused the still: it is counted missed, and the next is due at the next slot. */
    private void missedBehind(long t) {
        Duration delay;
        synchronized (this) {
            if (!running || t != token) {
                return;
            }
            missed++;
            lastError = "the timelapse thread is behind; the still was not taken";
            lastErrorAt = context.scheduler().now();
            delay = untilNextSlot(lastErrorAt);
        }
        scheduleTick(t, delay);
    }

    /** On the files thread: claims the pictures and waits for a live one, without blocking. */
    private void takeStill(long t) {
        Attempt a;
        synchronized (this) {
            if (!running || t != token || attempt != null) {
                return;
            }
            a = new Attempt(t, lastCaptureNanos, source);
            attempt = a;
        }
        // The end is queued on the files thread, behind this task; should the thread refuse it, it runs here.
        a.picture.whenComplete((frame, error) -> {
            if (!context.offer(() -> finish(a, frame))) {
                finish(a, null);
            }
        });
        StillSource from = a.source;
        Lease lease;
        try {
            lease = from.lease().get();
        } catch (RuntimeException e) {
            a.failure = "the camera could not be started: " + e.getMessage();
            a.picture.complete(null);
            return;
        }
        if (!a.hold(lease)) {
            Attempt.close(lease);
            return;
        }
        Subscriber<Frame> waiter = frame -> {
            if (live(frame, a.afterNanos, from)) {
                a.picture.complete(frame);
            }
        };
        if (!a.hold(waiter)) {
            return;
        }
        from.pictures().subscribe(waiter);
        if (a.picture.isDone()) {
            a.release(); // it may have ended before the subscription was in: let go of it again
            return;
        }
        Scheduler.Task timer = context.scheduler().schedule(PICTURE_WAIT, () -> a.picture.complete(null));
        if (!a.hold(timer)) {
            timer.cancel();
        }
    }

    /** A picture taken after the last still, and recently enough to be live. */
    private boolean live(Frame frame, long afterNanos, StillSource from) {
        if (frame == null) {
            return false;
        }
        boolean first = afterNanos == Long.MIN_VALUE;
        if (!first && frame.captureNanos() - afterNanos <= 0) {
            return false; // the picture of the last still, or an older one
        }
        return context.nanoTime().getAsLong() - frame.captureNanos() <= from.liveWindowNanos().getAsLong();
    }

    /** On the files thread: lets go of the camera, writes the still or counts it missed, sets the next timer. */
    private void finish(Attempt a, Frame frame) {
        a.release();
        long number;
        synchronized (this) {
            if (attempt != a) {
                return;
            }
            attempt = null;
            if (!running || a.token != token) {
                return; // ended meanwhile: the still is not wanted
            }
            number = next;
        }
        String error = null;
        if (frame == null) {
            error = a.failure != null ? a.failure : "no live picture within " + PICTURE_WAIT.toSeconds()
                    + " s (" + trouble(a.source) + ")";
        } else {
            error = context.room().beforeWrite();
            if (error == null) {
                try {
                    SessionFiles.writeStill(context.storage(), still(number), frame);
                } catch (IOException | RuntimeException e) {
                    error = "cannot write still " + number + ": " + e.getMessage();
                }
            }
        }
        Instant now = context.scheduler().now();
        boolean schedule;
        long t;
        Duration delay = null;
        boolean writeMeta;
        synchronized (this) {
            if (error == null) {
                next = number + 1;
                stillBytes += frame.size();
                lastStillAt = now;
                lastCaptureNanos = frame.captureNanos();
            } else {
                missed++;
                metaDirty |= !error.equals(lastError);
                lastError = error;
                lastErrorAt = now;
            }
            schedule = running && a.token == token;
            t = token;
            if (schedule) {
                delay = untilNextSlot(now);
            }
            writeMeta = metaDirty || metaWrittenAt == null
                    || !now.isBefore(metaWrittenAt.plus(META_EVERY)) || now.isBefore(metaWrittenAt);
        }
        if (error != null) {
            String admitted = warnings.admit("Timelapse " + camera + "/" + id + ": still missed: " + error);
            if (admitted != null) {
                LOG.warn(admitted);
            }
        } else {
            context.room().afterWrite();
        }
        if (writeMeta) {
            writeMeta();
        }
        if (schedule) {
            scheduleTick(t, delay);
        }
    }

    // Lock held. The next slot of the grid after now: more than 0 and at most one interval away.
    private Duration untilNextSlot(Instant now) {
        long step = Math.max(1, interval.toNanos());
        long elapsed = Duration.between(origin, now).toNanos();
        if (elapsed < 0) {
            origin = now; // the wall clock stepped back: the grid starts again from here
            elapsed = 0;
        }
        long slots = elapsed / step + 1;
        long due = Math.multiplyExact(slots, step);
        return Duration.ofNanos(due - elapsed);
    }

    private static String trouble(StillSource from) {
        try {
            return from.trouble().get();
        } catch (RuntimeException e) {
            return "the camera's state is unknown";
        }
    }

    /** The video was rendered: its frames, rate and size are part of the session from now on. */
    void rendered(int frames, int fps, long bytes) {
        synchronized (this) {
            videoFrames = frames;
            videoFps = fps;
            videoBytes = bytes;
            renderedAt = context.scheduler().now();
            metaDirty = true;
        }
        writeMeta();
    }

    /** The oldest still, if the session has more than one: what the retention may take from a running session. */
    synchronized long trimmable() {
        return next - first > 1 ? first : -1;
    }

    /** Still {@code n}, of {@code bytes}, was deleted to make room. */
    synchronized void trimmed(long n, long bytes) {
        if (n == first && next - first > 1) {
            first++;
            stillBytes = Math.max(0, stillBytes - bytes);
            metaDirty = true;
        }
    }

    /** Whether it may be deleted: not while it runs. Once marked, it never runs again. */
    synchronized boolean markDeleted() {
        if (running) {
            return false;
        }
        deleted = true;
        return true;
    }

    synchronized boolean deleted() {
        return deleted;
    }

    /** Writes the metadata; on the files thread, or before the session is shared. */
    void writeMeta() {
        Map<String, Object> meta;
        Instant now;
        synchronized (this) {
            if (deleted) {
                return;
            }
            meta = metaLocked();
            now = context.scheduler().now();
            metaDirty = false;
            metaWrittenAt = now;
        }
        try {
            SessionFiles.writeMeta(context.storage(), dir, meta);
        } catch (IOException | RuntimeException e) {
            synchronized (this) {
                metaDirty = true;
            }
            String admitted = warnings.admit("Timelapse " + camera + "/" + id + ": cannot write " + SessionFiles.META
                    + ": " + e.getMessage());
            if (admitted != null) {
                LOG.warn(admitted);
            }
        }
    }

    /** Whether the metadata has changes not yet written. */
    synchronized boolean metaDirty() {
        return metaDirty;
    }

    // Lock held.
    private Map<String, Object> metaLocked() {
        Map<String, Object> meta = new LinkedHashMap<>();
        meta.put("version", 1);
        meta.put("camera", camera);
        meta.put("id", id);
        meta.put("continuous", continuous);
        meta.put("start", start.toString());
        meta.put("end", end == null ? null : end.toString());
        meta.put("endedBy", endedBy);
        meta.put("interval", interval.toNanos() / 1e9);
        meta.put("missed", missed);
        meta.put("lastError", lastError);
        meta.put("lastErrorAt", lastErrorAt == null ? null : lastErrorAt.toString());
        if (renderedAt != null) {
            Map<String, Object> video = new LinkedHashMap<>();
            video.put("frames", videoFrames);
            video.put("fps", videoFps);
            video.put("at", renderedAt.toString());
            meta.put("video", video);
        }
        return meta;
    }

    private static Instant instant(Object value) {
        if (!(value instanceof String text)) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (java.time.format.DateTimeParseException e) {
            return null;
        }
    }

    private static Duration seconds(Object value) {
        if (!(value instanceof Number n) || !(n.doubleValue() > 0) || n.doubleValue() > 86_400) {
            return null;
        }
        return Duration.ofNanos(Math.round(n.doubleValue() * 1e9));
    }

    @Override
    public String toString() {
        return camera + "/" + id;
    }
}
