package org.camstream.publish;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.DoubleSupplier;
import java.util.function.Function;
import java.util.function.Supplier;
import org.camstream.config.PublishUrl;
import org.camstream.process.ChildProcess;
import org.camstream.process.Lease;
import org.camstream.process.LogLimiter;
import org.camstream.process.ProcessLog;
import org.camstream.process.ProcessState;
import org.camstream.process.ProcessStatus;
import org.camstream.process.RestartPolicy;
import org.camstream.process.Scheduler;
import org.camstream.process.StartException;
import org.camstream.process.Supervisor;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.VideoTrack;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes the camera's H.264 to one relay, for as long as the URL is in the settings: one ffmpeg at a time,
 * kept running by a {@link Supervisor}, which starts it again when it ends, after {@link RestartPolicy}'s
 * backoff. An ffmpeg that got pictures to the relay was healthy, so a relay that goes away is retried soon; one
 * that cannot be reached is retried less and less often, up to {@code publish-retry}. A picture size that
 * changes ends the stream by design: the next one starts at once, and no error is shown.
 *
 * <p>It holds a camera lease from {@link #start} to {@link #stop}, so the camera (and the transcoder, for an
 * MJPEG camera) keeps running while it publishes, even with nobody watching camstream itself, and a new ffmpeg
 * starts on the cached GOP at once. Progress reports, not pictures, are what tells the supervisor it delivers.
 */
public final class Publisher {

    private static final Logger LOG = LoggerFactory.getLogger(Publisher.class);
    /** Lines of ffmpeg's output shown in the status. */
    private static final int STATUS_LOG_LINES = 5;

    private final PublishUrl url;
    private final Supplier<Lease> leases;
    private final Broadcast<Mp4Chunk> source;
    private final Scheduler scheduler;
    private final DoubleSupplier fps;
    private final Function<PublishUrl, List<String>> command;
    private final ProcessLog log;
    private final Supervisor supervisor;
    private final OutputRate rate = new OutputRate();
    private final AtomicLong droppedEarlier = new AtomicLong();

    // Guarded by this.
    private boolean started;
    private boolean stopped;
    private Lease lease;
    private PublishFeed feed;
    private long frames;
    private long bytes;

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
        this.fps = fps;
        this.log = new ProcessLog("publish " + url, LogLimiter.standard());
        this.supervisor = new Supervisor("relay " + url, scheduler, policy, log, url::mask, new Starter());
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
        boolean keep;
        synchronized (this) {
            keep = !stopped && lease == null;
            if (keep) {
                lease = claimed;
                started = true;
            }
        }
        if (!keep) {
            claimed.close();
            return;
        }
        supervisor.want(true, 1);
    }

    /**
     * Stops publishing for good and releases the camera. Returns at once; the future completes when no ffmpeg
     * of this publisher runs any more (or one still being started was told to stop).
     */
    public CompletableFuture<Void> stop() {
        Lease claimed;
        synchronized (this) {
            if (stopped) {
                return CompletableFuture.completedFuture(null);
            }
            stopped = true;
            claimed = lease;
            lease = null;
        }
        supervisor.want(false, 2);
        if (claimed != null) {
            claimed.close();
        }
        return supervisor.ended();
    }

    /** Ends the process at once, for a shutdown that has waited long enough. */
    void kill() {
        supervisor.kill();
    }

    public PublisherStatus status() {
        ProcessStatus process = supervisor.status();
        PublishFeed current;
        boolean over;
        long sentFrames;
        long sentBytes;
        synchronized (this) {
            current = feed;
            over = stopped || !started;
            sentFrames = frames;
            sentBytes = bytes;
        }
        VideoTrack track = current == null ? null : current.track();
        long dropped = droppedEarlier.get() + (current == null ? 0 : current.dropped());
        List<String> recent = process.output().recent();
        ProcessStatus shown = new ProcessStatus(process.state(), process.since(), process.restarts(),
                process.trouble(), process.pid(), new ProcessStatus.RecentOutput(process.output().lines(),
                        recent.subList(Math.max(0, recent.size() - STATUS_LOG_LINES), recent.size()), List.of()));
        return new PublisherStatus(url.toString(), url.format(), state(process.state(), over), shown,
                new PublisherStatus.Delivery(rate.bitsPerSecond(System.nanoTime()), sentFrames, sentBytes, dropped),
                track == null ? null : new PublisherStatus.Size(track.width(), track.height()));
    }

    private static PublisherState state(ProcessState process, boolean over) {
        if (over) {
            return PublisherState.STOPPED;
        }
        switch (process) {
            case RUNNING:
                return PublisherState.PUBLISHING;
            case RESTARTING:
                return PublisherState.RETRYING;
            default:
                return PublisherState.STARTING;
        }
    }

    private void onProgress(long gen, FfmpegProgress.Report report) {
        rate.report(System.nanoTime(), report.bytes());
        if (!supervisor.isCurrent(gen)) {
            return;
        }
        synchronized (this) {
            frames = report.frames();
            bytes = report.bytes();
        }
        if (report.frames() > 0) {
            if (supervisor.state() == ProcessState.STARTING) {
                LOG.info("Publishing to {}", url);
            }
            supervisor.delivered(gen);
        }
    }

    /** Each start: a new feed from the camera's fragments, and an ffmpeg that reads it. */
    private final class Starter implements Supervisor.Starter {
        @Override
        public ChildProcess start(long gen) throws StartException {
            PublishFeed next = new PublishFeed(fps.getAsDouble());
            rate.reset();
            synchronized (Publisher.this) {
                frames = 0;
                bytes = 0;
            }
            List<String> arguments = command.apply(url);
            LOG.info("Starting {}", url.mask(String.join(" ", arguments)));
            PublishProcess started;
            try {
                started = PublishProcess.start(arguments, next, report -> onProgress(gen, report),
                        line -> log.add(url.mask(line)), scheduler);
            } catch (IOException | RuntimeException e) {
                next.close();
                throw new StartException("ffmpeg could not be started: " + e.getMessage(), e);
            }
            synchronized (Publisher.this) {
                feed = next;
            }
            source.subscribe(next);
            started.exit().whenComplete((how, error) -> {
                source.unsubscribe(next);
                next.close();
                droppedEarlier.addAndGet(next.dropped());
            });
            return started;
        }

        @Override
        public String describe() {
            return "publishing to " + url;
        }
    }
}
