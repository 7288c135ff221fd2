package org.camstream.web;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.camstream.camera.Scheduler;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.Setting;
import org.camstream.config.Settings;
import org.camstream.config.SettingsLoader;
import org.camstream.hls.HeldRequests;
import org.camstream.hls.HlsCounters;
import org.camstream.hls.HlsService;
import org.camstream.publish.Publishers;

/**
 * The running application: it builds the parts, hands them to the servlets, and stops them in order. The
 * path of a frame, camera to fan-out, is {@link FramePath}; the viewers are {@link StreamingResponses} (HTTP)
 * and {@link WebSocketViewers}, admitted by {@link ViewerLimit}; {@link LiveSettings} holds the settings.
 */
final class Camstream implements AutoCloseable {

    private final long startNanos = System.nanoTime();
    private final ScheduledThreadPoolExecutor executor;
    /**
     * Writes to viewers, HTTP and WebSocket, off the camera's thread and off the container's request threads,
     * so that a flood of requests cannot delay the pictures of the viewers already in. A few threads for all
     * viewers, not one each. Its queue holds at most one task per viewer (a viewer has one write under way or
     * waiting at a time), so it is bounded by max-viewers.
     */
    private final ThreadPoolExecutor writers;
    private final LiveSettings settings;
    private final FramePath path;
    private final OfflinePlaceholder placeholder;
    private final StreamCounters counters = new StreamCounters();
    private final ViewerLimit limit;
    private final StreamingResponses responses;
    private final WebSocketViewers webSockets;
    private final HlsService hls;
    private final HlsCounters hlsCounters = new HlsCounters();
    private final StatusHistory history;
    private final Publishers publishers;
    /** The settings the camera and the publishers last started with, to tell what a change changed. */
    private final java.util.concurrent.atomic.AtomicReference<ResolvedSettings> installed;

    Camstream(SettingsLoader loader, ResolvedSettings initial) {
        this.settings = new LiveSettings(loader, initial);
        this.executor = new ScheduledThreadPoolExecutor(1, daemon("camstream-scheduler"));
        executor.setRemoveOnCancelPolicy(true);
        // At shutdown, close() has already waited for the processes (and killed any that would not end), so
        // the delayed escalations of their stops have nothing left to do; do not wait for them.
        executor.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        executor.setContinueExistingPeriodicTasksAfterShutdownPolicy(false);
        int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
        this.writers = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                daemon("camstream-writer"));
        writers.allowCoreThreadTimeOut(true);

        this.path = new FramePath(initial.settings(), settings::current, Scheduler.on(executor), executor);
        this.placeholder = new OfflinePlaceholder(path, settings::current, executor);
        this.limit = new ViewerLimit(() -> settings.current().maxViewers());
        this.responses = new StreamingResponses(executor, () -> settings.current().viewerTimeout());
        this.webSockets = new WebSocketViewers(executor, () -> settings.current().viewerTimeout());
        // Held HLS requests: twice max-viewers, one blocking playlist and one hinted part for each of that many
        // players; behind a caching proxy there are only a few.
        HeldRequests held = new HeldRequests(Scheduler.on(executor), writers, () -> 2 * settings.current().maxViewers());
        this.hls = new HlsService(path::acquireMp4, path.video().mp4(), () -> settings.current().fps(),
                Scheduler.on(executor), held, () -> hlsIdle(settings.current()), System::nanoTime);
        path.camera().onStateChange(() -> webSockets.broadcast(path.camera().status()));
        Scheduler scheduler = Scheduler.on(executor);
        this.history = new StatusHistory(scheduler, StatusHistory.INTERVAL, StatusHistory.CAPACITY,
                () -> StatusDocument.sample(this, scheduler.now()));
        history.start();
        this.publishers = new Publishers(path::acquireVideo, path.video().mp4(), scheduler,
                () -> settings.current().fps());
        this.installed = new java.util.concurrent.atomic.AtomicReference<>(initial);
        settings.onChange(this::settingsChanged);
        publishers.apply(initial.settings().publish(), initial.settings().publishRetry());
    }

    /**
     * New settings from the admin page. A change of the relays alone leaves the camera running, so that
     * camstream's viewers see no pause; every other change restarts it, as before.
     */
    private void settingsChanged() {
        ResolvedSettings next = settings.resolved();
        ResolvedSettings before = installed.getAndSet(next);
        if (!onlyPublishingChanged(before, next)) {
            path.restartWithNewSettings();
        }
        publishers.apply(next.settings().publish(), next.settings().publishRetry());
    }

    private static boolean onlyPublishingChanged(ResolvedSettings before, ResolvedSettings after) {
        for (Setting setting : Setting.values()) {
            if (setting == Setting.PUBLISH || setting == Setting.PUBLISH_RETRY) {
                continue;
            }
            ResolvedSettings.Value a = before.value(setting);
            ResolvedSettings.Value b = after.value(setting);
            if (!java.util.Objects.equals(a == null ? null : a.raw(), b == null ? null : b.raw())) {
                return false;
            }
        }
        return true;
    }

    private static java.util.concurrent.ThreadFactory daemon(String name) {
        return runnable -> {
            Thread thread = new Thread(runnable, name);
            thread.setDaemon(true);
            return thread;
        };
    }

    /**
     * How long the HLS muxer runs after the last HLS request: idle-stop, but at least 5 s, more than the longest
     * hold and the pause between a player's requests, so that an idle-stop of 0 does not end a run per request.
     */
    static Duration hlsIdle(Settings settings) {
        Duration minimum = Duration.ofSeconds(5);
        return settings.idleStop().compareTo(minimum) < 0 ? minimum : settings.idleStop();
    }

    Settings settings() {
        return settings.current();
    }

    LiveSettings liveSettings() {
        return settings;
    }

    FramePath path() {
        return path;
    }

    StreamCounters counters() {
        return counters;
    }

    ViewerLimit limit() {
        return limit;
    }

    StreamingResponses responses() {
        return responses;
    }

    WebSocketViewers webSockets() {
        return webSockets;
    }

    HlsService hls() {
        return hls;
    }

    HlsCounters hlsCounters() {
        return hlsCounters;
    }

    Publishers publishers() {
        return publishers;
    }

    ScheduledExecutorService executor() {
        return executor;
    }

    Executor writers() {
        return writers;
    }

    long uptimeMillis() {
        return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startNanos);
    }

    StatusHistory history() {
        return history;
    }

    /** The document behind {@code /api/status}. */
    Map<String, Object> status() {
        return StatusDocument.of(this);
    }

    /**
     * Ends every viewer, stops the processes and waits for them, then stops the threads. The publishers first:
     * their ffmpegs end once their input does, and their leases would keep the camera running.
     */
    @Override
    public void close() {
        publishers.close();
        history.close();
        placeholder.close();
        hls.close();
        responses.close();
        webSockets.close();
        path.close();
        writers.shutdown();
        executor.shutdown();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                executor.shutdownNow();
            }
            if (!writers.awaitTermination(2, TimeUnit.SECONDS)) {
                writers.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            writers.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
