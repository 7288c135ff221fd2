package org.camstream.mp4;

import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.Sps;

/** The 'avcC' box: AVCDecoderConfigurationRecord, ISO/IEC 14496-15 5.3.3.1. */
final class AvcConfigurationBox {
    private static final int AVCC = BoxWriter.fourcc("avcC");

    private AvcConfigurationBox() {}

    static int size(Sps sps, NalUnit pps) {
        return 8 + 6 + 2 + sps.nal().size() + 1 + 2 + pps.size() + (hasExtension(sps) ? 4 : 0);
    }

    static void write(BoxWriter w, Sps sps, NalUnit pps) {
        NalUnit spsNal = sps.nal();
        int at = w.start(AVCC);
        w.u8(1); // configurationVersion
        // Profile, compatibility and level copied from the SPS bytes, as the codec string is.
        w.u8(spsNal.byteAt(1)).u8(spsNal.byteAt(2)).u8(spsNal.byteAt(3));
        w.u8(0xfc | 3); // 6 reserved bits, lengthSizeMinusOne: 4-byte NAL lengths
        w.u8(0xe0 | 1).u16(spsNal.size()).nal(spsNal); // 3 reserved bits, one SPS
        w.u8(1).u16(pps.size()).nal(pps);
        if (hasExtension(sps)) {
            w.u8(0xfc | sps.chromaFormatIdc());
            w.u8(0xf8 | (sps.bitDepthLuma() - 8));
            w.u8(0xf8 | (sps.bitDepthChroma() - 8));
            w.u8(0); // numOfSequenceParameterSetExt
        }
        w.end(at);
    }

    /** The record carries chroma format and bit depths for these profiles only (14496-15). */
    private static boolean hasExtension(Sps sps) {
        int profile = sps.profileIdc();
        return profile == 100 || profile == 110 || profile == 122 || profile == 144 || profile == 244;
    }
}
