package org.camstream.camera;

import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;

/**
 * A capture whose process can only be chosen after some slow looking-around (probing an input, listing a
 * webcam's formats). The looking happens on its own thread, so the viewer whose arrival started the camera,
 * and the supervisor's lock, never wait for it.
 */
final class DeferredCapture implements Capture {

    private final CompletableFuture<String> exit = new CompletableFuture<>();
    private Capture inner;
    private boolean stopped;

    private DeferredCapture() {
    }

    static DeferredCapture start(String name, Callable<Capture> starter) {
        DeferredCapture capture = new DeferredCapture();
        Thread thread = new Thread(() -> capture.run(starter), name);
        thread.setDaemon(true);
        thread.start();
        return capture;
    }

    private void run(Callable<Capture> starter) {
        Capture started;
        try {
            started = starter.call();
        } catch (Exception e) {
            exit.complete(e.getMessage() == null ? e.toString() : e.getMessage());
            return;
        }
        boolean stopNow;
        synchronized (this) {
            inner = started;
            stopNow = stopped;
        }
        started.exit().whenComplete((how, error) -> exit.complete(error == null ? how : error.toString()));
        if (stopNow) {
            started.stop();
        }
    }

    @Override
    public void stop() {
        Capture current;
        synchronized (this) {
            stopped = true;
            current = inner;
        }
        if (current != null) {
            current.stop();
        }
    }

    @Override
    public void kill() {
        Capture current;
        synchronized (this) {
            stopped = true;
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
    public synchronized OptionalLong pid() {
        return inner == null ? OptionalLong.empty() : inner.pid();
    }

    @Override
    public synchronized boolean failedPersistently() {
        // A failure before any process ran (a missing input, a webcam without the format) will not cure itself.
        return inner == null || inner.failedPersistently();
    }

    @Override
    public synchronized List<String> notes() {
        return inner == null ? List.of() : inner.notes();
    }
}
