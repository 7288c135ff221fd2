package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class SpsParserTest {
    // ffmpeg's profile names (libavcodec/profiles.c) to profile_idc (H.264 Annex A).
    private static final Map<String, Integer> PROFILES = Map.of(
            "Constrained Baseline", 66, "Baseline", 66, "Main", 77, "Extended", 88, "High", 100,
            "High 10", 110, "High 4:2:2", 122, "High 4:4:4 Predictive", 244, "CAVLC 4:4:4", 44);
    // ffmpeg pixel formats to {chroma_format_idc, bit depth}.
    private static final Map<String, int[]> PIX_FMTS = Map.of(
            "yuv420p", new int[] {1, 8}, "yuvj420p", new int[] {1, 8}, "yuv422p", new int[] {2, 8},
            "yuv444p", new int[] {3, 8}, "yuv420p10le", new int[] {1, 10}, "gray", new int[] {0, 8});

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.PI_720P_INLINE, Fixtures.PI_480P_ONCE})
    void piFixturesAgreeWithFfprobeAndFfmpeg(String fixture) {
        Path file = Fixtures.piH264(fixture);
        List<NalUnit> nals = H264Streams.nalUnits(file);
        Sps sps = SpsParser.parse(H264Streams.firstOfType(nals, NalUnit.SPS));
        checkAgainstFfprobe(sps, file);
        checkAgainstTrace(sps, H264Streams.ffmpegTrace(dir, sps.nal()));
        // From the fixtures' README: no B-frames, max_dec_frame_buffering=1.
        assertEquals(0, sps.maxNumReorderFrames());
        assertEquals(1, sps.maxDecFrameBuffering());
        // Every repeat of the SPS in the inline-headers recording is the same.
        for (NalUnit nal : nals) if (nal.type() == NalUnit.SPS) assertEquals(sps, SpsParser.parse(nal));
    }

    static Stream<Arguments> x264Variants() {
        return Stream.of(
                Arguments.of("cropped", "322x186", List.of()),
                Arguments.of("1080p-cropped", "1920x1080", List.of()),
                Arguments.of("yuv444", "322x186", List.of("-pix_fmt", "yuv444p")),
                Arguments.of("yuv422-odd-height", "322x185", List.of("-pix_fmt", "yuv422p")),
                Arguments.of("high10", "320x240", List.of("-pix_fmt", "yuv420p10le")),
                Arguments.of("interlaced-cropped", "320x236", List.of("-flags", "+ildct+ilme", "-x264-params", "interlaced=1")),
                Arguments.of("hrd", "320x240", List.of("-x264-params", "nal-hrd=vbr", "-maxrate", "1M", "-bufsize", "2M")),
                Arguments.of("bframes", "320x240", List.of("-preset", "medium", "-bf", "3")),
                Arguments.of("sar", "320x240", List.of("-vf", "setsar=4/3")),
                Arguments.of("sar-extended", "320x240", List.of("-vf", "setsar=7/5")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("x264Variants")
    void x264VariantsAgreeWithFfprobeAndFfmpeg(String name, String size, List<String> options) {
        Path file = MediaTools.x264AnnexB(dir, name + ".h264", size, 0.1, options.toArray(new String[0]));
        Sps sps = SpsParser.parse(H264Streams.firstOfType(H264Streams.nalUnits(file), NalUnit.SPS));
        checkAgainstFfprobe(sps, file);
        checkAgainstTrace(sps, H264Streams.ffmpegTrace(dir, sps.nal()));
    }

    private static void checkAgainstFfprobe(Sps sps, Path file) {
        Map<String, Object> stream = MediaTools.probeVideoStream(file);
        String where = file.getFileName() + " " + stream + " vs " + sps;
        assertEquals(MediaTools.intField(stream, "width"), sps.width(), where);
        assertEquals(MediaTools.intField(stream, "height"), sps.height(), where);
        String profile = (String) stream.get("profile");
        assertEquals(PROFILES.get(profile), sps.profileIdc(), where);
        if (profile.equals("Constrained Baseline")) assertTrue((sps.constraintFlags() & 0x40) != 0, where);
        assertEquals(MediaTools.intField(stream, "level"), sps.levelIdc(), where);
        int[] format = PIX_FMTS.get((String) stream.get("pix_fmt"));
        assertEquals(format[0], sps.chromaFormatIdc(), where);
        assertEquals(format[1], sps.bitDepthLuma(), where);
        assertEquals("progressive".equals(stream.get("field_order")), sps.frameMbsOnly(), where);
        assertEquals(MediaTools.intField(stream, "has_b_frames"), sps.maxNumReorderFrames(), where);
        String sar = (String) stream.get("sample_aspect_ratio");
        if (sar == null || sar.equals("N/A")) {
            assertEquals(0, sps.aspectRatioIdc(), where);
        } else {
            assertEquals(sar, sps.sarWidth() + ":" + sps.sarHeight(), where);
        }
        String[] rate = ((String) stream.get("r_frame_rate")).split("/");
        assertEquals(Double.parseDouble(rate[0]) / Double.parseDouble(rate[1]), sps.frameRate().orElseThrow(), 1e-9, where);
    }

    /** Raw syntax elements against ffmpeg's independent reading of the same bytes. */
    private static void checkAgainstTrace(Sps sps, Map<String, Long> t) {
        String where = t + " vs " + sps;
        assertEquals(t.get("profile_idc"), (long) sps.profileIdc(), where);
        long constraints = 0;
        for (int i = 0; i <= 5; i++) constraints |= t.get("constraint_set" + i + "_flag") << (7 - i);
        constraints |= t.get("reserved_zero_2bits");
        assertEquals(constraints, sps.constraintFlags(), where);
        assertEquals(t.get("level_idc"), (long) sps.levelIdc(), where);
        assertEquals(t.get("seq_parameter_set_id"), (long) sps.id(), where);
        assertEquals(t.getOrDefault("chroma_format_idc", 1L), (long) sps.chromaFormatIdc(), where);
        assertEquals(t.getOrDefault("separate_colour_plane_flag", 0L) == 1, sps.separateColourPlane(), where);
        assertEquals(t.getOrDefault("bit_depth_luma_minus8", 0L) + 8, sps.bitDepthLuma(), where);
        assertEquals(t.getOrDefault("bit_depth_chroma_minus8", 0L) + 8, sps.bitDepthChroma(), where);
        assertEquals(t.get("log2_max_frame_num_minus4") + 4, sps.log2MaxFrameNum(), where);
        assertEquals(t.get("pic_order_cnt_type"), (long) sps.picOrderCntType(), where);
        if (sps.picOrderCntType() == 0) {
            assertEquals(t.get("log2_max_pic_order_cnt_lsb_minus4") + 4, sps.log2MaxPicOrderCntLsb(), where);
        }
        if (sps.picOrderCntType() == 1) {
            assertEquals(t.get("delta_pic_order_always_zero_flag") == 1, sps.deltaPicOrderAlwaysZero(), where);
            assertEquals(t.get("offset_for_non_ref_pic"), (long) sps.offsetForNonRefPic(), where);
            assertEquals(t.get("offset_for_top_to_bottom_field"), (long) sps.offsetForTopToBottomField(), where);
            assertEquals(t.get("num_ref_frames_in_pic_order_cnt_cycle"), (long) sps.numRefFramesInPicOrderCntCycle(), where);
        }
        assertEquals(t.get("max_num_ref_frames"), (long) sps.maxNumRefFrames(), where);
        assertEquals(t.get("gaps_in_frame_num_allowed_flag") == 1, sps.gapsInFrameNumAllowed(), where);
        assertEquals(t.get("frame_mbs_only_flag") == 1, sps.frameMbsOnly(), where);
        assertEquals(t.get("pic_width_in_mbs_minus1") + 1, sps.codedWidth() / 16, where);
        assertEquals((t.get("pic_height_in_map_units_minus1") + 1) * (2 - t.get("frame_mbs_only_flag")), sps.codedHeight() / 16, where);
        assertEquals(t.getOrDefault("mb_adaptive_frame_field_flag", 0L) == 1, sps.mbAdaptiveFrameField(), where);
        assertEquals(t.get("vui_parameters_present_flag") == 1, sps.hasVui(), where);
        if (!sps.hasVui()) return;
        assertEquals(t.getOrDefault("aspect_ratio_idc", 0L), (long) sps.aspectRatioIdc(), where);
        if (t.getOrDefault("aspect_ratio_idc", 0L) == 255) {
            assertEquals(t.get("sar_width"), (long) sps.sarWidth(), where);
            assertEquals(t.get("sar_height"), (long) sps.sarHeight(), where);
        }
        assertEquals(t.getOrDefault("video_full_range_flag", 0L) == 1, sps.videoFullRange(), where);
        assertEquals(t.get("timing_info_present_flag") == 1, sps.hasTimingInfo(), where);
        if (sps.hasTimingInfo()) {
            assertEquals(t.get("num_units_in_tick"), sps.numUnitsInTick(), where);
            assertEquals(t.get("time_scale"), sps.timeScale(), where);
            assertEquals(t.get("fixed_frame_rate_flag") == 1, sps.fixedFrameRate(), where);
        }
        assertEquals(t.get("bitstream_restriction_flag") == 1, sps.hasBitstreamRestriction(), where);
        if (sps.hasBitstreamRestriction()) {
            assertEquals(t.get("max_num_reorder_frames"), (long) sps.maxNumReorderFrames(), where);
            assertEquals(t.get("max_dec_frame_buffering"), (long) sps.maxDecFrameBuffering(), where);
        }
    }

    // Hand-made SPS: what x264 never writes (scaling lists in the SPS, pic_order_cnt_type 1,
    // separate colour planes, both HRDs). The expected values are the ones the test encodes;
    // ffmpeg must read the same bytes the same way.

    @Test
    void scalingListsPocType1AndBothHrdsAreSkippedCorrectly() {
        RbspWriter w = new RbspWriter()
                .u(8, 100).u(8, 0).u(8, 31).ue(3) // profile High, level 3.1, seq_parameter_set_id 3
                .ue(1).ue(0).ue(0).flag(false) // 4:2:0, 8 bit, no transform bypass
                .flag(true); // seq_scaling_matrix_present_flag: 8 lists for 4:2:0
        Random random = new Random(4);
        for (int i = 0; i < 8; i++) {
            boolean present = i != 2;
            w.flag(present);
            if (!present) continue;
            if (i == 4) {
                w.se(-8); // nextScale 0 at j = 0: use the default list, no further deltas
                continue;
            }
            int size = i < 6 ? 16 : 64;
            int last = 8;
            for (int j = 0; j < size; j++) {
                int next = j == size - 5 ? 0 : 1 + random.nextInt(255); // a 0 ends the list early
                int delta = ((next - last + 128) & 0xff) - 128;
                w.se(delta);
                if (next == 0) break;
                last = next;
            }
        }
        w.ue(2) // log2_max_frame_num_minus4
                .ue(1).flag(false).se(-3).se(5).ue(3).se(7).se(-9).se(1000) // pic_order_cnt_type 1
                .ue(4).flag(true) // max_num_ref_frames, gaps allowed
                .ue(79).ue(44) // 80 x 45 macroblocks
                .flag(true) // frame_mbs_only
                .flag(true) // direct_8x8_inference
                .flag(true).ue(1).ue(3).ue(0).ue(4) // cropping, in 2-pixel units for 4:2:0
                .flag(true) // VUI
                .flag(true).u(8, 255).u(16, 64).u(16, 45) // extended SAR
                .flag(true).flag(true) // overscan
                .flag(true).u(3, 5).flag(true).flag(true).u(8, 1).u(8, 1).u(8, 1) // signal type, full range
                .flag(true).ue(1).ue(1) // chroma location
                .flag(true).u(32, 1001).u(32, 60000).flag(true) // 29.97 fps
                .flag(true); // nal_hrd_parameters_present_flag
        writeHrd(w, 3);
        w.flag(true); // vcl_hrd_parameters_present_flag
        writeHrd(w, 1);
        w.flag(false) // low_delay_hrd_flag
                .flag(false) // pic_struct_present_flag
                .flag(true).flag(true).ue(2).ue(1).ue(16).ue(15).ue(0).ue(2); // bitstream_restriction
        NalUnit nal = NalUnit.of(RbspWriter.nal(0x67, w.rbsp()));

        Sps sps = SpsParser.parse(nal);
        checkAgainstTrace(sps, H264Streams.ffmpegTrace(dir, nal));
        assertEquals(3, sps.id());
        assertEquals(1, sps.picOrderCntType());
        assertEquals(-3, sps.offsetForNonRefPic());
        assertEquals(5, sps.offsetForTopToBottomField());
        assertEquals(3, sps.numRefFramesInPicOrderCntCycle());
        assertEquals(1280, sps.codedWidth());
        assertEquals(720, sps.codedHeight());
        assertEquals(1280 - 2 * (1 + 3), sps.width());
        assertEquals(720 - 2 * (0 + 4), sps.height());
        assertEquals(64, sps.sarWidth());
        assertEquals(45, sps.sarHeight());
        assertTrue(sps.videoFullRange());
        assertEquals(60000.0 / 2002, sps.frameRate().orElseThrow(), 1e-9);
        assertEquals(0, sps.maxNumReorderFrames());
        assertEquals(2, sps.maxDecFrameBuffering());
    }

    private static void writeHrd(RbspWriter w, int cpbCount) {
        w.ue(cpbCount - 1).u(4, 2).u(4, 3);
        for (int i = 0; i < cpbCount; i++) w.ue(0xFFFF_FFFEL - i).ue(123_456 + i).flag(i % 2 == 0);
        w.u(5, 23).u(5, 22).u(5, 21).u(5, 24);
    }

    @Test
    void separateColourPlanesAndFieldCodingSetTheCropUnits() {
        RbspWriter w = new RbspWriter()
                .u(8, 244).u(8, 0).u(8, 40).ue(0)
                .ue(3).flag(true) // 4:4:4 with separate_colour_plane_flag: ChromaArrayType 0
                .ue(2).ue(2).flag(false) // 10 bit
                .flag(true); // 12 scaling lists for 4:4:4
        for (int i = 0; i < 12; i++) {
            w.flag(i % 3 == 0);
            if (i % 3 == 0) w.se(-8);
        }
        w.ue(0).ue(0).ue(5) // frame_num, pic_order_cnt_type 0 with log2_max_pic_order_cnt_lsb_minus4 5
                .ue(2).flag(false)
                .ue(19).ue(7) // 20 x 8 map units: 320 x 256 for field coding
                .flag(false).flag(true) // frame_mbs_only 0, mb_adaptive_frame_field 1
                .flag(true)
                .flag(true).ue(3).ue(0).ue(1).ue(2) // crop units: 1 across, 2 down (fields)
                .flag(false); // no VUI
        NalUnit nal = NalUnit.of(RbspWriter.nal(0x67, w.rbsp()));
        Sps sps = SpsParser.parse(nal);
        checkAgainstTrace(sps, H264Streams.ffmpegTrace(dir, nal));
        assertTrue(sps.separateColourPlane());
        assertEquals(10, sps.bitDepthLuma());
        assertEquals(9, sps.log2MaxPicOrderCntLsb());
        assertFalse(sps.frameMbsOnly());
        assertEquals(320 - 3, sps.width());
        assertEquals(256 - 2 * 3, sps.height());
        assertFalse(sps.hasVui());
        assertTrue(sps.frameRate().isEmpty());
        assertEquals(-1, sps.maxNumReorderFrames());
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.PI_720P_INLINE, Fixtures.PI_480P_ONCE})
    void truncatedSpsGivesAClearException(String fixture) {
        byte[] sps = H264Streams.firstOfType(H264Streams.nalUnits(Fixtures.piH264(fixture)), NalUnit.SPS).toByteArray();
        SpsParser.parse(sps);
        // The last field ends in the last byte or the one before it (the stop bit comes after it),
        // so every cut of two or more bytes loses part of a field.
        for (int length = 1; length <= sps.length - 2; length++) {
            byte[] cut = java.util.Arrays.copyOf(sps, length);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpsParser.parse(cut), "length " + length);
            assertTrue(e.getMessage().startsWith("malformed SPS ("), e.getMessage());
            assertTrue(e.getMessage().contains("out of data"), e.getMessage());
        }
    }

    @Test
    void randomDamageNeverEscapesAsAnythingButIllegalArgument() {
        byte[] sps = H264Streams.firstOfType(H264Streams.nalUnits(Fixtures.piH264(Fixtures.PI_720P_INLINE)), NalUnit.SPS).toByteArray();
        Random random = new Random(6);
        int rejected = 0;
        for (int round = 0; round < 5000; round++) {
            byte[] damaged = sps.clone();
            for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
                int bit = 8 + random.nextInt((damaged.length - 1) * 8); // keep the header an SPS header
                damaged[bit / 8] ^= (byte) (1 << (bit % 8));
            }
            try {
                Sps parsed = SpsParser.parse(damaged);
                assertTrue(parsed.width() > 0 && parsed.height() > 0);
            } catch (IllegalArgumentException e) {
                assertTrue(e.getMessage().startsWith("malformed SPS"), e.getMessage());
                rejected++;
            } catch (RuntimeException e) {
                fail("round " + round + " escaped as " + e, e);
            }
        }
        assertTrue(rejected > 0, "some damage must be detectable");
    }

    @Test
    void rejectsWhatIsNotAnSps() {
        assertThrows(IllegalArgumentException.class, () -> SpsParser.parse(new byte[0]));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> SpsParser.parse(new byte[] {0x68, (byte) 0xee, 0x3c, (byte) 0x80}));
        assertTrue(e.getMessage().contains("type 8"), e.getMessage());
        // Cropping more than the picture.
        RbspWriter w = new RbspWriter().u(8, 66).u(8, 0xc0).u(8, 30).ue(0).ue(0).ue(2).ue(1).flag(false)
                .ue(0).ue(0).flag(true).flag(true).flag(true).ue(5).ue(5).ue(0).ue(0).flag(false);
        e = assertThrows(IllegalArgumentException.class, () -> SpsParser.parse(RbspWriter.nal(0x67, w.rbsp())));
        assertTrue(e.getMessage().contains("cropping"), e.getMessage());
    }
}
