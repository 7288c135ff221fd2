package org.camstream.camera.source;

import com.github.kokorin.jaffree.StreamType;
import com.github.kokorin.jaffree.ffmpeg.PipeOutput;
import java.util.List;
import java.util.function.Consumer;
import org.camstream.config.Codec;
import org.camstream.config.CameraSettings;
import org.camstream.process.SampleListener;
import org.camstream.process.SampleParser;
import org.camstream.camera.picture.AnnexBPictureParser;
import org.camstream.camera.picture.FlvPictureParser;
import org.camstream.camera.picture.MjpegPictureParser;

/** How an ffmpeg capture writes the camera codec, and how camstream reads it back into pictures. */
record OutputPlan(Consumer<PipeOutput> output, SampleParser parser) {

    /**
     * The source's own pictures, as they are. Copied H.264 is written raw (Annex B): a copied stream may lack
     * the decoder configuration FLV wants in its header.
     */
    static OutputPlan copy(Codec codec, SampleListener listener) {
        String format = codec == Codec.H264 ? "h264" : "mjpeg";
        return new OutputPlan(out -> out.setFormat(format).setCodec(StreamType.VIDEO, "copy")
                .disableStream(StreamType.AUDIO).addArguments("-flush_packets", "1"),
                codec == Codec.H264 ? new AnnexBPictureParser(listener) : new MjpegPictureParser(listener));
    }

    /** Decoded, passed through {@code filters}, and encoded in the camera codec at the configured rate. */
    static OutputPlan encode(CameraSettings settings, List<String> filters, SampleListener listener) {
        Consumer<PipeOutput> filtersAndRate = out -> {
            out.disableStream(StreamType.AUDIO).addArguments("-r", RpicamCommand.fps(settings.fps()));
            if (!filters.isEmpty()) {
                out.addArguments("-vf", String.join(",", filters));
            }
        };
        if (settings.codec() == Codec.H264) {
            return new OutputPlan(out -> {
                H264Output.configure(out, settings);
                filtersAndRate.accept(out);
            }, new FlvPictureParser(listener));
        }
        return new OutputPlan(out -> {
            TestPatternCapture.configureMjpeg(out, settings);
            filtersAndRate.accept(out);
        }, new MjpegPictureParser(listener));
    }
}
