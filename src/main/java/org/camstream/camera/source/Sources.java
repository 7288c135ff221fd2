package org.camstream.camera.source;

import java.util.concurrent.ScheduledExecutorService;
import org.camstream.config.CameraSettings;
import org.camstream.process.ChildProcess;
import org.camstream.process.SampleListener;
import org.camstream.process.StartException;
import org.camstream.process.Launcher;

/** The capture factory for every source camstream knows. */
public final class Sources implements Launcher {

    private final ScheduledExecutorService scheduler;

    public Sources(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public ChildProcess start(CameraSettings settings, SampleListener listener) throws StartException {
        switch (settings.source()) {
            case TEST:
                return TestPatternCapture.start(settings, listener, scheduler);
            case RPICAM:
                return RpicamCapture.start(settings, listener, scheduler);
            case V4L2:
                return V4l2Capture.start(settings, listener, scheduler);
            case FFMPEG:
                return FfmpegInputCapture.start(settings, listener, scheduler);
            default:
                throw new StartException("unknown source " + settings.source().id());
        }
    }
}
