package org.camstream.timelapse;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import java.util.function.Supplier;
import org.camstream.record.RecordingStorage;
import org.camstream.record.Retention;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the timelapse sessions within their bounds, as {@link Retention} keeps the recordings: first by age
 * ({@code timelapse-keep}, measured from a session's end), then by the size of every camera's sessions together
 * ({@code timelapse-max-size}), then by the free space on the disk ({@code record-min-free}), which wins over the
 * other two. Whichever rule deletes, the oldest sessions go first, whole. A running session is never deleted
 * whole, nor one being rendered; when only running sessions are left and room is still needed, their oldest stills
 * go, oldest session first, but never a running session's newest still. A session that ended before the clock was
 * plausibly set is never aged out, but goes first when room is needed.
 *
 * <p>Runs on the files thread only (once a minute, before a still when the disk is under the floor, after one when
 * the sessions are over their size), so two sweeps never run at once and it needs no lock.
 */
final class TimelapseRetention {

    private static final Logger LOG = LoggerFactory.getLogger(TimelapseRetention.class);
    static final Instant PLAUSIBLE = Instant.parse("2024-01-01T00:00:00Z");
    /** Stills one sweep deletes at most from running sessions; the next sweep goes on. */
    static final int MAX_TRIMS = 10_000;

    /** What the last sweep did. */
    record Report(Instant at, int sessionsDeleted, long stillsDeleted, long bytesDeleted, long totalBytes,
            long freeBytes, String lastError) {
    }

    private final TimelapseCatalog catalog;
    private final RecordingStorage storage;
    private final Supplier<Retention.Limits> limits;
    private final Supplier<Instant> clock;
    private final Predicate<TimelapseSession> busy;
    private final AtomicLong deletedEver = new AtomicLong();
    private volatile Report last;

    /** @param busy a session that must not be touched now: the one being rendered */
    TimelapseRetention(TimelapseCatalog catalog, RecordingStorage storage, Supplier<Retention.Limits> limits,
            Supplier<Instant> clock, Predicate<TimelapseSession> busy) {
        this.catalog = catalog;
        this.storage = storage;
        this.limits = limits;
        this.clock = clock;
        this.busy = busy;
    }

    Retention.Limits limits() {
        return limits.get();
    }

    /** Whether the sessions take more than timelapse-max-size: a sweep is due. */
    boolean overSize() {
        long max = limits.get().maxBytes();
        return max > 0 && catalog.totalBytes() > max;
    }

    /** One sweep. */
    Report sweep() {
        Retention.Limits now = limits.get();
        Instant at = clock.get();
        List<TimelapseSession> all = catalog.all();
        long total = 0;
        for (TimelapseSession s : all) {
            total += s.snapshot().bytes();
        }
        long free = free();
        int sessions = 0;
        long stills = 0;
        long bytesDeleted = 0;
        String error = null;
        for (TimelapseSession session : all) {
            TimelapseSession.Snapshot s = session.snapshot();
            if (s.running() || busy.test(session)) {
                continue;
            }
            boolean timeKnown = s.end() != null && !s.end().isBefore(PLAUSIBLE);
            boolean tooOld = !now.keep().isZero() && timeKnown && s.end().isBefore(at.minus(now.keep()));
            boolean tooBig = now.maxBytes() > 0 && total > now.maxBytes();
            boolean tooFull = free >= 0 && free < now.minFree();
            if (!tooOld && !tooBig && !tooFull) {
                continue;
            }
            String why = tooOld ? "older than timelapse-keep" : tooBig ? "over timelapse-max-size"
                    : "under record-min-free";
            try {
                if (delete(session)) {
                    sessions++;
                    bytesDeleted += s.bytes();
                    total -= s.bytes();
                    free = tooFull ? free() : free;
                    LOG.info("Deleted the timelapse session {}/{} ({}; {} stills, {} MB)", s.camera(), s.id(), why,
                            s.stills(), s.bytes() / (1024 * 1024));
                }
            } catch (IOException e) {
                error = "cannot delete the timelapse session " + s.camera() + "/" + s.id() + ": " + e.getMessage();
                LOG.warn(error);
            }
        }
        // Only running (or rendering) sessions are left over the bounds: their oldest stills, never the newest.
        for (TimelapseSession session : all) {
            if (!session.running() || busy.test(session)) {
                continue;
            }
            while (stills < MAX_TRIMS && ((now.maxBytes() > 0 && total > now.maxBytes())
                    || (free >= 0 && free < now.minFree()))) {
                long n = session.trimmable();
                if (n < 0) {
                    break;
                }
                Path file = session.still(n);
                long size = SessionFiles.sizeOrZero(file);
                try {
                    storage.delete(file);
                } catch (IOException e) {
                    error = "cannot delete " + file + ": " + e.getMessage();
                    LOG.warn(error);
                    break;
                }
                session.trimmed(n, size);
                stills++;
                bytesDeleted += size;
                total -= size;
                free = free >= 0 && free < now.minFree() ? free() : free;
            }
        }
        if (stills > 0) {
            LOG.info("Deleted the {} oldest stills of running timelapse sessions to make room", stills);
        }
        deletedEver.addAndGet(sessions);
        Report report = new Report(at, sessions, stills, bytesDeleted, total, free(), error);
        last = report;
        return report;
    }

    /** Deletes a finished session and its files. False when it is running, and stays. */
    boolean delete(TimelapseSession session) throws IOException {
        if (!session.markDeleted()) {
            return false;
        }
        catalog.remove(session);
        SessionFiles.deleteAll(storage, session.dir());
        return true;
    }

    long free() {
        try {
            return storage.usableSpace(catalog.root());
        } catch (IOException e) {
            return -1;
        }
    }

    Report last() {
        return last;
    }

    long deletedEver() {
        return deletedEver.get();
    }
}
