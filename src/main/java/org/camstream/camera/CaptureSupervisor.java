package org.camstream.camera;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.camstream.config.Settings;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.stream.RateMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a capture process: the camera, or the shared transcoder. Exactly one process runs at a
 * time: it starts when the first viewer arrives, stops a while after the last one leaves, and is restarted
 * with backoff when it dies.
 *
 * <p>Viewers hold a {@link Lease}. Frames go to a single consumer on the process's reader thread; the
 * supervisor takes no lock on that path except once, for the first frame of a process.
 */
public final class CaptureSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureSupervisor.class);
    /** A process that delivered frames for this long was healthy, so its death starts the backoff afresh. */
    private static final long HEALTHY_NANOS = 10_000_000_000L;

    private final CaptureFactory factory;
    private final Supplier<Settings> settings;
    private final FrameSink frames;
    private final ScheduledExecutorService scheduler;
    private final Duration idleStop;
    private final Backoff backoff;
    private final CameraLog log = new CameraLog();
    private final RateMeter rate = RateMeter.forFrames();
    private final AtomicLong sequence = new AtomicLong();
    private final AtomicLong frameCount = new AtomicLong();
    private final AtomicLong discardCount = new AtomicLong();
    private final List<Runnable> stateListeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private CameraState state = CameraState.IDLE;
    private int leases;
    private Capture capture;
    private Settings running;
    private ScheduledFuture<?> pendingStop;
    private ScheduledFuture<?> pendingRestart;
    private int restarts;
    private String lastError;
    private long firstFrameNanos;
    /** Counts process starts; frames and exits of an older process are ignored. */
    private volatile long generation;
    private volatile boolean awaitingFirstFrame;

    public CaptureSupervisor(CaptureFactory factory, Supplier<Settings> settings, FrameSink frames,
            ScheduledExecutorService scheduler, Duration idleStop, Backoff backoff) {
        this.factory = factory;
        this.settings = settings;
        this.frames = frames;
        this.scheduler = scheduler;
        this.idleStop = idleStop;
        this.backoff = backoff;
    }

    /** A viewer's claim on the camera. Closing it more than once is harmless. */
    private final class SupervisorLease implements Lease {
        private final AtomicBoolean open = new AtomicBoolean(true);

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release();
            }
        }
    }

    /** Claims the camera, starting it if it is idle. */
    public synchronized Lease acquire() {
        if (state == CameraState.CLOSED) {
            throw new IllegalStateException("camera supervisor is closed");
        }
        leases++;
        if (pendingStop != null) {
            pendingStop.cancel(false);
            pendingStop = null;
        }
        if (state == CameraState.IDLE) {
            startCapture();
        }
        return new SupervisorLease();
    }

    private synchronized void release() {
        leases--;
        if (leases == 0 && state != CameraState.CLOSED) {
            pendingStop = scheduler.schedule(this::stopIfUnused, idleStop.toMillis(), TimeUnit.MILLISECONDS);
        }
    }

    /**
     * Restarts the capture with the current settings, if it is running or waiting to restart; viewers stay
     * attached and get the new pictures. An idle camera just starts with the new settings next time.
     */
    public synchronized void restart() {
        if (state == CameraState.STARTING || state == CameraState.RUNNING) {
            LOG.info("Restarting the capture process with new settings");
            stopCapture(CameraState.STOPPING);
        } else if (state == CameraState.RESTARTING && leases > 0) {
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
            }
            backoff.reset();
            startCapture();
        }
    }

    private synchronized void stopIfUnused() {
        pendingStop = null;
        if (leases > 0) {
            return;
        }
        if (pendingRestart != null) {
            pendingRestart.cancel(false);
            pendingRestart = null;
            setState(CameraState.IDLE);
            return;
        }
        if (capture != null) {
            LOG.info("No viewers for {} s: stopping the camera", idleStop.toSeconds());
            stopCapture(CameraState.STOPPING);
        }
    }

    // Called with the lock held.
    private void startCapture() {
        pendingRestart = null;
        Settings current = settings.get();
        running = current;
        long gen = ++generation;
        awaitingFirstFrame = true;
        firstFrameNanos = 0;
        rate.reset();
        setState(CameraState.STARTING);
        try {
            Capture started = factory.start(current, new Listener(gen));
            capture = started;
            LOG.info("Capture started: {} {}x{} at {} fps", current.source().id(), current.width(), current.height(),
                    current.fps());
            started.exit().whenComplete((how, error) -> onExit(gen, error == null ? how : error.toString(),
                    started.failedPersistently()));
        } catch (CameraException | RuntimeException e) {
            capture = null;
            onExit(gen, e.getMessage(), true);
        }
    }

    // Called with the lock held.
    private void stopCapture(CameraState next) {
        Capture stopping = capture;
        setState(next);
        if (stopping != null) {
            stopping.stop();
        }
    }

    private synchronized void onExit(long gen, String how, boolean persistent) {
        if (gen != generation) {
            return;
        }
        capture = null;
        frames.onCameraStopped();
        if (state == CameraState.CLOSED) {
            return;
        }
        if (state == CameraState.STOPPING) {
            LOG.info("Camera stopped");
            if (leases > 0) {
                startCapture(); // a viewer arrived during the stop, or settings changed
            } else {
                setState(CameraState.IDLE);
            }
            return;
        }
        String lastLine = log.last();
        lastError = how + (lastLine == null ? "" : " (last output: " + lastLine + ")");
        if (firstFrameNanos != 0 && System.nanoTime() - firstFrameNanos >= HEALTHY_NANOS) {
            backoff.reset();
        }
        if (leases == 0) {
            LOG.warn("Camera process ended: {}", lastError);
            setState(CameraState.IDLE);
            return;
        }
        restarts++;
        Duration delay = persistent ? backoff.longest() : backoff.next();
        LOG.warn("Camera process ended unexpectedly: {}; restarting in {} s", lastError, delay.toMillis() / 1000.0);
        setState(CameraState.RESTARTING);
        pendingRestart = scheduler.schedule(this::restartAfterBackoff, delay.toMillis(), TimeUnit.MILLISECONDS);
    }

    private synchronized void restartAfterBackoff() {
        if (state == CameraState.RESTARTING && leases > 0) {
            startCapture();
        }
    }

    private synchronized void onFirstFrame(long gen) {
        if (gen == generation && state == CameraState.STARTING) {
            firstFrameNanos = System.nanoTime();
            setState(CameraState.RUNNING);
        }
    }

    // Called with the lock held.
    private void setState(CameraState next) {
        if (state == next) {
            return;
        }
        state = next;
        for (Runnable listener : stateListeners) {
            scheduler.execute(listener);
        }
    }

    /** Runs {@code listener} on the supervisor's scheduler after each change of state. */
    public void onStateChange(Runnable listener) {
        stateListeners.add(listener);
    }

    public synchronized CameraStatus status() {
        Settings s = running != null ? running : settings.get();
        Long pid = capture == null ? null : capture.pid().isPresent() ? capture.pid().getAsLong() : null;
        boolean live = state == CameraState.RUNNING || state == CameraState.STARTING;
        return new CameraStatus(s.source().id(), state, s.width(), s.height(), s.fps(),
                live ? rate.perSecond(System.nanoTime()) : 0, frameCount.get(), discardCount.get(), restarts,
                lastError, pid, log.recent(20), capture == null ? List.of() : capture.notes());
    }

    public synchronized CameraState state() {
        return state;
    }

    public synchronized int leases() {
        return leases;
    }

    /** Stops the process and waits for it to end, at most a few seconds. */
    @Override
    public void close() {
        Capture stopping;
        synchronized (this) {
            if (state == CameraState.CLOSED) {
                return;
            }
            if (pendingStop != null) {
                pendingStop.cancel(false);
            }
            if (pendingRestart != null) {
                pendingRestart.cancel(false);
            }
            stopping = capture;
            setState(CameraState.CLOSED);
        }
        if (stopping != null) {
            stopping.stop();
            try {
                stopping.exit().get(3 * FfmpegCapture.GRACE_MILLIS, TimeUnit.MILLISECONDS);
            } catch (TimeoutException e) {
                LOG.error("Capture process {} did not end; killing it", stopping.pid());
                stopping.kill();
            } catch (Exception e) {
                Thread.currentThread().interrupt();
            }
        }
        frames.onCameraStopped();
    }

    /** Turns one process's output into frames; ignores everything once a newer process has started. */
    private final class Listener implements CaptureListener {
        private final long gen;

        Listener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onPicture(byte[] data, boolean keyframe) {
            if (gen != generation) {
                return;
            }
            publish(Frame.capturedNow(data, sequence.incrementAndGet(), keyframe));
        }

        @Override
        public void onPicture(byte[] data, boolean keyframe, long captureEpochMicros, long captureNanos) {
            if (gen != generation) {
                return;
            }
            publish(Frame.of(data, sequence.incrementAndGet(), captureEpochMicros, captureNanos, keyframe));
        }

        private void publish(Frame frame) {
            rate.mark(frame.captureNanos());
            frameCount.incrementAndGet();
            if (awaitingFirstFrame) {
                awaitingFirstFrame = false;
                onFirstFrame(gen);
            }
            frames.onFrame(frame);
        }

        @Override
        public void onDiscard(String reason, long bytes) {
            discardCount.incrementAndGet();
            log.add("discarded a picture (" + reason + ", " + bytes + " bytes)");
        }

        @Override
        public void onLogLine(String line) {
            log.add(line);
        }
    }
}
