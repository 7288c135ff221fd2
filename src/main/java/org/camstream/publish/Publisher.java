package org.camstream.publish;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.camstream.camera.CameraError;
import org.camstream.camera.Lease;
import org.camstream.camera.RestartPolicy;
import org.camstream.camera.Scheduler;
import org.camstream.camera.process.LogLimiter;
import org.camstream.camera.process.ProcessLog;
import org.camstream.config.PublishUrl;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.VideoTrack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the camera's H.264 to one relay, for as long as the URL is in the settings: one ffmpeg at a time,
 * started again when it ends, after {@link RestartPolicy}'s backoff. An ffmpeg that got pictures to the relay
 * was healthy, so a relay that goes away is retried soon; one that cannot be reached is retried less and less
 * often, up to {@code publish-retry}.
 *
 * <p>It holds a camera lease from {@link #start} to {@link #stop}, so the camera (and the transcoder, for an
 * MJPEG camera) keeps running while it publishes, even with nobody watching camstream itself, and a new ffmpeg
 * starts on the cached GOP at once.
 *
 * <p>Not a {@link org.camstream.camera.CaptureSupervisor}: that one starts with the first viewer and stops
 * after the last, and turns a process's output into pictures for viewers. A publisher runs exactly while it is
 * configured, consumes pictures, and reports progress instead. Its locking follows the same rule: decisions
 * under the lock, every call out (process start and stop, subscribe, lease release, logging) after it.
 */
