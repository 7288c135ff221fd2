package org.camstream.process;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A capture whose process can only be chosen after some slow looking-around (probing an input, listing a
 * webcam's formats). The looking happens on its own thread, so the viewer whose arrival started the camera,
 * and the supervisor, never wait for it. Stopping during the looking interrupts it, and the programs it runs
 * ({@code ffprobe}, {@code ffmpeg -list_formats}) are killed, so none outlives the server.
 */
public final class DeferredProcess implements ChildProcess {

    private final CompletableFuture<String> exit = new CompletableFuture<>();
    private ChildProcess inner;
    private boolean stopped;
    private Thread looking;

    private DeferredProcess() {
    }

    public static DeferredProcess start(String name, Callable<ChildProcess> starter) {
        DeferredProcess capture = new DeferredProcess();
        Thread thread = new Thread(() -> capture.run(starter), name);
        thread.setDaemon(true);
        synchronized (capture) {
            capture.looking = thread;
        }
        thread.start();
        return capture;
    }

    private void run(Callable<ChildProcess> starter) {
        ChildProcess started;
        try {
            started = starter.call();
        } catch (Exception e) {
            exit.complete(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        boolean stopNow;
        synchronized (this) {
            inner = started;
            looking = null;
            stopNow = stopped;
        }
        Thread.interrupted(); // an interrupt that came too late to stop the looking has done its job
        started.exit().whenComplete((how, error) -> exit.complete(error == null ? how : error.toString()));
        if (stopNow) {
            started.stop();
        }
    }

    @Override
    public void stop() {
        ChildProcess current;
        Thread stillLooking;
        synchronized (this) {
            stopped = true;
            current = inner;
            stillLooking = looking;
        }
        if (current != null) {
            current.stop();
        } else if (stillLooking != null) {
            stillLooking.interrupt();
        }
    }

    @Override
    public void kill() {
        stop();
        ChildProcess current;
        synchronized (this) {
            current = inner;
        }
        if (current != null) {
            current.kill();
        }
    }

    @Override
    public CompletableFuture<String> exit() {
        return exit;
    }

    @Override
    public OptionalLong pid() {
        ChildProcess current = inner();
        return current == null ? OptionalLong.empty() : current.pid();
    }

    @Override
    public boolean failedPersistently() {
        // A failure before any process ran (a missing input, a webcam without the format) will not cure itself.
        ChildProcess current = inner();
        return current == null || current.failedPersistently();
    }

    @Override
    public List<String> notes() {
        ChildProcess current = inner();
        return current == null ? List.of() : current.notes();
    }

    private synchronized ChildProcess inner() {
        return inner;
    }
}
