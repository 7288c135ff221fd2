package org.camstream.camera;

import com.github.kokorin.jaffree.StreamType;
import com.github.kokorin.jaffree.ffmpeg.Input;
import com.github.kokorin.jaffree.ffmpeg.PipeInput;
import com.github.kokorin.jaffree.ffmpeg.PipeOutput;
import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;
import org.camstream.config.Codec;
import org.camstream.config.Settings;

/**
 * Anything ffmpeg reads, as a camera: an RTSP IP camera, an HTTP stream, or a file, which is played at its
 * own rate in an endless loop so that a recording can stand in for a camera. Stream-copied when it already
 * has the camera codec camstream is set to and no rotation or flip is asked for; otherwise decoded, fitted to
 * the configured size, and encoded.
 */
final class FfmpegInputCapture {

    private FfmpegInputCapture() {
    }

    static Capture start(Settings settings, CaptureListener listener, ScheduledExecutorService scheduler) {
        return DeferredCapture.start("camstream-ffmpeg-input", () -> open(settings, listener, scheduler));
    }

    private static Capture open(Settings settings, CaptureListener listener, ScheduledExecutorService scheduler)
            throws CameraException {
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
                throw new CameraException("the input file " + file + " does not exist");
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
                ffmpegInput = PipeInput.pumpFrom(looping, FfmpegCapture.PIPE_BUFFER_BYTES)
                        .setFormat(probe.format().contains("jpeg") ? "mjpeg" : probe.format())
                        .setReadAtFrameRate(true);
            } catch (IOException e) {
                throw new CameraException("cannot read " + file + ": " + e.getMessage(), e);
            }
        } else {
            ffmpegInput = UrlInput.fromPath(file).setReadAtFrameRate(true).setStreamLoop(-1);
        }

        List<String> notes = new ArrayList<>();
        notes.add((url ? "reading " : "looping the file ") + (url ? input : file) + " (" + probe.codec() + ")");
        notes.add(copy ? "stream copy: the picture keeps the source's size" : "decoding and encoding to "
                + wanted + " at " + settings.width() + "x" + settings.height());
        Consumer<PipeOutput> output;
        PictureParser parser;
        if (copy) {
            output = out -> out.setFormat(wanted).setCodec(StreamType.VIDEO, "copy").disableStream(StreamType.AUDIO)
                    .addArguments("-flush_packets", "1");
            parser = settings.codec() == Codec.H264 ? new AnnexBPictureParser(listener)
                    : new MjpegPictureParser(listener);
        } else {
            List<String> filters = new ArrayList<>(VideoFilters.fit(settings));
            filters.addAll(VideoFilters.orientation(settings));
            String chain = String.join(",", filters);
            if (settings.codec() == Codec.H264) {
                output = out -> {
                    H264Output.configure(out, settings);
                    out.disableStream(StreamType.AUDIO).addArguments("-vf", chain)
                            .addArguments("-r", RpicamCommand.fps(settings.fps()));
                };
                parser = new FlvPictureParser(listener);
            } else {
                output = out -> TestPatternCapture.configureMjpeg(out, settings).disableStream(StreamType.AUDIO)
                        .addArguments("-vf", chain).addArguments("-r", RpicamCommand.fps(settings.fps()));
                parser = new MjpegPictureParser(listener);
            }
        }
        Capture capture = FfmpegCapture.start(List.of(ffmpegInput), output, parser, listener, scheduler, notes);
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
