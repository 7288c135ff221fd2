package org.camstream.codec.flv;

import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;

/** Receives what {@link FlvReader} finds in an FLV stream, on the thread that feeds it. */
public interface FlvListener {
    /**
     * The decoder configuration (AVCDecoderConfigurationRecord) of the stream: its first SPS and
     * first PPS. Comes before the first access unit, and again whenever the stream resends it.
     */
    void onConfig(NalUnit sps, NalUnit pps);

    /**
     * One complete access unit: the NAL units of one FLV video tag, emitted as soon as the tag's
     * last byte arrives. {@code presentationTimeMillis} is the tag timestamp plus its composition
     * time offset, on the source's clock.
     */
    void onAccessUnit(AccessUnit au, long presentationTimeMillis);
}
