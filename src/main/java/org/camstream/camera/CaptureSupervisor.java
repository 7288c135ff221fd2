package org.camstream.camera;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.camstream.camera.process.LogLimiter;
import org.camstream.camera.process.ProcessLog;
import org.camstream.config.Secrets;
import org.camstream.config.Settings;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.stream.RateMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one owner of a capture process: the camera, or the shared transcoder. At most one process runs at a
 * time. It starts when the first viewer takes a {@link Lease}, stops {@link Settings#idleStop()} after the
 * last one leaves, and is restarted when it dies, as {@link RestartPolicy} says.
 *
 * <p>Every operation decides under this object's lock what must happen, and does it after letting go of
 * the lock: starting a process (on the scheduler), stopping one, telling the frame sink that the camera
 * stopped, notifying state listeners, logging. So nothing this supervisor calls can ever wait for a lock
 * that waits for this one. Frames take no lock, except once per process, at its first picture.
 */
public final class CaptureSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureSupervisor.class);
    /** How long {@link #close} waits for a process to start or to end before it kills it. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(6);

    private final String role;
    private final CaptureFactory factory;
    private final Supplier<Settings> settings;
    private final FrameSink frames;
    private final Scheduler scheduler;
    private final RestartPolicy policy;
    private final AtomicLong sequence;
    private final ProcessLog log;
    private final LogLimiter warnings = LogLimiter.standard();
    private final RateMeter rate = RateMeter.forFrames();
    private final AtomicLong frameCount = new AtomicLong();
    private final AtomicLong discardCount = new AtomicLong();
    private final List<Runnable> stateListeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private CameraState state = CameraState.IDLE;
    private Instant since;
    private int leases;
    private Capture capture;
    private CompletableFuture<Void> launching;
    private Settings running;
    private Scheduler.Task pendingStop;
    private Scheduler.Task pendingRestart;
    private long restartToken;
    private Instant retryAt;
    private int restarts;
    private boolean delivered;
    private CameraError lastError;
    private CameraError previousError;
    /** Counts process starts; the frames and the exit of an older process are ignored. */
    private volatile long generation;
    private volatile boolean awaitingFirstFrame;

    /**
     * @param role what the process is, for the log: "camera" or "transcoder"
     * @param sequence numbers frames; shared by everything that publishes pictures to the same viewers
     */
    public CaptureSupervisor(String role, CaptureFactory factory, Supplier<Settings> settings, FrameSink frames,
            Scheduler scheduler, RestartPolicy policy, AtomicLong sequence) {
        this.role = role;
        this.factory = factory;
        this.settings = settings;
        this.frames = frames;
        this.scheduler = scheduler;
        this.policy = policy;
        this.sequence = sequence;
        this.log = new ProcessLog(role, LogLimiter.standard());
        this.since = scheduler.now();
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
    public Lease acquire() {
        List<Runnable> after = new ArrayList<>(2);
        synchronized (this) {
            if (state == CameraState.CLOSED) {
                throw new IllegalStateException(role + " supervisor is closed");
            }
            leases++;
            cancelPendingStop();
            if (state == CameraState.IDLE) {
                beginStart(after);
            }
        }
        runAll(after);
        return new SupervisorLease();
    }

    private void release() {
        synchronized (this) {
            leases--;
            if (leases == 0 && state != CameraState.CLOSED) {
                cancelPendingStop();
                pendingStop = scheduler.schedule(settings.get().idleStop(), this::stopIfUnused);
            }
        }
    }

    /**
     * Restarts the capture with the current settings, if it is running or waiting to restart; viewers stay
     * attached and get the new pictures. An idle camera just starts with the new settings next time.
     */
    public void restart() {
        List<Runnable> after = new ArrayList<>(3);
        synchronized (this) {
            policy.reset();
            if (state == CameraState.STARTING || state == CameraState.RUNNING) {
                after.add(() -> LOG.info("Restarting the {} process with new settings", role));
                stopCapture(after);
            } else if (state == CameraState.RESTARTING && leases > 0) {
                beginStart(after);
            }
        }
        runAll(after);
    }

    private void stopIfUnused() {
        List<Runnable> after = new ArrayList<>(3);
        synchronized (this) {
            pendingStop = null;
            if (leases > 0) {
                return;
            }
            if (state == CameraState.RESTARTING) {
                cancelPendingRestart();
                setState(CameraState.IDLE, after);
            } else if (state == CameraState.STARTING || state == CameraState.RUNNING) {
                Duration idle = settings.get().idleStop();
                after.add(() -> LOG.info("No viewers for {} s: stopping the {}", idle.toMillis() / 1000.0, role));
                stopCapture(after);
            }
        }
        runAll(after);
    }

    // Lock held.
    private void beginStart(List<Runnable> after) {
        cancelPendingRestart();
        Settings current = settings.get();
        running = current;
        long gen = ++generation;
        awaitingFirstFrame = true;
        delivered = false;
        setState(CameraState.STARTING, after);
        after.add(rate::reset);
        after.add(() -> scheduler.execute(() -> launch(gen, current)));
    }

    // Lock held. A process still being launched is stopped by launch() once it sees the state.
    private void stopCapture(List<Runnable> after) {
        Capture stopping = capture;
        setState(CameraState.STOPPING, after);
        if (stopping != null) {
            after.add(stopping::stop);
        }
    }

    /**
     * Starts the process for generation {@code gen}; runs on the scheduler, without the lock. While it runs,
     * {@link #close} waits for it, so that a process it starts is not missed.
     */
    private void launch(long gen, Settings current) {
        CompletableFuture<Void> launched = new CompletableFuture<>();
        try {
            synchronized (this) {
                if (gen != generation || state == CameraState.CLOSED) {
                    return;
                }
                launching = launched;
            }
            Capture started;
            try {
                started = factory.start(current, new Listener(gen));
            } catch (CameraException e) {
                onExit(gen, e.getMessage(), true);
                return;
            } catch (RuntimeException e) {
                LOG.warn("The {} could not be started", role, e);
                onExit(gen, "the " + role + " could not be started: " + e, true);
                return;
            }
            boolean stopNow;
            synchronized (this) {
                if (gen != generation) {
                    stopNow = true;
                } else {
                    capture = started;
                    stopNow = state == CameraState.STOPPING || state == CameraState.CLOSED;
                }
            }
            LOG.info("{} started: {}", capitalized(role), factory.describe(current));
            if (stopNow) {
                started.stop();
            }
            started.exit().whenComplete((how, error) -> onExit(gen, error == null ? how : error.toString(),
                    started.failedPersistently()));
        } finally {
            launched.complete(null);
        }
    }

    private void onExit(long gen, String how, boolean persistent) {
        List<Runnable> after = new ArrayList<>(4);
        String warning = null;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            capture = null;
            after.add(frames::onCameraStopped);
            if (state == CameraState.STOPPING) {
                after.add(() -> LOG.info("{} stopped", capitalized(role)));
                if (leases > 0) {
                    beginStart(after); // a viewer arrived during the stop, or the settings changed
                } else {
                    setState(CameraState.IDLE, after);
                }
            } else if (state != CameraState.CLOSED) {
                String lastLine = log.last();
                String message = Secrets.mask(how + (lastLine == null ? "" : " (last output: " + lastLine + ")"));
                lastError = new CameraError(message, scheduler.now());
                if (leases == 0) {
                    setState(CameraState.IDLE, after);
                    warning = capitalized(role) + " process ended: " + message;
                } else {
                    restarts++;
                    Duration delay = persistent ? policy.afterPersistentFailure()
                            : delivered ? policy.afterPictures() : policy.afterFailure();
                    retryAt = scheduler.now().plus(delay);
                    setState(CameraState.RESTARTING, after);
                    long token = ++restartToken;
                    pendingRestart = scheduler.schedule(delay, () -> restartAfterBackoff(token));
                    warning = capitalized(role) + " process ended unexpectedly: " + message + "; restarting in "
                            + delay.toMillis() / 1000.0 + " s";
                }
            }
        }
        if (warning != null) {
            String admitted = warnings.admit(warning);
            if (admitted != null) {
                LOG.warn(admitted);
            }
        }
        runAll(after);
    }

    private void restartAfterBackoff(long token) {
        List<Runnable> after = new ArrayList<>(3);
        synchronized (this) {
            if (token == restartToken && state == CameraState.RESTARTING && leases > 0) {
                beginStart(after);
            }
        }
        runAll(after);
    }

    private void onFirstFrame(long gen) {
        List<Runnable> after = new ArrayList<>(1);
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            delivered = true;
            if (state == CameraState.STARTING) {
                setState(CameraState.RUNNING, after);
                if (lastError != null) {
                    previousError = lastError.recovered(scheduler.now());
                    lastError = null;
                }
            }
        }
        runAll(after);
    }

    // Lock held. The listeners run later, on the scheduler.
    private void setState(CameraState next, List<Runnable> after) {
        if (state == next) {
            return;
        }
        state = next;
        since = scheduler.now();
        if (next != CameraState.RESTARTING) {
            retryAt = null;
        }
        for (Runnable listener : stateListeners) {
            after.add(() -> scheduler.execute(listener));
        }
    }

    // Lock held.
    private void cancelPendingStop() {
        if (pendingStop != null) {
            pendingStop.cancel();
            pendingStop = null;
        }
    }

    // Lock held.
    private void cancelPendingRestart() {
        if (pendingRestart != null) {
            pendingRestart.cancel();
            pendingRestart = null;
        }
        restartToken++;
    }

    /** Runs {@code listener} on the scheduler after each change of state. */
    public void onStateChange(Runnable listener) {
        stateListeners.add(listener);
    }

    public CameraStatus status() {
        Capture current;
        CameraStatus partial;
        synchronized (this) {
            Settings s = running != null ? running : settings.get();
            current = capture;
            partial = new CameraStatus(s.source().id(), state, since, s.width(), s.height(), s.fps(), 0,
                    frameCount.get(), discardCount.get(), restarts, lastError, previousError, retryAt, null, 0,
                    List.of(), List.of());
        }
        boolean live = partial.state() == CameraState.RUNNING || partial.state() == CameraState.STARTING;
        Long pid = current == null || current.pid().isEmpty() ? null : current.pid().getAsLong();
        return new CameraStatus(partial.source(), partial.state(), partial.since(), partial.width(), partial.height(),
                partial.configuredFps(), live ? rate.perSecond(System.nanoTime()) : 0, partial.frames(),
                partial.discardedFrames(), partial.restarts(), partial.lastError(), partial.previousError(),
                partial.retryAt(), pid, log.lines(), log.recent(20),
                current == null ? List.of() : Secrets.mask(current.notes()));
    }

    public synchronized CameraState state() {
        return state;
    }

    public synchronized int leases() {
        return leases;
    }

    /** Stops the process and waits for it to end, at most a few seconds, then kills it. */
    @Override
    public void close() {
        List<Runnable> after = new ArrayList<>(2);
        CompletableFuture<Void> inFlight;
        synchronized (this) {
            if (state == CameraState.CLOSED) {
                return;
            }
            cancelPendingStop();
            cancelPendingRestart();
            inFlight = launching;
            setState(CameraState.CLOSED, after);
        }
        runAll(after);
        if (inFlight != null) {
            await(inFlight, "start");
        }
        Capture stopping;
        synchronized (this) {
            stopping = capture;
        }
        if (stopping != null) {
            stopping.stop();
            if (!await(stopping.exit(), "end")) {
                LOG.error("The {} process {} did not end; killing it", role, stopping.pid());
                stopping.kill();
            }
        }
        frames.onCameraStopped();
    }

    /** Waits for {@code future} within {@link #CLOSE_WAIT}; false if it did not complete in time. */
    private boolean await(CompletableFuture<?> future, String what) {
        try {
            future.get(CLOSE_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            LOG.warn("The {} process did not {} within {} s", role, what, CLOSE_WAIT.toSeconds());
            return false;
        } catch (ExecutionException e) {
            return true; // it completed, exceptionally: it is over either way
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static void runAll(List<Runnable> actions) {
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("A camera state change could not be carried out", e);
            }
        }
    }

    private static String capitalized(String word) {
        return Character.toUpperCase(word.charAt(0)) + word.substring(1);
    }

    /** Turns one process's output into frames; ignores everything once a newer process has started. */
    private final class Listener implements CaptureListener {
        private final long gen;

        Listener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onPicture(byte[] data, boolean keyframe) {
            if (gen == generation) {
                publish(Frame.capturedNow(data, sequence.incrementAndGet(), keyframe));
            }
        }

        @Override
        public void onPicture(byte[] data, boolean keyframe, long captureEpochMicros, long captureNanos) {
            if (gen == generation) {
                publish(Frame.of(data, sequence.incrementAndGet(), captureEpochMicros, captureNanos, keyframe));
            }
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
