package org.camstream.camera.source;

import com.github.kokorin.jaffree.StreamType;
import com.github.kokorin.jaffree.ffmpeg.PipeOutput;
import org.camstream.config.CameraSettings;

/** ffmpeg's H.264 encoder set up for live viewing, writing FLV so that each picture arrives framed. */
final class H264Output {

    /** The Raspberry Pi's hardware encoder (up to the Pi 4) as ffmpeg drives it, through video4linux. */
    static final String HARDWARE_ENCODER = "h264_v4l2m2m";

    private H264Output() {
    }

    /**
     * The hardware encoder takes none of the CPU libx264 needs (on a Pi 4, most of a core at 1280x720), and
     * adds no B-frames or lookahead either; it knows only the bitrate and the keyframe interval.
     */
    static void configureHardware(PipeOutput output, CameraSettings settings) {
        output.setFormat("flv")
                .setCodec(StreamType.VIDEO, HARDWARE_ENCODER)
                .setPixelFormat("yuv420p")
                .addArguments("-g", Integer.toString(settings.keyframeInterval()))
                .addArguments("-b:v", Integer.toString(settings.bitrate()))
                .addArguments("-flvflags", "no_duration_filesize")
                .addArguments("-flush_packets", "1");
    }

    static void configure(PipeOutput output, CameraSettings settings) {
        String keyframes = Integer.toString(settings.keyframeInterval());
        String bitrate = Integer.toString(settings.bitrate());
        output.setFormat("flv")
                .setCodec(StreamType.VIDEO, "libx264")
                .setPixelFormat("yuv420p")
                // zerolatency: no lookahead, no B-frames, so a picture leaves the encoder as soon as it is coded
                .addArguments("-preset", "ultrafast")
                .addArguments("-tune", "zerolatency")
                .addArguments("-bf", "0")
                .addArguments("-g", keyframes)
                .addArguments("-keyint_min", keyframes)
                .addArguments("-sc_threshold", "0")
                .addArguments("-b:v", bitrate)
                .addArguments("-maxrate", bitrate)
                .addArguments("-bufsize", Integer.toString(settings.bitrate() / 2))
                .addArguments("-flvflags", "no_duration_filesize")
                .addArguments("-flush_packets", "1");
    }
}
