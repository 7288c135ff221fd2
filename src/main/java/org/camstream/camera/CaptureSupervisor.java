package org.camstream.camera;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.camstream.codec.h264.CodedPicture;
import org.camstream.config.CameraSettings;
import org.camstream.config.Secrets;
import org.camstream.process.CaptureTime;
import org.camstream.process.ChildProcess;
import org.camstream.process.Launcher;
import org.camstream.process.Lease;
import org.camstream.process.LogLimiter;
import org.camstream.process.ProcessLog;
import org.camstream.process.ProcessState;
import org.camstream.process.RestartPolicy;
import org.camstream.process.SampleListener;
import org.camstream.process.Scheduler;
import org.camstream.process.StartException;
import org.camstream.process.Supervisor;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.stream.RateMeter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A capture process shared by every viewer who needs it: a camera's source, its transcoder or its sound. It
 * starts when the first viewer takes a {@link Lease}, stops {@code idle-stop} after the last one leaves, and is
 * kept running in between by a {@link Supervisor}, which restarts it when it dies. What it makes goes out as
 * {@link Frame}s, numbered by a sequence shared with everything else that shows pictures to the same viewers.
 *
 * <p>The leases are counted under this object's lock, which guards only the count and the idle timer; the
 * decisions go to the supervisor with a version, after the lock is let go, so that a stop and a start decided
 * in quick succession on two threads are applied in the order they were decided. Samples take no lock, except
 * once per process, at its first.
 */
