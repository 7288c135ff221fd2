package org.camstream.codec.h264;

import java.util.OptionalDouble;

/**
 * A parsed sequence parameter set: the fields a server needs to describe and package a stream.
 * Immutable; made by {@link SpsParser}. Two instances are equal when their NAL bytes are.
 */
public final class Sps {
    private final NalUnit nal;
    private final int profileIdc;
    private final int constraintFlags;
    private final int levelIdc;
    private final int id;
    private final int chromaFormatIdc;
    private final boolean separateColourPlane;
    private final int bitDepthLuma;
    private final int bitDepthChroma;
    private final int log2MaxFrameNum;
    private final int picOrderCntType;
    private final int log2MaxPicOrderCntLsb;
    private final boolean deltaPicOrderAlwaysZero;
    private final int offsetForNonRefPic;
    private final int offsetForTopToBottomField;
    private final int numRefFramesInPicOrderCntCycle;
    private final int maxNumRefFrames;
    private final boolean gapsInFrameNumAllowed;
    private final int codedWidth;
    private final int codedHeight;
    private final boolean frameMbsOnly;
    private final boolean mbAdaptiveFrameField;
    private final int width;
    private final int height;
    private final boolean vuiPresent;
    private final int aspectRatioIdc;
    private final int sarWidth;
    private final int sarHeight;
    private final boolean videoFullRange;
    private final boolean timingInfoPresent;
    private final long numUnitsInTick;
    private final long timeScale;
    private final boolean fixedFrameRate;
    private final boolean bitstreamRestrictionPresent;
    private final int maxNumReorderFrames;
    private final int maxDecFrameBuffering;

    Sps(Builder b) {
        nal = b.nal;
        profileIdc = b.profileIdc;
        constraintFlags = b.constraintFlags;
        levelIdc = b.levelIdc;
        id = b.id;
        chromaFormatIdc = b.chromaFormatIdc;
        separateColourPlane = b.separateColourPlane;
        bitDepthLuma = b.bitDepthLuma;
        bitDepthChroma = b.bitDepthChroma;
        log2MaxFrameNum = b.log2MaxFrameNum;
        picOrderCntType = b.picOrderCntType;
        log2MaxPicOrderCntLsb = b.log2MaxPicOrderCntLsb;
        deltaPicOrderAlwaysZero = b.deltaPicOrderAlwaysZero;
        offsetForNonRefPic = b.offsetForNonRefPic;
        offsetForTopToBottomField = b.offsetForTopToBottomField;
        numRefFramesInPicOrderCntCycle = b.numRefFramesInPicOrderCntCycle;
        maxNumRefFrames = b.maxNumRefFrames;
        gapsInFrameNumAllowed = b.gapsInFrameNumAllowed;
        codedWidth = b.codedWidth;
        codedHeight = b.codedHeight;
        frameMbsOnly = b.frameMbsOnly;
        mbAdaptiveFrameField = b.mbAdaptiveFrameField;
        width = b.width;
        height = b.height;
        vuiPresent = b.vuiPresent;
        aspectRatioIdc = b.aspectRatioIdc;
        sarWidth = b.sarWidth;
        sarHeight = b.sarHeight;
        videoFullRange = b.videoFullRange;
        timingInfoPresent = b.timingInfoPresent;
        numUnitsInTick = b.numUnitsInTick;
        timeScale = b.timeScale;
        fixedFrameRate = b.fixedFrameRate;
        bitstreamRestrictionPresent = b.bitstreamRestrictionPresent;
        maxNumReorderFrames = b.maxNumReorderFrames;
        maxDecFrameBuffering = b.maxDecFrameBuffering;
    }

    /** The SPS NAL unit this was parsed from, unchanged. */
    public NalUnit nal() {
        return nal;
    }

    public int profileIdc() {
        return profileIdc;
    }

    /** The byte after profile_idc: constraint_set0..5 flags and two reserved bits, as coded. */
    public int constraintFlags() {
        return constraintFlags;
    }

    public int levelIdc() {
        return levelIdc;
    }

    /** seq_parameter_set_id. */
    public int id() {
        return id;
    }

    /** 0 monochrome, 1 4:2:0, 2 4:2:2, 3 4:4:4; 1 when the profile does not code it. */
    public int chromaFormatIdc() {
        return chromaFormatIdc;
    }

    public boolean separateColourPlane() {
        return separateColourPlane;
    }

    public int bitDepthLuma() {
        return bitDepthLuma;
    }

    public int bitDepthChroma() {
        return bitDepthChroma;
    }

    public int log2MaxFrameNum() {
        return log2MaxFrameNum;
    }

    public int picOrderCntType() {
        return picOrderCntType;
    }

    /** Only meaningful for pic_order_cnt_type 0; 0 otherwise. */
    public int log2MaxPicOrderCntLsb() {
        return log2MaxPicOrderCntLsb;
    }

    /** Only meaningful for pic_order_cnt_type 1. */
    public boolean deltaPicOrderAlwaysZero() {
        return deltaPicOrderAlwaysZero;
    }

