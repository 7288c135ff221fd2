package org.camstream.hls;

import java.security.SecureRandom;
import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.camstream.process.Lease;
import org.camstream.process.Scheduler;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Mp4Chunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * HLS on demand. The first playlist request starts a run: a new run id, a {@link Segmenter} on the shared
 * fMP4 fan-out, and a lease on the camera. Every request keeps it going; {@code idle} after the last one it
 * stops, unsubscribes and gives the lease back, and the camera then stops after its own idle-stop if nobody
 * else watches. Nothing here holds a lock: the current run is swapped atomically, and the lease and the
 * subscription are taken and given back with nothing held.
 */
public final class HlsService implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(HlsService.class);
    /**
     * How long a request for the current playlist may wait at a run's start, for the camera to start and make the
     * segments a player starts from ({@link PlaylistQuery#START_SEGMENTS}); then it gets what there is.
     */
    public static final Duration START_WAIT = Duration.ofSeconds(10);

    private final Supplier<Lease> pictures;
    private final Broadcast<Mp4Chunk> source;
    private final DoubleSupplier fps;
    private final Scheduler scheduler;
    private final Supplier<Duration> idle;
    private final LongSupplier nanoClock;
    private final HeldRequests held;
    private final AtomicReference<HlsRun> current = new AtomicReference<>();
    private final AtomicLong runs = new AtomicLong();
    private final SecureRandom random = new SecureRandom();
    private volatile boolean closed;

    public HlsService(Supplier<Lease> pictures, Broadcast<Mp4Chunk> source, DoubleSupplier fps, Scheduler scheduler,
            HeldRequests held, Supplier<Duration> idle, LongSupplier nanoClock) {
        this.pictures = pictures;
        this.source = source;
        this.fps = fps;
        this.scheduler = scheduler;
        this.held = held;
        this.idle = idle;
        this.nanoClock = nanoClock;
    }

    /** The running segmenter, started if there is none. For playlist requests, which may start a run. */
    public Segmenter start() {
        if (closed) {
            throw new IllegalStateException("camstream is stopping");
        }
        while (true) {
            HlsRun run = current.get();
            long now = nanoClock.getAsLong();
            if (run != null && run.extend(now)) {
                return run.segmenter;
            }
            HlsRun fresh = open(now);
            if (current.compareAndSet(run, fresh)) {
                runs.incrementAndGet();
                LOG.info("HLS run {} started", fresh.segmenter.runId());
                scheduleIdleCheck(fresh, idle.get().toNanos());
                return fresh.segmenter;
            }
            stop(fresh); // another request started one first
        }
    }

    /** The running segmenter if its run is {@code runId}, kept going; null otherwise. For media requests. */
    public Segmenter running(String runId) {
        HlsRun run = current.get();
        if (run == null || !run.segmenter.runId().equals(runId) || !run.extend(nanoClock.getAsLong())) {
            return null;
        }
        return run.segmenter;
    }

    /** The running segmenter, or null; for the status document. Does not keep it going. */
    public Segmenter peek() {
        HlsRun run = current.get();
        return run == null ? null : run.segmenter;
    }

    public HeldRequests held() {
        return held;
    }

    public long runsStarted() {
        return runs.get();
    }

    /** The spec's hold for a blocking request: three target durations. */
    public static Duration holdTimeout(HlsSnapshot snapshot) {
        return Duration.ofSeconds(3L * snapshot.targetDurationSeconds());
    }

    private HlsRun open(long now) {
        String runId = Long.toString(random.nextLong() & Long.MAX_VALUE, 36);
        Segmenter segmenter = new Segmenter(runId, PartPlan.forFrameRate(fps.getAsDouble()), held::publish);
        Lease lease = pictures.get();
        try {
            source.subscribe(segmenter);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        return new HlsRun(segmenter, lease, now);
    }

    private void scheduleIdleCheck(HlsRun run, long delayNanos) {
        scheduler.schedule(Duration.ofNanos(delayNanos), () -> {
            long left = run.retireIfIdle(nanoClock.getAsLong(), idle.get().toNanos());
            if (left > 0) {
                scheduleIdleCheck(run, left);
                return;
            }
            current.compareAndSet(run, null);
            LOG.info("HLS run {} stopped: no request for {} s", run.segmenter.runId(), idle.get().toSeconds());
            stop(run);
        });
    }

    private void stop(HlsRun run) {
        source.unsubscribe(run.segmenter);
        run.lease.close();
    }

    @Override
    public void close() {
        closed = true;
        HlsRun run = current.getAndSet(null);
        if (run != null) {
            run.retireIfIdle(Long.MAX_VALUE, 0);
            stop(run);
        }
        held.close();
    }
}
