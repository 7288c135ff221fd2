package org.camstream.camera.source;

import com.github.kokorin.jaffree.StreamType;
import com.github.kokorin.jaffree.ffmpeg.PipeOutput;
import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import org.camstream.config.AudioInput;
import org.camstream.config.Codec;
import org.camstream.config.CameraSettings;
import org.camstream.process.ChildProcess;
import org.camstream.process.SampleListener;
import org.camstream.process.FfmpegProcess;
import org.camstream.camera.picture.FlvPictureParser;
import org.camstream.camera.picture.MjpegPictureParser;

/** The built-in camera: ffmpeg's testsrc2 pattern with the wall-clock time drawn on it, paced in real time. */
final class TestPatternCapture {

    private static final List<Path> FONTS = List.of(
            Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSansMono-Bold.ttf"),
            Path.of("/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"),
            Path.of("/usr/share/fonts/TTF/DejaVuSansMono-Bold.ttf"));

    private TestPatternCapture() {
    }

    static ChildProcess start(CameraSettings settings, SampleListener listener, ScheduledExecutorService scheduler) {
        UrlInput input = UrlInput.fromUrl(filterGraph(settings))
                .setFormat("lavfi")
                .setReadAtFrameRate(true);
        if (settings.codec() == Codec.H264) {
            return FfmpegProcess.start(List.of(input), output -> H264Output.configure(output, settings),
                    new FlvPictureParser(listener), listener, scheduler);
        }
        return FfmpegProcess.start(List.of(input), output -> configureMjpeg(output, settings),
                new MjpegPictureParser(listener), listener, scheduler);
    }

    /** ffmpeg's MJPEG encoder at the configured quality, each picture flushed as soon as it is written. */
    static PipeOutput configureMjpeg(PipeOutput output, CameraSettings settings) {
        return output
                .setFormat("mjpeg")
                .setCodec(StreamType.VIDEO, "mjpeg")
                // yuvj420p would do the same but makes ffmpeg 5 warn about a deprecated format
                .setPixelFormat("yuv420p")
                .addArguments("-strict", "unofficial")
                .addArguments("-color_range", "pc")
                .addArguments("-q:v", Integer.toString(qscale(settings.jpegQuality())))
                .addArguments("-threads", Integer.toString(EncoderThreads.forPicture(settings.width(), settings.height())))
                .addArguments("-thread_type", "slice")
                .addArguments("-flush_packets", "1");
    }

    static String filterGraph(CameraSettings settings) {
        String pattern = String.format(Locale.ROOT, "testsrc2=size=%dx%d:rate=%s",
                settings.width(), settings.height(), fps(settings.fps()));
        for (String filter : VideoFilters.orientation(settings)) {
            pattern += "," + filter; // before the clock, so that the clock stays readable
        }
        if (settings.audio().kind() == AudioInput.Kind.TEST) {
            pattern += "," + flash(settings.fps());
        }
        Path font = FONTS.stream().filter(Files::isReadable).findFirst().orElse(null);
        if (font == null) {
            return pattern; // no font to draw the clock with; the pattern alone still moves
        }
        int fontSize = Math.max(16, settings.height() / 12);
        // The clock is escaped twice: once for drawtext's option parser, once for the filter graph parser.
        return pattern + ",drawtext=fontfile=" + font
                + ":text='%{localtime\\:%H\\\\\\:%M\\\\\\:%S}'"
                + ":x=(w-tw)/2:y=h-th-" + fontSize / 2
                + ":fontsize=" + fontSize + ":fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=8";
    }

    /**
     * A white band over the top quarter of the picture for one frame every second: the frame nearest to the
     * start of a second of the wall clock, when the test sound beeps. So sound and picture are captured at
     * the same moment, to within half a frame interval, for measuring sync. The wall time of frame 0 is kept
     * in variable 0, as the test sound keeps its own (see AudioCaptures).
     */
    static String flash(double fps) {
        String frame = String.format(Locale.ROOT, "%.6f", 1 / fps);
        String half = String.format(Locale.ROOT, "%.6f", 0.5 / fps);
        return "drawbox=x=0:y=0:w=iw:h=ih/4:color=white:t=fill"
                + ":enable='if(eq(n\\,0)\\,st(0\\,time(0)-t)*0)+lt(mod(ld(0)+t+" + half + "\\,1)\\," + frame + ")'";
    }

    static String fps(double fps) {
        return fps == Math.rint(fps) ? Long.toString((long) fps) : String.format(Locale.ROOT, "%.3f", fps);
    }

    /** Maps quality 1..100 onto ffmpeg's MJPEG qscale 31..2 (lower qscale is better). */
    static int qscale(int quality) {
        return (int) Math.round(31 - (quality - 1) * 29.0 / 99.0);
    }
}
