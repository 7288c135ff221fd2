package org.camstream.camera;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Supplier;
import org.camstream.record.Recordings;
import org.camstream.timelapse.Timelapses;

/**
 * What the server lends every camera: a scheduler thread for timers and short tasks, the writer pool that
 * answers held requests and closes viewers off the cameras' threads, the idle-stop setting, the recordings'
 * disk and catalogue, and the timelapses' (null: no timelapse). Nothing in it belongs to one camera, so a camera
 * that fails or goes leaves it as it was.
 */
public record CameraServices(ScheduledExecutorService executor, Executor writers, Supplier<Duration> idleStop,
        Recordings recordings, Timelapses timelapses) {

    /** Without timelapses. */
    public CameraServices(ScheduledExecutorService executor, Executor writers, Supplier<Duration> idleStop,
            Recordings recordings) {
        this(executor, writers, idleStop, recordings, null);
    }
}
