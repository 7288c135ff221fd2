package org.camstream.camera.picture;

import org.camstream.process.SampleParser;

import org.camstream.process.SampleListener;

import org.camstream.codec.flv.FlvListener;
import org.camstream.codec.flv.FlvReader;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;

/**
 * Pictures from ffmpeg's H.264-in-FLV output. FLV frames each access unit with its size, so a picture is
 * handed on the moment its last byte arrives; raw Annex B would reveal its end only when the next picture
 * begins, one frame later.
 */
public final class FlvPictureParser implements SampleParser {

    private final FlvReader reader;

    public FlvPictureParser(SampleListener listener) {
        SelfContainedPictures framer = new SelfContainedPictures(listener);
        this.reader = new FlvReader(new FlvListener() {
            @Override
            public void onConfig(NalUnit sps, NalUnit pps) {
                framer.onParameterSets(sps, pps);
            }

            @Override
            public void onAccessUnit(AccessUnit au, long presentationTimeMillis) {
                framer.onAccessUnit(au);
            }
        });
    }

    @Override
    public void feed(byte[] buffer, int offset, int length) {
        try {
            reader.feed(buffer, offset, length);
        } catch (RuntimeException e) {
            // The reader keeps its state consistent when a listener throws; the next bytes go on.
            org.slf4j.LoggerFactory.getLogger(FlvPictureParser.class).warn("H.264 picture consumer failed", e);
        }
    }
}