    /** Only meaningful for pic_order_cnt_type 1. */
    public int offsetForNonRefPic() {
        return offsetForNonRefPic;
    }

    /** Only meaningful for pic_order_cnt_type 1. */
    public int offsetForTopToBottomField() {
        return offsetForTopToBottomField;
    }

    /** Only meaningful for pic_order_cnt_type 1. */
    public int numRefFramesInPicOrderCntCycle() {
        return numRefFramesInPicOrderCntCycle;
    }

    public int maxNumRefFrames() {
        return maxNumRefFrames;
    }

    public boolean gapsInFrameNumAllowed() {
        return gapsInFrameNumAllowed;
    }

    /** Width in pixels of the decoded macroblocks, before cropping. */
    public int codedWidth() {
        return codedWidth;
    }

    /** Height in pixels of the decoded frame, before cropping. */
    public int codedHeight() {
        return codedHeight;
    }

    public boolean frameMbsOnly() {
        return frameMbsOnly;
    }

    public boolean mbAdaptiveFrameField() {
        return mbAdaptiveFrameField;
    }

    /** Display width in pixels: after frame cropping, before any sample aspect ratio. */
    public int width() {
        return width;
    }

    /** Display height in pixels, after frame cropping. */
    public int height() {
        return height;
    }

    public boolean hasVui() {
        return vuiPresent;
    }

    /** aspect_ratio_idc; 0 (unspecified) when absent. */
    public int aspectRatioIdc() {
        return aspectRatioIdc;
    }

    /** Sample (pixel) aspect ratio width; 1:1 is assumed when the stream does not say. */
    public int sarWidth() {
        return sarWidth;
    }

    public int sarHeight() {
        return sarHeight;
    }

    public boolean videoFullRange() {
        return videoFullRange;
    }

    public boolean hasTimingInfo() {
        return timingInfoPresent;
    }

    public long numUnitsInTick() {
        return numUnitsInTick;
    }

    public long timeScale() {
        return timeScale;
    }

    public boolean fixedFrameRate() {
        return fixedFrameRate;
    }

    /**
     * Frames per second from the VUI timing info: time_scale / (2 * num_units_in_tick), since a
     * tick is a field period. Empty without timing info. Only a nominal or maximum rate unless
     * {@link #fixedFrameRate()}.
     */
    public OptionalDouble frameRate() {
        if (!timingInfoPresent || numUnitsInTick == 0 || timeScale == 0) return OptionalDouble.empty();
        return OptionalDouble.of(timeScale / (2.0 * numUnitsInTick));
    }

    public boolean hasBitstreamRestriction() {
        return bitstreamRestrictionPresent;
    }

    /** max_num_reorder_frames; 0 means no B-frame reordering. -1 without bitstream_restriction. */
    public int maxNumReorderFrames() {
        return maxNumReorderFrames;
    }

    /** max_dec_frame_buffering; -1 without bitstream_restriction. */
    public int maxDecFrameBuffering() {
        return maxDecFrameBuffering;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Sps other && nal.equals(other.nal);
    }

    @Override
    public int hashCode() {
        return nal.hashCode();
    }

    @Override
    public String toString() {
        return "Sps[" + width + "x" + height
                + ", profile=" + profileIdc + ", level=" + levelIdc
                + ", chroma=" + chromaFormatIdc + ", bitDepth=" + bitDepthLuma
                + ", pocType=" + picOrderCntType + ", refFrames=" + maxNumRefFrames
                + (frameMbsOnly ? "" : ", interlaced")
                + (timingInfoPresent ? ", timing=" + timeScale + "/" + numUnitsInTick : "")
                + (bitstreamRestrictionPresent ? ", reorder=" + maxNumReorderFrames + ", dpb=" + maxDecFrameBuffering : "")
                + "]";
    }

    /** Plain holder so that SpsParser can fill fields in stream order and Sps can stay final. */
    static final class Builder {
        NalUnit nal;
        int profileIdc;
        int constraintFlags;
        int levelIdc;
        int id;
        int chromaFormatIdc = 1;
        boolean separateColourPlane;
        int bitDepthLuma = 8;
        int bitDepthChroma = 8;
        int log2MaxFrameNum;
        int picOrderCntType;
        int log2MaxPicOrderCntLsb;
        boolean deltaPicOrderAlwaysZero;
        int offsetForNonRefPic;
        int offsetForTopToBottomField;
        int numRefFramesInPicOrderCntCycle;
        int maxNumRefFrames;
        boolean gapsInFrameNumAllowed;
        int codedWidth;
        int codedHeight;
        boolean frameMbsOnly;
        boolean mbAdaptiveFrameField;
        int width;
        int height;
        boolean vuiPresent;
        int aspectRatioIdc;
        int sarWidth = 1;
        int sarHeight = 1;
        boolean videoFullRange;
        boolean timingInfoPresent;
        long numUnitsInTick;
        long timeScale;
        boolean fixedFrameRate;
        boolean bitstreamRestrictionPresent;
        int maxNumReorderFrames = -1;
        int maxDecFrameBuffering = -1;
    }
}