public final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    /** Lines of ffmpeg's output shown in the status. */
    private static final int STATUS_LOG_LINES = 5;

    private final PublishUrl url;
    private final Supplier<Lease> leases;
    private final Broadcast<Mp4Chunk> source;
    private final Scheduler scheduler;
    private final RestartPolicy policy;
    private final DoubleSupplier fps;
    private final Function<PublishUrl, List<String>> command;
    private final ProcessLog log;
    private final LogLimiter warnings = LogLimiter.standard();
    private final OutputRate rate = new OutputRate();
    private final AtomicLong droppedEarlier = new AtomicLong();

    // Guarded by this.
    private PublisherState state = PublisherState.STARTING;
    private boolean stopped;
    private Instant since;
    private Lease lease;
    private PublishProcess process;
    private PublishFeed feed;
    private CompletableFuture<Void> launching;
    private long generation;
    private boolean delivered;
    private long frames;
    private long bytes;
    private int restarts;
    private CameraError lastError;
    private CameraError previousError;
    private Instant retryAt;
    private Scheduler.Task pendingRetry;

    /**
     * @param leases claims the camera's H.264 pictures
     * @param source the camera's fMP4 fragments
     */
    public Publisher(PublishUrl url, Supplier<Lease> leases, Broadcast<Mp4Chunk> source, Scheduler scheduler,
            RestartPolicy policy, DoubleSupplier fps) {
        this(url, leases, source, scheduler, policy, fps, PublishCommand::of);
    }

    /** @param command the program to run for a URL: ffmpeg, or a stand-in in tests */
    Publisher(PublishUrl url, Supplier<Lease> leases, Broadcast<Mp4Chunk> source, Scheduler scheduler,
            RestartPolicy policy, DoubleSupplier fps, Function<PublishUrl, List<String>> command) {
        this.command = command;
        this.url = url;
        this.leases = leases;
        this.source = source;
        this.scheduler = scheduler;
        this.policy = policy;
        this.fps = fps;
        this.log = new ProcessLog("publish " + url, LogLimiter.standard());
        this.since = scheduler.now();
    }

    /** The backoff for a relay: 0.5 s after one that took pictures, then 1, 2, 4 ... s up to {@code longest}. */
    public static RestartPolicy policy(Duration longest) {
        Duration afterPictures = Duration.ofMillis(500);
        Duration first = Duration.ofSeconds(1);
        return new RestartPolicy(min(afterPictures, longest), min(first, longest), longest);
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }

    public PublishUrl url() {
        return url;
    }

    /** Claims the camera and starts publishing. */
    public void start() {
        Lease claimed = leases.get();
        List<Runnable> after = new ArrayList<>(3);
        synchronized (this) {
            if (stopped || lease != null) {
                after.add(claimed::close);
            } else {
                lease = claimed;
                beginStart(after);
            }
        }
        runAll(after);
    }

    // Lock held.
    private void beginStart(List<Runnable> after) {
        long gen = ++generation;
        delivered = false;
        frames = 0;
        bytes = 0;
        setState(PublisherState.STARTING);
        after.add(rate::reset);
        after.add(() -> scheduler.execute(() -> launch(gen)));
    }

    private void launch(long gen) {
        CompletableFuture<Void> launched = new CompletableFuture<>();
        try {
            synchronized (this) {
                if (gen != generation || stopped) {
                    return;
                }
                launching = launched;
            }
            PublishFeed next = new PublishFeed(fps.getAsDouble());
            PublishProcess started;
            try {
                List<String> arguments = command.apply(url);
                LOG.info("Starting {}", url.mask(String.join(" ", arguments)));
                started = PublishProcess.start(arguments, next, report -> onProgress(gen, report),
                        line -> log.add(url.mask(line)), scheduler);
            } catch (IOException | RuntimeException e) {
                onExit(gen, next, "ffmpeg could not be started: " + e.getMessage());
                return;
            }
            boolean stopNow;
            synchronized (this) {
                stopNow = gen != generation || stopped;
                if (gen == generation) {
                    process = started; // even when stopped: stop() waits for it to end
                    feed = next;
                }
            }
            if (stopNow) {
                started.stop();
            } else {
                source.subscribe(next);
            }
            started.exit().whenComplete((how, error) -> onExit(gen, next, error == null ? how : error.toString()));
        } finally {
            launched.complete(null);
        }
    }

    private void onProgress(long gen, FfmpegProgress.Report report) {
        rate.report(System.nanoTime(), report.bytes());
        boolean first = false;
        synchronized (this) {
            if (gen != generation || stopped) {
                return;
            }
            frames = report.frames();
            bytes = report.bytes();
            if (!delivered && report.frames() > 0) {
                delivered = true;
                first = true;
                setState(PublisherState.PUBLISHING);
                if (lastError != null) {
                    previousError = lastError;
                    lastError = null;
                }
            }
        }
        if (first) {
            LOG.info("Publishing to {}", url);
        }
    }

    private void onExit(long gen, PublishFeed ended, String how) {
        source.unsubscribe(ended);
        ended.close();
        droppedEarlier.addAndGet(ended.dropped());
        String warning = null;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            process = null;
            feed = null;
            if (stopped) {
                return;
            }
            restarts++;
            Duration delay;
            if (ended.trackChanged()) {
                // The camera's picture size changed: a new stream for the relay, at once. Nobody is at fault.
                delay = policy.afterPictures();
            } else {
                String lastLine = log.last();
                String message = url.mask(how + (lastLine == null ? "" : " (last output: " + lastLine + ")"));
                lastError = new CameraError(message, scheduler.now());
                delay = delivered ? policy.afterPictures() : policy.afterFailure();
                warning = "Publishing to " + url + " ended: " + message + "; trying again in "
                        + delay.toMillis() / 1000.0 + " s";
            }
            retryAt = scheduler.now().plus(delay);
            setState(PublisherState.RETRYING);
            long token = generation;
            pendingRetry = scheduler.schedule(delay, () -> retry(token));
        }
        if (warning != null) {
            String admitted = warnings.admit(warning);
            if (admitted != null) {
                LOG.warn(admitted);
            }
        }
    }

    private void retry(long token) {
        List<Runnable> after = new ArrayList<>(2);
        synchronized (this) {
            if (token == generation && state == PublisherState.RETRYING && !stopped) {
                pendingRetry = null;
                beginStart(after);
            }
        }
        runAll(after);
    }

    // Lock held.
    private void setState(PublisherState next) {
        if (state != next) {
            state = next;
            since = scheduler.now();
        }
        if (next != PublisherState.RETRYING) {
            retryAt = null;
        }
    }

    /**
     * Stops publishing for good and releases the camera. Returns at once; the future completes when no ffmpeg
     * of this publisher runs any more (or one still being started was told to stop).
     */
    public CompletableFuture<Void> stop() {
        PublishProcess running;
        Lease claimed;
        CompletableFuture<Void> inFlight;
        synchronized (this) {
            if (stopped) {
                return CompletableFuture.completedFuture(null);
            }
            stopped = true;
            if (pendingRetry != null) {
                pendingRetry.cancel();
                pendingRetry = null;
            }
            setState(PublisherState.STOPPED);
            running = process;
            claimed = lease;
            lease = null;
            inFlight = launching == null ? CompletableFuture.completedFuture(null) : launching;
        }
        if (claimed != null) {
            claimed.close();
        }
        CompletableFuture<Void> done;
        if (running != null) {
            running.stop();
            done = running.exit().handle((how, error) -> null);
        } else {
            done = CompletableFuture.completedFuture(null);
        }
        // A launch under way sees the stop and stops what it started; wait for the launch, then for that.
        return CompletableFuture.allOf(done, inFlight).thenCompose(ignored -> {
            PublishProcess late;
            synchronized (this) {
                late = process;
            }
            return late == null || late == running ? CompletableFuture.completedFuture(null)
                    : late.exit().handle((how, error) -> null);
        });
    }

    /** Ends the process at once, for a shutdown that has waited long enough. */
    void kill() {
        PublishProcess running;
        synchronized (this) {
            running = process;
        }
        if (running != null) {
            running.kill();
        }
    }

    public PublisherStatus status() {
        PublisherStatus partial;
        PublishFeed current;
        PublishProcess running;
        synchronized (this) {
            current = feed;
            running = process;
            partial = new PublisherStatus(url.toString(), url.format(), state, since, 0, frames, bytes, 0, restarts,
                    null, null, lastError, previousError, retryAt, null, List.of());
        }
        VideoTrack track = current == null ? null : current.track();
        long dropped = droppedEarlier.get() + (current == null ? 0 : current.dropped());
        Long pid = running == null || running.pid().isEmpty() ? null : running.pid().getAsLong();
        return new PublisherStatus(partial.url(), partial.format(), partial.state(), partial.since(),
                rate.bitsPerSecond(System.nanoTime()), partial.frames(), partial.bytes(), dropped, partial.restarts(),
                track == null ? null : track.width(), track == null ? null : track.height(), partial.lastError(),
                partial.previousError(), partial.retryAt(), pid, log.recent(STATUS_LOG_LINES));
    }

    private static void runAll(List<Runnable> actions) {
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("A publisher state change could not be carried out", e);
            }
        }
    }
}
