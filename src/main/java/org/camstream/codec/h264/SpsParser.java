package org.camstream.codec.h264;

/**
 * Parses seq_parameter_set_rbsp() (H.264 7.3.2.1.1) and its VUI (E.1.1).
 *
 * <p>Untrusted bytes: every failure, whether the data ends early or a value is out of the range
 * the standard allows, comes out as an {@link IllegalArgumentException} whose message names the
 * part of the SPS being read, never as an index exception.
 */
public final class SpsParser {
    // Sample aspect ratios of aspect_ratio_idc 1..16 (Table E-1).
    private static final int[][] SAR = {
        {0, 0}, {1, 1}, {12, 11}, {10, 11}, {16, 11}, {40, 33}, {24, 11}, {20, 11}, {32, 11},
        {80, 33}, {18, 11}, {15, 11}, {64, 33}, {160, 99}, {4, 3}, {3, 2}, {2, 1},
    };
    private static final int EXTENDED_SAR = 255;
    // Large enough for level 6.2 (139264 macroblocks a frame) in any shape the levels allow.
    private static final int MAX_SIDE_IN_MBS = 1056;

    private SpsParser() {}

    /** Parses a copy of {@code nal}, the SPS NAL unit bytes starting with its header. */
    public static Sps parse(byte[] nal) {
        if (nal.length == 0) throw new IllegalArgumentException("malformed SPS: empty");
        return parse(NalUnit.of(nal));
    }

    public static Sps parse(NalUnit nal) {
        if (nal.type() != NalUnit.SPS) {
            throw new IllegalArgumentException("not an SPS: NAL unit type " + nal.type());
        }
        Sps.Builder b = new Sps.Builder();
        b.nal = nal;
        BitReader r = BitReader.ofPayload(nal);
        String part = "header";
        try {
            b.profileIdc = r.u(8);
            b.constraintFlags = r.u(8);
            b.levelIdc = r.u(8);
            b.id = check(r.ue(), 31, "seq_parameter_set_id");

            part = "chroma format and scaling lists";
            if (hasChromaInfo(b.profileIdc)) {
                b.chromaFormatIdc = check(r.ue(), 3, "chroma_format_idc");
                if (b.chromaFormatIdc == 3) b.separateColourPlane = r.flag();
                b.bitDepthLuma = 8 + check(r.ue(), 6, "bit_depth_luma_minus8");
                b.bitDepthChroma = 8 + check(r.ue(), 6, "bit_depth_chroma_minus8");
                r.skip(1); // qpprime_y_zero_transform_bypass_flag
                if (r.flag()) { // seq_scaling_matrix_present_flag
                    int lists = b.chromaFormatIdc != 3 ? 8 : 12;
                    for (int i = 0; i < lists; i++) {
                        if (r.flag()) skipScalingList(r, i < 6 ? 16 : 64);
                    }
                }
            }

            part = "frame numbering";
            b.log2MaxFrameNum = 4 + check(r.ue(), 12, "log2_max_frame_num_minus4");
            b.picOrderCntType = check(r.ue(), 2, "pic_order_cnt_type");
            if (b.picOrderCntType == 0) {
                b.log2MaxPicOrderCntLsb = 4 + check(r.ue(), 12, "log2_max_pic_order_cnt_lsb_minus4");
            } else if (b.picOrderCntType == 1) {
                b.deltaPicOrderAlwaysZero = r.flag();
                b.offsetForNonRefPic = r.se();
                b.offsetForTopToBottomField = r.se();
                b.numRefFramesInPicOrderCntCycle = check(r.ue(), 255, "num_ref_frames_in_pic_order_cnt_cycle");
                for (int i = 0; i < b.numRefFramesInPicOrderCntCycle; i++) r.se();
            }
            b.maxNumRefFrames = check(r.ue(), 16, "max_num_ref_frames");
            b.gapsInFrameNumAllowed = r.flag();

            part = "picture size";
            int widthInMbs = 1 + check(r.ue(), MAX_SIDE_IN_MBS - 1, "pic_width_in_mbs_minus1");
            int heightInMapUnits = 1 + check(r.ue(), MAX_SIDE_IN_MBS - 1, "pic_height_in_map_units_minus1");
            b.frameMbsOnly = r.flag();
            if (!b.frameMbsOnly) b.mbAdaptiveFrameField = r.flag();
            r.skip(1); // direct_8x8_inference_flag
            b.codedWidth = widthInMbs * 16;
            b.codedHeight = (b.frameMbsOnly ? 1 : 2) * heightInMapUnits * 16;
            b.width = b.codedWidth;
            b.height = b.codedHeight;

            part = "frame cropping";
            if (r.flag()) crop(r, b);

            part = "VUI";
            b.vuiPresent = r.flag();
            if (b.vuiPresent) parseVui(r, b);
        } catch (BitstreamException e) {
            throw new IllegalArgumentException("malformed SPS (" + part + "): " + e.getMessage(), e);
        }
        return new Sps(b);
    }

