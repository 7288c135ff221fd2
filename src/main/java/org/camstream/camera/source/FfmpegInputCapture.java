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
import org.camstream.process.HiddenUrl;

/**
 * Anything ffmpeg reads, as a camera: an RTSP IP camera, an HTTP stream, or a file, which is played at its
 * own rate in an endless loop so that a recording can stand in for a camera. Stream-copied when it already
 * has the camera codec camstream is set to and no rotation or flip is asked for; otherwise decoded, fitted to
 * the configured size, and encoded. A URL with a password reaches ffprobe and ffmpeg in a file only camstream's
 * user can read ({@link HiddenUrl}), not on their command lines.
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
        if (!url) {
            return openFile(settings, Path.of(input).toAbsolutePath(), listener, scheduler);
        }
        // Option names and values, as -i takes them without the dash and as an ffconcat script's option lines.
        List<String> options = input.toLowerCase(Locale.ROOT).startsWith("rtsp")
                ? List.of("rtsp_transport", "tcp") // UDP loses packets, and frames with them
                : List.of();
        if (!HiddenUrl.needed(input)) {
            List<String> dashed = new ArrayList<>();
            UrlInput urlInput = UrlInput.fromUrl(input);
            for (int i = 0; i + 1 < options.size(); i += 2) {
                dashed.addAll(List.of("-" + options.get(i), options.get(i + 1)));
                urlInput.addArguments("-" + options.get(i), options.get(i + 1));
            }
            MediaProbe.Result probe = MediaProbe.probe(input, dashed);
            return start(settings, urlInput, probe, input, null, listener, scheduler);
        }
        // The password stays off ffmpeg's and ffprobe's command lines, which every local user can read.
        HiddenUrl hidden = HiddenUrl.write(input, options);
        try {
            MediaProbe.Result probe = MediaProbe.probe(hidden.input(), hidden.inputOptions(), input);
            ChildProcess capture = start(settings, hidden.ffmpegInput(), probe, input, null, listener, scheduler);
            hidden.deleteWhenEnded(capture);
            return capture;
        } catch (StartException | RuntimeException e) {
            hidden.close();
            throw e;
        }
    }

    private static ChildProcess openFile(CameraSettings settings, Path file, SampleListener listener,
            ScheduledExecutorService scheduler) throws StartException {
        if (!Files.isRegularFile(file)) {
            throw new StartException("the input file " + file + " does not exist");
        }
        MediaProbe.Result probe = MediaProbe.probe(file.toString(), List.of());
        if (!probe.isElementaryStream()) {
            Input looped = UrlInput.fromPath(file).setReadAtFrameRate(true).setStreamLoop(-1);
            return start(settings, looped, probe, null, file, listener, scheduler);
        }
        LoopingFileStream looping;
        try {
            looping = new LoopingFileStream(file);
        } catch (IOException e) {
            throw new StartException("cannot read " + file + ": " + e.getMessage(), e);
        }
        Input piped = PipeInput.pumpFrom(looping, FfmpegProcess.PIPE_BUFFER_BYTES)
                .setFormat(probe.format().contains("jpeg") ? "mjpeg" : probe.format())
                .setReadAtFrameRate(true);
        ChildProcess capture = start(settings, piped, probe, null, file, listener, scheduler);
        capture.exit().whenComplete((how, error) -> {
            try {
                looping.close();
            } catch (IOException e) {
                // nothing left to do with a file we only read
            }
        });
        return capture;
    }

    /** url: the input URL, or null for the file. */
    private static ChildProcess start(CameraSettings settings, Input ffmpegInput, MediaProbe.Result probe, String url,
            Path file, SampleListener listener, ScheduledExecutorService scheduler) {
        String wanted = settings.codec() == Codec.H264 ? "h264" : "mjpeg";
        boolean copy = probe.codec().equals(wanted) && !VideoFilters.changesOrientation(settings);
        List<String> notes = new ArrayList<>();
        notes.add((url != null ? "reading " + url : "looping the file " + file) + " (" + probe.codec() + ")");
        notes.add(copy ? "stream copy: the picture keeps the source's size" : "decoding and encoding to "
                + wanted + " at " + settings.width() + "x" + settings.height());
        List<String> filters = new ArrayList<>(VideoFilters.fit(settings));
        filters.addAll(VideoFilters.orientation(settings));
        OutputPlan plan = copy ? OutputPlan.copy(settings.codec(), listener)
                : OutputPlan.encode(settings, filters, listener);
        return FfmpegProcess.start(List.of(ffmpegInput), plan.output(), plan.parser(), listener, scheduler, notes);
    }
}
