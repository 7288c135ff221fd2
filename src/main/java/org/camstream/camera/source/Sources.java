package org.camstream.camera.source;

import java.util.concurrent.ScheduledExecutorService;
import org.camstream.config.Settings;
import org.camstream.camera.Capture;
import org.camstream.camera.CaptureListener;
import org.camstream.camera.CameraException;
import org.camstream.camera.CaptureFactory;

/** The capture factory for every source camstream knows. */
public final class Sources implements CaptureFactory {

    private final ScheduledExecutorService scheduler;

    public Sources(ScheduledExecutorService scheduler) {
        this.scheduler = scheduler;
    }

    @Override
    public Capture start(Settings settings, CaptureListener listener) throws CameraException {
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
                throw new CameraException("unknown source " + settings.source().id());
        }
    }
}
