package org.camstream.camera.source;

import com.github.kokorin.jaffree.ffmpeg.Input;
import com.github.kokorin.jaffree.ffmpeg.PipeInput;
import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import org.camstream.config.Codec;
import org.camstream.config.CameraSettings;
import org.camstream.process.ChildProcess;
import org.camstream.process.SampleListener;
import org.camstream.process.StartException;
import org.camstream.process.FfmpegProcess;
import org.camstream.process.DeferredProcess;

/**
 * Anything ffmpeg reads, as a camera: an RTSP IP camera, an HTTP stream, or a file, which is played at its
 * own rate in an endless loop so that a recording can stand in for a camera. Stream-copied when it already
 * has the camera codec camstream is set to and no rotation or flip is asked for; otherwise decoded, fitted to
 * the configured size, and encoded.
 */
final class FfmpegInputCapture {

    private FfmpegInputCapture() {
    }

    static ChildProcess start(CameraSettings settings, SampleListener listener, ScheduledExecutorService scheduler) {
        return DeferredProcess.start("camstream-ffmpeg-input", () -> open(settings, listener, scheduler));
    }

    private static ChildProcess open(CameraSettings settings, SampleListener listener, ScheduledExecutorService scheduler)
            throws StartException {
        String input = settings.input();
        boolean url = input.matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
        List<String> networkOptions = new ArrayList<>();
        if (input.toLowerCase(Locale.ROOT).startsWith("rtsp")) {
            networkOptions.addAll(List.of("-rtsp_transport", "tcp")); // UDP loses packets, and frames with them
        }
        Path file = null;
        if (!url) {
            file = Path.of(input).toAbsolutePath();
            if (!Files.isRegularFile(file)) {
                throw new StartException("the input file " + file + " does not exist");
            }
        }
        MediaProbe.Result probe = MediaProbe.probe(url ? input : file.toString(), networkOptions);
        String wanted = settings.codec() == Codec.H264 ? "h264" : "mjpeg";
        boolean copy = probe.codec().equals(wanted) && !VideoFilters.changesOrientation(settings);

        Input ffmpegInput;
        LoopingFileStream looping = null;
        if (url) {
            UrlInput urlInput = UrlInput.fromUrl(input);
            for (int i = 0; i + 1 < networkOptions.size(); i += 2) {
                urlInput.addArguments(networkOptions.get(i), networkOptions.get(i + 1));
            }
            ffmpegInput = urlInput;
        } else if (probe.isElementaryStream()) {
            try {
                looping = new LoopingFileStream(file);
                ffmpegInput = PipeInput.pumpFrom(looping, FfmpegProcess.PIPE_BUFFER_BYTES)
                        .setFormat(probe.format().contains("jpeg") ? "mjpeg" : probe.format())
                        .setReadAtFrameRate(true);
            } catch (IOException e) {
                throw new StartException("cannot read " + file + ": " + e.getMessage(), e);
            }
        } else {
            ffmpegInput = UrlInput.fromPath(file).setReadAtFrameRate(true).setStreamLoop(-1);
        }

        List<String> notes = new ArrayList<>();
        notes.add((url ? "reading " : "looping the file ") + (url ? input : file) + " (" + probe.codec() + ")");
        notes.add(copy ? "stream copy: the picture keeps the source's size" : "decoding and encoding to "
                + wanted + " at " + settings.width() + "x" + settings.height());
        List<String> filters = new ArrayList<>(VideoFilters.fit(settings));
        filters.addAll(VideoFilters.orientation(settings));
        OutputPlan plan = copy ? OutputPlan.copy(settings.codec(), listener)
                : OutputPlan.encode(settings, filters, listener);
        ChildProcess capture = FfmpegProcess.start(List.of(ffmpegInput), plan.output(), plan.parser(), listener,
                scheduler, notes);
        LoopingFileStream opened = looping;
        if (opened != null) {
            capture.exit().whenComplete((how, error) -> {
                try {
                    opened.close();
                } catch (IOException e) {
                    // nothing left to do with a file we only read
                }
            });
        }
        return capture;
    }
}
