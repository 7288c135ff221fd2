package org.camstream.camera.picture;

import org.camstream.process.SampleParser;

import org.camstream.process.SampleListener;

import org.camstream.codec.h264.AccessUnitAssembler;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;

/**
 * Pictures from a raw H.264 Annex B byte stream, as rpicam-vid writes it. Raw Annex B says a picture is
 * complete only when the next one starts; after each read the parser looks at the first bytes of the NAL
 * unit still arriving, so a picture is handed on as soon as the next one begins, not once it is complete.
 */
public final class AnnexBPictureParser implements SampleParser {

    /** Enough of a NAL unit for its header and first_mb_in_slice. */
    private static final int PREFIX_BYTES = 8;

    private final AnnexBReader reader;
    private final AccessUnitAssembler assembler;

    public AnnexBPictureParser(SampleListener listener) {
        SelfContainedPictures framer = new SelfContainedPictures(listener);
        this.assembler = new AccessUnitAssembler(framer::onAccessUnit);
        this.reader = new AnnexBReader(assembler);
    }

    @Override
    public void feed(byte[] buffer, int offset, int length) {
        try {
            reader.feed(buffer, offset, length);
            NalUnit next = reader.pendingPrefix(PREFIX_BYTES);
            if (next != null && next.size() >= 2) {
                assembler.lookAhead(next);
            }
        } catch (RuntimeException e) {
            org.slf4j.LoggerFactory.getLogger(AnnexBPictureParser.class).warn("H.264 picture consumer failed", e);
        }
    }
}
