package org.camstream.timelapse;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;
import org.camstream.process.Scheduler;

/**
 * One camera's running sessions: at most one started through the API, and, while the camera's
 * {@code timelapse-interval} is more than zero, the continuous one of the day ({@code continuous-2026-12-07}),
 * which ends at midnight in the server's zone as the next day's begins, and is taken up again, numbers and all,
 * after a restart on the same day. The two are independent: a printer's start and stop drive the one, the setting
 * the other.
 *
 * <p>The lock guards the two references and the day's timer; sessions are begun and ended after it is let go.
 */
public final class CameraTimelapse implements AutoCloseable {

    /** The interval of a session started without one, on a camera that has no timelapse-interval of its own. */
    public static final Duration DEFAULT_INTERVAL = Duration.ofSeconds(10);
    public static final Duration MIN_INTERVAL = Duration.ofMillis(500);
    public static final Duration MAX_INTERVAL = Duration.ofSeconds(86_400);
    /** The day's check comes at least this often, so that a clock that jumps is caught up with. */
    static final Duration MAX_CHECK = Duration.ofHours(1);

    /** A session that {@link #start} began, or the one that was running already. */
    public record Started(TimelapseSession session, boolean created) {
    }

    private final String camera;
    private final Supplier<Duration> setting;
    private final StillSource source;
    private final Timelapses owner;
    private final Scheduler scheduler;
    private final ZoneId zone;

    // Guarded by this.
    private TimelapseSession manual;
    private TimelapseSession continuous;
    private Scheduler.Task dayCheck;
    private boolean closed;

    CameraTimelapse(String camera, Supplier<Duration> setting, StillSource source, Timelapses owner,
            Scheduler scheduler, ZoneId zone) {
        this.camera = camera;
        this.setting = setting;
        this.source = source;
        this.owner = owner;
        this.scheduler = scheduler;
        this.zone = zone;
    }

    public String camera() {
        return camera;
    }

    /** The camera's timelapse-interval: zero when no session runs all the time. */
    public Duration setting() {
        return setting.get();
    }

    /**
     * Starts a session through the API, or answers the one running. {@code every} null: the camera's
     * timelapse-interval, or {@link #DEFAULT_INTERVAL} when that is off.
     *
     * @throws IllegalStateException when the camera is closing, or too many sessions started this second
     */
    public Started start(Duration every) {
        Duration interval = every != null ? every : setting.get().isZero() ? DEFAULT_INTERVAL : setting.get();
        TimelapseSession made;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException("camera " + camera + " is closing");
            }
            if (manual != null) {
                return new Started(manual, false);
            }
            made = owner.newSession(camera, interval);
            manual = made;
        }
        made.begin(source, interval);
        return new Started(made, true);
    }

    /** Ends the session started through the API: the one ended, or null when none was running. */
    public TimelapseSession stop() {
        TimelapseSession ended;
        synchronized (this) {
            ended = manual;
            manual = null;
        }
        if (ended != null) {
            ended.end("stopped through the API");
        }
        return ended;
    }

    /** The sessions running now: the one of the API first, then the continuous one. */
    public synchronized List<TimelapseSession> running() {
        List<TimelapseSession> list = new ArrayList<>(2);
        if (manual != null) {
            list.add(manual);
        }
        if (continuous != null) {
            list.add(continuous);
        }
        return list;
    }

    /**
     * Makes the continuous session what the setting and the date say: begun, ended, given its new interval, or
     * replaced by the next day's. Runs at the camera's start, after each change of its settings, and at midnight.
     */
    public void apply() {
        Duration interval = setting.get();
        Instant now = scheduler.now();
        String wanted = interval.isZero() ? null : SessionIds.continuous(now, zone);
        TimelapseSession ending = null;
        TimelapseSession beginning = null;
        TimelapseSession retiming = null;
        Scheduler.Task oldCheck;
        synchronized (this) {
            if (closed) {
                return;
            }
            TimelapseSession current = continuous;
            if (current != null && (wanted == null || !current.id().equals(wanted))) {
                ending = current;
                continuous = null;
                current = null;
            }
            if (wanted != null && current == null) {
                beginning = owner.continuousSession(camera, wanted, interval);
                continuous = beginning;
            } else if (current != null) {
                retiming = current;
            }
            oldCheck = dayCheck;
            dayCheck = null;
        }
        if (oldCheck != null) {
            oldCheck.cancel();
        }
        if (ending != null) {
            ending.end(wanted == null ? "timelapse-interval was set to 0" : "the day ended");
        }
        if (beginning != null && !beginning.begin(source, interval)) {
            // Deleted between being found and begun (by the retention): a new one of the same name.
            TimelapseSession fresh = owner.continuousSession(camera, wanted, interval);
            synchronized (this) {
                continuous = fresh;
            }
            fresh.begin(source, interval);
        }
        if (retiming != null) {
            retiming.setInterval(interval);
        }
        if (wanted != null) {
            scheduleDayCheck(now);
        }
    }

    /** The next check: just after midnight, or within the hour. */
    private void scheduleDayCheck(Instant now) {
        Instant midnight = LocalDate.ofInstant(now, zone).plusDays(1).atStartOfDay(zone).toInstant().plusSeconds(1);
        Duration wait = Duration.between(now, midnight);
        if (wait.isNegative() || wait.compareTo(MAX_CHECK) > 0) {
            wait = MAX_CHECK;
        }
        Scheduler.Task task = scheduler.schedule(wait, this::apply);
        boolean stale;
        synchronized (this) {
            stale = closed || dayCheck != null;
            if (!stale) {
                dayCheck = task;
            }
        }
        if (stale) {
            task.cancel();
        }
    }

    /** Ends both sessions: the camera is going, or the server stops. */
    @Override
    public void close() {
        TimelapseSession a;
        TimelapseSession b;
        Scheduler.Task check;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            a = manual;
            b = continuous;
            manual = null;
            continuous = null;
            check = dayCheck;
            dayCheck = null;
        }
        if (check != null) {
            check.cancel();
        }
        if (a != null) {
            a.end("the camera stopped");
        }
        if (b != null) {
            b.end("the camera stopped");
        }
    }
}