public final class CaptureSupervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(CaptureSupervisor.class);

    private final String role;
    private final Launcher launcher;
    private final Supplier<CameraSettings> settings;
    private final Supplier<Duration> idleStop;
    private final FrameSink frames;
    private final Scheduler scheduler;
    private final AtomicLong sequence;
    private final ProcessLog log;
    private final Supervisor supervisor;
    private final RateMeter rate = RateMeter.forFrames();
    private final AtomicLong sampleCount = new AtomicLong();
    private final AtomicLong discardCount = new AtomicLong();
    /** The settings the latest process started with, for the status. */
    private volatile CameraSettings running;
    private volatile long awaitingFirst = -1;

    // Guarded by this.
    private int leases;
    private long version;
    private long stopToken;
    private Scheduler.Task pendingStop;
    private boolean closed;

    /**
     * @param role what the process is, for the log: "camera", "transcoder" or "audio"
     * @param sequence numbers frames; shared by everything that publishes pictures to the same viewers
     */
    public CaptureSupervisor(String role, Launcher launcher, Supplier<CameraSettings> settings,
            Supplier<Duration> idleStop, FrameSink frames, Scheduler scheduler, RestartPolicy policy,
            AtomicLong sequence) {
        this.role = role;
        this.launcher = launcher;
        this.settings = settings;
        this.idleStop = idleStop;
        this.frames = frames;
        this.scheduler = scheduler;
        this.sequence = sequence;
        this.log = new ProcessLog(role, LogLimiter.standard());
        this.running = settings.get();
        this.supervisor = new Supervisor(role, scheduler, policy, log, Secrets::mask, new Starter());
    }

    /** A viewer's claim on the process. Closing it more than once is harmless. */
    private final class SupervisorLease implements Lease {
        private final AtomicBoolean open = new AtomicBoolean(true);

        @Override
        public void close() {
            if (open.compareAndSet(true, false)) {
                release();
            }
        }
    }

    /** Claims the process, starting it if it is idle. */
    public Lease acquire() {
        Scheduler.Task cancelled;
        long decision;
        synchronized (this) {
            if (closed) {
                throw new IllegalStateException(role + " supervisor is closed");
            }
            leases++;
            stopToken++;
            cancelled = pendingStop;
            pendingStop = null;
            decision = ++version;
        }
        if (cancelled != null) {
            cancelled.cancel();
        }
        supervisor.want(true, decision);
        return new SupervisorLease();
    }

    private void release() {
        long token;
        synchronized (this) {
            leases--;
            if (leases > 0 || closed) {
                return;
            }
            token = ++stopToken;
        }
        Scheduler.Task task = scheduler.schedule(idleStop.get(), () -> stopIfUnused(token));
        boolean stale;
        synchronized (this) {
            stale = token != stopToken;
            if (!stale) {
                pendingStop = task;
            }
        }
        if (stale) {
            task.cancel();
        }
    }

    private void stopIfUnused(long token) {
        long decision;
        synchronized (this) {
            if (token != stopToken || leases > 0 || closed) {
                return;
            }
            pendingStop = null;
            decision = ++version;
        }
        ProcessState state = supervisor.state();
        if (state == ProcessState.STARTING || state == ProcessState.RUNNING) {
            LOG.info("{}: no viewers for {} s, stopping", role, idleStop.get().toMillis() / 1000.0);
        }
        supervisor.want(false, decision);
    }

    /**
     * Restarts the process with the current settings, if it is running or waiting to restart; viewers stay
     * attached and get the new pictures. An idle process just starts with the new settings next time.
     */
    public void restart() {
        supervisor.restart();
    }

    /** Runs {@code listener} on the scheduler after each change of state. */
    public void onStateChange(Runnable listener) {
        supervisor.onStateChange(listener);
    }

    public CaptureStatus status() {
        CameraSettings s = running;
        var process = supervisor.status();
        boolean live = process.state() == ProcessState.RUNNING || process.state() == ProcessState.STARTING;
        return new CaptureStatus(s.source().id(), process, new CaptureStatus.Format(s.width(), s.height(), s.fps()),
                new CaptureStatus.Counts(live ? rate.perSecond(System.nanoTime()) : 0, sampleCount.get(),
                        discardCount.get()));
    }

    public ProcessState state() {
        return supervisor.state();
    }

    public synchronized int leases() {
        return leases;
    }

    /** Stops the process and waits for it to end, at most a few seconds, then kills it. */
    @Override
    public void close() {
        Scheduler.Task cancelled;
        synchronized (this) {
            closed = true;
            stopToken++;
            cancelled = pendingStop;
            pendingStop = null;
        }
        if (cancelled != null) {
            cancelled.cancel();
        }
        supervisor.close();
        frames.onCameraStopped();
    }

    /** Starts the launcher's process on the settings of the moment, and counts what it makes. */
    private final class Starter implements Supervisor.Starter {
        private volatile CameraSettings describing;

        @Override
        public ChildProcess start(long generation) throws StartException {
            CameraSettings current = settings.get();
            running = current;
            describing = current;
            rate.reset();
            awaitingFirst = generation;
            return launcher.start(current, new Listener(generation));
        }

        @Override
        public String describe() {
            CameraSettings current = describing;
            return launcher.describe(current == null ? settings.get() : current);
        }

        @Override
        public void ended(long generation) {
            frames.onCameraStopped();
        }
    }

    /** Turns one process's output into frames; ignores everything once a newer process has started. */
    private final class Listener implements SampleListener {
        private final long gen;

        Listener(long gen) {
            this.gen = gen;
        }

        @Override
        public void onSample(byte[] data, boolean sync) {
            if (supervisor.isCurrent(gen)) {
                publish(Frame.capturedNow(data, sequence.incrementAndGet(), sync));
            }
        }

        @Override
        public void onPicture(byte[] annexB, CodedPicture picture) {
            if (supervisor.isCurrent(gen)) {
                publish(Frame.capturedNow(annexB, sequence.incrementAndGet(), picture));
            }
        }

        @Override
        public void onSample(byte[] data, boolean sync, CaptureTime captured) {
            if (supervisor.isCurrent(gen)) {
                publish(Frame.of(data, sequence.incrementAndGet(), captured.epochMicros(), captured.nanos(), sync));
            }
        }

        @Override
        public void onPicture(byte[] annexB, CodedPicture picture, CaptureTime captured) {
            if (supervisor.isCurrent(gen)) {
                publish(Frame.of(annexB, sequence.incrementAndGet(), captured.epochMicros(), captured.nanos(),
                        picture));
            }
        }

        private void publish(Frame frame) {
            rate.mark(frame.captureNanos());
            sampleCount.incrementAndGet();
            if (awaitingFirst == gen) {
                awaitingFirst = -1;
                supervisor.delivered(gen);
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
