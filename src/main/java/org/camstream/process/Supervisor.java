package org.camstream.process;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps one child process running while it is wanted, and no more than one: the state machine every process of
 * camstream's runs under, a camera, a transcoder, a sound source or a relay's ffmpeg. A process that ends while
 * wanted is started again after {@link RestartPolicy}'s backoff; one that delivered first was healthy and comes
 * back soon, one that never did backs off further each time. Whoever owns the supervisor says when the process
 * is wanted ({@link #want}), and reports its first output ({@link #delivered}).
 *
 * <p>Every operation decides under this object's lock what must happen and does it after letting go of the
 * lock: starting a process (on the scheduler), stopping one, scheduling and cancelling timers, notifying
 * listeners, logging. The lock guards this object's fields only, so nothing it calls can wait for a lock that
 * waits for this one.
 */
public final class Supervisor implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Supervisor.class);
    /** How long {@link #close} waits for a process to start or to end before it kills it. */
    static final Duration CLOSE_WAIT = Duration.ofSeconds(6);

    /** Starts the process of one generation. */
    public interface Starter {
        /**
         * Starts the process; returns at once. Failures to launch may also arrive later, through its exit.
         *
         * @throws StartException when it cannot be started at all; the message is for the user
         */
        ChildProcess start(long generation) throws StartException;

        /** What a start runs, for the log. */
        String describe();

        /** The process of generation {@code gen}, the latest, has ended; whatever it made last is stale now. */
        default void ended(long gen) {
        }
    }

    private final String role;
    private final Scheduler scheduler;
    private final RestartPolicy policy;
    private final ProcessLog log;
    private final UnaryOperator<String> mask;
    private final Starter starter;
    private final LogLimiter warnings = LogLimiter.standard();
    private final List<Runnable> stateListeners = new CopyOnWriteArrayList<>();

    // Guarded by this.
    private ProcessState state = ProcessState.IDLE;
    private Instant since;
    private boolean wanted;
    private long wantVersion = Long.MIN_VALUE;
    private ChildProcess process;
    private CompletableFuture<Void> launching;
    private Scheduler.Task pendingRestart;
    private long restartToken;
    private Instant retryAt;
    private int restarts;
    private boolean delivered;
    private ProcessError lastError;
    private ProcessError previousError;
    /** Counts process starts; the output and the exit of an older process are ignored. */
    private volatile long generation;

    /**
     * @param role what the process is, for the log: "camera", "transcoder", "audio", "relay rtmp://…"
     * @param log where the process's output lines go, and the last of them for an error message
     * @param mask hides the secrets in a message before it is shown or logged
     */
    public Supervisor(String role, Scheduler scheduler, RestartPolicy policy, ProcessLog log,
            UnaryOperator<String> mask, Starter starter) {
        this.role = role;
        this.scheduler = scheduler;
        this.policy = policy;
        this.log = log;
        this.mask = mask;
        this.starter = starter;
        this.since = scheduler.now();
    }

    /**
     * Whether the process should run. Decisions carry a version, taken where they were made, under the owner's
     * own lock: one that reaches here after a later one is stale and ignored, so two owners' threads racing
     * with opposite decisions end as the later decision says.
     */
    public void want(boolean wanted, long version) {
        List<Runnable> after = new ArrayList<>(3);
        synchronized (this) {
            if (version <= wantVersion || state == ProcessState.CLOSED) {
                return;
            }
            wantVersion = version;
            this.wanted = wanted;
            if (wanted && state == ProcessState.IDLE) {
                beginStart(after);
            } else if (!wanted && state == ProcessState.RESTARTING) {
                cancelPendingRestart(after);
                setState(ProcessState.IDLE, after);
            } else if (!wanted && (state == ProcessState.STARTING || state == ProcessState.RUNNING)) {
                stopProcess(after);
            }
        }
        runAll(after);
    }

    /**
     * Starts the process again with what its starter now makes of the settings, if it is running or waiting to
     * restart; an idle one starts that way next time. Earlier failures are forgiven.
     */
    public void restart() {
        List<Runnable> after = new ArrayList<>(3);
        synchronized (this) {
            policy.reset();
            if (state == ProcessState.STARTING || state == ProcessState.RUNNING) {
                after.add(() -> LOG.info("{}: restarting with new settings", role));
                stopProcess(after);
            } else if (state == ProcessState.RESTARTING && wanted) {
                beginStart(after);
            }
        }
        runAll(after);
    }

    /** The process of generation {@code gen} delivered: it counts as healthy, and its trouble is over. */
    public void delivered(long gen) {
        List<Runnable> after = new ArrayList<>(1);
        synchronized (this) {
            if (gen != generation || delivered) {
                return;
            }
            delivered = true;
            if (state == ProcessState.STARTING) {
                setState(ProcessState.RUNNING, after);
                if (lastError != null) {
                    previousError = lastError.recovered(scheduler.now());
                    lastError = null;
                }
            }
        }
        runAll(after);
    }

    /** Whether {@code gen} is the latest start, whose output counts. */
    public boolean isCurrent(long gen) {
        return gen == generation;
    }

    // Lock held.
    private void beginStart(List<Runnable> after) {
        cancelPendingRestart(after);
        long gen = ++generation;
        delivered = false;
        setState(ProcessState.STARTING, after);
        after.add(() -> scheduler.execute(() -> launch(gen)));
    }

    // Lock held. A process still being launched is stopped by launch() once it sees the state.
    private void stopProcess(List<Runnable> after) {
        ChildProcess stopping = process;
        setState(ProcessState.STOPPING, after);
        if (stopping != null) {
            after.add(stopping::stop);
        }
    }

    /** Starts the process of generation {@code gen}, on the scheduler; {@link #close} waits for it meanwhile. */
    private void launch(long gen) {
        CompletableFuture<Void> launched = new CompletableFuture<>();
        try {
            synchronized (this) {
                if (gen != generation || state == ProcessState.CLOSED) {
                    return;
                }
                launching = launched;
            }
            ChildProcess started;
            try {
                started = starter.start(gen);
            } catch (StartException e) {
                onExit(gen, e.getMessage(), true, false);
                return;
            } catch (RuntimeException e) {
                LOG.warn("The {} could not be started", role, e);
                onExit(gen, "the " + role + " could not be started: " + e, true, false);
                return;
            }
            boolean stopNow;
            synchronized (this) {
                if (gen != generation) {
                    stopNow = true;
                } else {
                    process = started;
                    stopNow = state == ProcessState.STOPPING || state == ProcessState.CLOSED;
                }
            }
            LOG.info("{}: started: {}", role, mask.apply(starter.describe()));
            if (stopNow) {
                started.stop();
            }
            started.exit().whenComplete((how, error) -> onExit(gen, error == null ? how : error.toString(),
                    started.failedPersistently(), started.endedWithoutFault()));
        } finally {
            launched.complete(null);
        }
    }

    private void onExit(long gen, String how, boolean persistent, boolean noFault) {
        List<Runnable> after = new ArrayList<>(4);
        String warning = null;
        synchronized (this) {
            if (gen != generation) {
                return;
            }
            process = null;
            after.add(() -> starter.ended(gen));
            if (state == ProcessState.STOPPING) {
                after.add(() -> LOG.info("{}: stopped", role));
                if (wanted) {
                    beginStart(after); // wanted again during the stop, or the settings changed
                } else {
                    setState(ProcessState.IDLE, after);
                }
            } else if (state != ProcessState.CLOSED) {
                String message = null;
                if (!noFault) {
                    String lastLine = log.last();
                    message = mask.apply(how + (lastLine == null ? "" : " (last output: " + lastLine + ")"));
                    lastError = new ProcessError(message, scheduler.now());
                }
                if (!wanted) {
                    setState(ProcessState.IDLE, after);
                    warning = message == null ? null : role + ": the process ended: " + message;
                } else {
                    restarts++;
                    Duration delay = noFault ? policy.afterPictures() : persistent ? policy.afterPersistentFailure()
                            : delivered ? policy.afterPictures() : policy.afterFailure();
                    if (message != null) {
                        warning = role + ": the process ended unexpectedly: " + message + "; restarting in "
                                + delay.toMillis() / 1000.0 + " s";
                    }
                    retryAt = scheduler.now().plus(delay);
                    setState(ProcessState.RESTARTING, after);
                    long token = ++restartToken;
                    after.add(() -> scheduleRestart(token, delay));
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

    /** Sets the backoff's timer, without the lock; a restart that is called off meanwhile finds a new token. */
    private void scheduleRestart(long token, Duration delay) {
        Scheduler.Task task = scheduler.schedule(delay, () -> restartAfterBackoff(token));
        boolean stale;
        synchronized (this) {
            stale = token != restartToken;
            if (!stale) {
                pendingRestart = task;
            }
        }
        if (stale) {
            task.cancel();
        }
    }

    private void restartAfterBackoff(long token) {
        List<Runnable> after = new ArrayList<>(3);
        synchronized (this) {
            if (token == restartToken && state == ProcessState.RESTARTING && wanted) {
                pendingRestart = null;
                beginStart(after);
            }
        }
        runAll(after);
    }

    // Lock held. The listeners run later, on the scheduler.
    private void setState(ProcessState next, List<Runnable> after) {
        if (state == next) {
            return;
        }
        state = next;
        since = scheduler.now();
        if (next != ProcessState.RESTARTING) {
            retryAt = null;
        }
        for (Runnable listener : stateListeners) {
            after.add(() -> scheduler.execute(listener));
        }
    }

    // Lock held: the timer itself is cancelled after it is let go.
    private void cancelPendingRestart(List<Runnable> after) {
        Scheduler.Task pending = pendingRestart;
        pendingRestart = null;
        restartToken++;
        if (pending != null) {
            after.add(pending::cancel);
        }
    }

    /** Runs {@code listener} on the scheduler after each change of state. */
    public void onStateChange(Runnable listener) {
        stateListeners.add(listener);
    }

    public ProcessStatus status() {
        ChildProcess current;
        ProcessStatus partial;
        synchronized (this) {
            current = process;
            partial = new ProcessStatus(state, since, restarts,
                    new ProcessStatus.Trouble(lastError, previousError, retryAt), null, null);
        }
        Long pid = current == null || current.pid().isEmpty() ? null : current.pid().getAsLong();
        List<String> notes = current == null ? List.of() : current.notes();
        List<String> masked = new ArrayList<>(notes.size());
        for (String note : notes) {
            masked.add(mask.apply(note));
        }
        return new ProcessStatus(partial.state(), partial.since(), partial.restarts(), partial.trouble(), pid,
                new ProcessStatus.RecentOutput(log.lines(), log.recent(20), masked));
    }

    public synchronized ProcessState state() {
        return state;
    }

    /** Stops the process and waits for it to end, at most a few seconds, then kills it. */
    @Override
    public void close() {
        List<Runnable> after = new ArrayList<>(2);
        CompletableFuture<Void> inFlight;
        synchronized (this) {
            if (state == ProcessState.CLOSED) {
                return;
            }
            cancelPendingRestart(after);
            inFlight = launching;
            wanted = false;
            setState(ProcessState.CLOSED, after);
        }
        runAll(after);
        if (inFlight != null) {
            await(inFlight, "start");
        }
        ChildProcess stopping;
        synchronized (this) {
            stopping = process;
        }
        if (stopping != null) {
            stopping.stop();
            if (!await(stopping.exit(), "end")) {
                LOG.error("The {} process {} did not end; killing it", role, stopping.pid());
                stopping.kill();
            }
        }
    }

    /** Ends a process at once, for a shutdown that has waited long enough. */
    public void kill() {
        ChildProcess running;
        synchronized (this) {
            running = process;
        }
        if (running != null) {
            running.kill();
        }
    }

    /** The running process's exit, or a completed future when none runs: what a stop can wait for. */
    public CompletableFuture<Void> ended() {
        ChildProcess running;
        CompletableFuture<Void> inFlight;
        synchronized (this) {
            running = process;
            inFlight = launching == null ? CompletableFuture.completedFuture(null) : launching;
        }
        CompletableFuture<Void> exit = running == null ? CompletableFuture.completedFuture(null)
                : running.exit().handle((how, error) -> null);
        return CompletableFuture.allOf(exit, inFlight).thenCompose(ignored -> {
            ChildProcess late;
            synchronized (this) {
                late = process;
            }
            return late == null || late == running ? CompletableFuture.completedFuture(null)
                    : late.exit().handle((how, error) -> null);
        });
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

    static void runAll(List<Runnable> actions) {
        for (Runnable action : actions) {
            try {
                action.run();
            } catch (RuntimeException e) {
                LOG.warn("A process state change could not be carried out", e);
            }
        }
    }

}