    /** The profiles whose SPS carries chroma_format_idc, bit depths and scaling matrices. */
    static boolean hasChromaInfo(int profileIdc) {
        switch (profileIdc) {
            case 100: case 110: case 122: case 244: case 44: case 83: case 86: case 118: case 128:
            case 138: case 139: case 134: case 135:
                return true;
            default:
                return false;
        }
    }

    private static void skipScalingList(BitReader r, int size) throws BitstreamException {
        int lastScale = 8;
        int nextScale = 8;
        for (int j = 0; j < size; j++) {
            if (nextScale != 0) {
                int delta = r.se();
                if (delta < -128 || delta > 127) throw new BitstreamException("delta_scale out of range: " + delta);
                nextScale = (lastScale + delta + 256) % 256;
            }
            lastScale = nextScale == 0 ? lastScale : nextScale;
        }
    }

    private static void crop(BitReader r, Sps.Builder b) throws BitstreamException {
        int left = r.ue();
        int right = r.ue();
        int top = r.ue();
        int bottom = r.ue();
        // Crop offsets count chroma samples (and field rows for field coding): Table 6-1, eq. 7-19..7-22.
        int chromaArrayType = b.separateColourPlane ? 0 : b.chromaFormatIdc;
        int subWidthC = chromaArrayType == 3 ? 1 : 2;
        int subHeightC = chromaArrayType == 1 ? 2 : 1;
        int unitX = chromaArrayType == 0 ? 1 : subWidthC;
        int unitY = (chromaArrayType == 0 ? 1 : subHeightC) * (b.frameMbsOnly ? 1 : 2);
        long width = b.codedWidth - (long) unitX * ((long) left + right);
        long height = b.codedHeight - (long) unitY * ((long) top + bottom);
        if (width <= 0 || height <= 0) {
            throw new BitstreamException("cropping leaves no picture: " + width + "x" + height
                    + " of " + b.codedWidth + "x" + b.codedHeight);
        }
        b.width = (int) width;
        b.height = (int) height;
    }

    private static void parseVui(BitReader r, Sps.Builder b) throws BitstreamException {
        if (r.flag()) { // aspect_ratio_info_present_flag
            b.aspectRatioIdc = r.u(8);
            if (b.aspectRatioIdc == EXTENDED_SAR) {
                b.sarWidth = r.u(16);
                b.sarHeight = r.u(16);
            } else if (b.aspectRatioIdc > 0 && b.aspectRatioIdc < SAR.length) {
                b.sarWidth = SAR[b.aspectRatioIdc][0];
                b.sarHeight = SAR[b.aspectRatioIdc][1];
            }
            if (b.sarWidth == 0 || b.sarHeight == 0) { // "unspecified" in the stream's own words
                b.sarWidth = 1;
                b.sarHeight = 1;
            }
        }
        if (r.flag()) r.skip(1); // overscan_info_present_flag, overscan_appropriate_flag
        if (r.flag()) { // video_signal_type_present_flag
            r.skip(3); // video_format
            b.videoFullRange = r.flag();
            if (r.flag()) r.skip(24); // colour_primaries, transfer_characteristics, matrix_coefficients
        }
        if (r.flag()) { // chroma_loc_info_present_flag
            r.ue();
            r.ue();
        }
        b.timingInfoPresent = r.flag();
        if (b.timingInfoPresent) {
            b.numUnitsInTick = r.u32();
            b.timeScale = r.u32();
            b.fixedFrameRate = r.flag();
        }
        boolean nalHrd = r.flag();
        if (nalHrd) skipHrd(r);
        boolean vclHrd = r.flag();
        if (vclHrd) skipHrd(r);
        if (nalHrd || vclHrd) r.skip(1); // low_delay_hrd_flag
        r.skip(1); // pic_struct_present_flag
        b.bitstreamRestrictionPresent = r.flag();
        if (b.bitstreamRestrictionPresent) {
            r.skip(1); // motion_vectors_over_pic_boundaries_flag
            r.ue(); // max_bytes_per_pic_denom
            r.ue(); // max_bits_per_mb_denom
            r.ue(); // log2_max_mv_length_horizontal
            r.ue(); // log2_max_mv_length_vertical
            b.maxNumReorderFrames = check(r.ue(), 16, "max_num_reorder_frames");
            b.maxDecFrameBuffering = check(r.ue(), 16, "max_dec_frame_buffering");
        }
    }

    /** hrd_parameters() (E.1.2): only skipped, but its length depends on cpb_cnt_minus1. */
    private static void skipHrd(BitReader r) throws BitstreamException {
        int cpbCount = 1 + check(r.ue(), 31, "cpb_cnt_minus1");
        r.skip(8); // bit_rate_scale, cpb_size_scale
        for (int i = 0; i < cpbCount; i++) {
            r.ueLong(); // bit_rate_value_minus1
            r.ueLong(); // cpb_size_value_minus1
            r.skip(1); // cbr_flag
        }
        r.skip(20); // four delay and offset lengths, 5 bits each
    }

    private static int check(int value, int max, String name) throws BitstreamException {
        if (value > max) throw new BitstreamException(name + " = " + value + ", more than " + max);
        return value;
    }
}
