package org.camstream.camera.source;

import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import org.camstream.config.Codec;
import org.camstream.config.CameraSettings;
import org.camstream.process.ChildProcess;
import org.camstream.process.SampleListener;
import org.camstream.process.StartException;
import org.camstream.process.FfmpegProcess;
import org.camstream.process.DeferredProcess;

/**
 * A USB webcam through ffmpeg's video4linux2 input. Most webcams compress in hardware: when the webcam delivers
 * the camera codec camstream is set to (and no rotation or flip is asked for), its pictures are copied as they
 * are; otherwise ffmpeg decodes and encodes them.
 */
final class V4l2Capture {

    private V4l2Capture() {
    }

    static ChildProcess start(CameraSettings settings, SampleListener listener, ScheduledExecutorService scheduler) {
        return DeferredProcess.start("camstream-v4l2", () -> open(settings, listener, scheduler));
    }

    private static ChildProcess open(CameraSettings settings, SampleListener listener, ScheduledExecutorService scheduler)
            throws StartException {
        if (!Files.exists(Path.of(settings.device()))) {
            throw new StartException("there is no webcam at " + settings.device()
                    + "; plug one in, or set device (the admin page lists the ones found)");
        }
        V4l2Device device = new V4l2Device(settings.device(), "", V4l2Devices.formats(settings.device()));
        String wanted = settings.codec() == Codec.H264 ? "h264" : "mjpeg";
        boolean copy = device.offers(wanted) && !VideoFilters.changesOrientation(settings);
        String inputFormat = device.formatFor(settings);
        UrlInput input = UrlInput.fromUrl(settings.device()).setFormat("v4l2")
                .addArguments("-video_size", settings.width() + "x" + settings.height())
                .addArguments("-framerate", RpicamCommand.fps(settings.fps()));
        if (inputFormat != null) {
            input.addArguments("-input_format", inputFormat);
        }
        List<String> notes = new ArrayList<>();
        notes.add(copy ? "stream copy of the webcam's " + wanted
                : "encoding the webcam's " + (inputFormat == null ? "raw pictures" : inputFormat) + " to " + wanted);
        OutputPlan plan = copy ? OutputPlan.copy(settings.codec(), listener)
                : OutputPlan.encode(settings, VideoFilters.orientation(settings), listener);
        return FfmpegProcess.start(List.of(input), plan.output(), plan.parser(), listener, scheduler, notes);
    }
}
