package org.camstream.publish;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.DoubleSupplier;
import java.util.function.Supplier;
import org.camstream.process.Lease;
import org.camstream.process.Scheduler;
import org.camstream.config.PublishUrl;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Mp4Chunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@link Publisher} per URL of the {@code publish} setting, kept in step with it: a new setting stops the
 * publishers of URLs that went and starts those of URLs that came, and leaves the others publishing. At most
 * {@link PublishUrl#MAX_URLS}, since the setting allows no more.
 */
public final class Publishers implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Publishers.class);
    /** How long {@link #close} waits for the processes to end before it kills them. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(6);

    private final Supplier<Lease> leases;
    private final Broadcast<Mp4Chunk> source;
    private final Scheduler scheduler;
    private final DoubleSupplier fps;

    // Guarded by this.
    private List<Publisher> running = List.of();
    private Duration retry;
    private boolean closed;

    public Publishers(Supplier<Lease> leases, Broadcast<Mp4Chunk> source, Scheduler scheduler, DoubleSupplier fps) {
        this.leases = leases;
        this.source = source;
        this.scheduler = scheduler;
        this.fps = fps;
    }

    /** Publishes to exactly these URLs from now on; a new {@code retry} starts every publisher afresh. */
    public void apply(List<PublishUrl> urls, Duration longestRetry) {
        List<Publisher> stopping = new ArrayList<>();
        List<Publisher> starting = new ArrayList<>();
        synchronized (this) {
            if (closed) {
                return;
            }
            boolean retryChanged = !longestRetry.equals(retry);
            retry = longestRetry;
            List<Publisher> next = new ArrayList<>(urls.size());
            for (PublishUrl url : urls) {
                Publisher kept = retryChanged ? null : find(url);
                if (kept == null) {
                    kept = new Publisher(url, leases, source, scheduler, Publisher.policy(longestRetry), fps);
                    starting.add(kept);
                }
                next.add(kept);
            }
            for (Publisher old : running) {
                if (!next.contains(old)) {
                    stopping.add(old);
                }
            }
            running = List.copyOf(next);
        }
        for (Publisher old : stopping) {
            LOG.info("No longer publishing to {}", old.url());
            old.stop();
        }
        for (Publisher added : starting) {
            try {
                added.start();
            } catch (RuntimeException e) {
                LOG.warn("Cannot publish to {}: {}", added.url(), e.getMessage());
            }
        }
    }

    // Lock held.
    private Publisher find(PublishUrl url) {
        for (Publisher publisher : running) {
            if (publisher.url().url().equals(url.url())) {
                return publisher;
            }
        }
        return null;
    }

    /** Each publisher's status, in the order of the setting. */
    public List<PublisherStatus> status() {
        List<Publisher> current;
        synchronized (this) {
            current = running;
        }
        List<PublisherStatus> statuses = new ArrayList<>(current.size());
        for (Publisher publisher : current) {
            statuses.add(publisher.status());
        }
        return statuses;
    }

    /** Stops every publisher and waits for their processes, together at most {@link #CLOSE_WAIT}; then kills them. */
    @Override
    public void close() {
        List<Publisher> stopping;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = running;
            running = List.of();
        }
        List<CompletableFuture<Void>> ends = new ArrayList<>();
        for (Publisher publisher : stopping) {
            ends.add(publisher.stop());
        }
        try {
            CompletableFuture.allOf(ends.toArray(CompletableFuture[]::new)).get(CLOSE_WAIT.toMillis(),
                    TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            LOG.warn("A publishing ffmpeg did not end within {} s; killing it", CLOSE_WAIT.toSeconds());
            stopping.forEach(Publisher::kill);
        } catch (InterruptedException e) {
            stopping.forEach(Publisher::kill);
            Thread.currentThread().interrupt();
        }
    }
}
