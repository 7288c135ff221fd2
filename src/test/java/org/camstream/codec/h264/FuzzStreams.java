package org.camstream.codec.h264;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;

/**
 * The real H.264 the fuzz tests start from: both Raspberry Pi recordings, read in place, and x264
 * output made once per test run (the same command gives the same bytes), in a temporary folder that
 * is deleted as soon as the bytes are read.
 */
final class FuzzStreams {
    static final byte[] PI_720P = Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE));
    static final byte[] PI_480P = Fixtures.read(Fixtures.piH264(Fixtures.PI_480P_ONCE));
    /** Four slices a picture, SEI, 3-byte start codes: framing the Pi recordings lack. */
    static final byte[] X264_SLICED;
    /** SPS of kinds the Pi never writes: High 4:4:4, 4:2:2, 10 bit, interlaced, HRD, SAR, cropping. */
    static final List<byte[]> X264_SPS = new ArrayList<>();

    static {
        Path dir;
        try {
            dir = Files.createTempDirectory("camstream-fuzz");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        try {
            X264_SLICED = Fixtures.read(MediaTools.x264AnnexB(dir, "sliced.h264", "320x240", 1, "-g", "10",
                    "-x264-params", "sliced-threads=0:slices=4"));
            // Odd sizes where the format allows, so that the SPS carries frame cropping.
            List<List<String>> variants = List.of(
                    List.of("322x186", "-pix_fmt", "yuv444p"),
                    List.of("322x185", "-pix_fmt", "yuv422p"),
                    List.of("320x240", "-pix_fmt", "yuv420p10le"),
                    List.of("320x236", "-flags", "+ildct+ilme", "-x264-params", "interlaced=1"),
                    List.of("320x240", "-x264-params", "nal-hrd=vbr", "-maxrate", "1M", "-bufsize", "2M"),
                    List.of("322x186", "-vf", "setsar=7/5"));
            int n = 0;
            for (List<String> variant : variants) {
                String[] options = variant.subList(1, variant.size()).toArray(new String[0]);
                Path file = MediaTools.x264AnnexB(dir, "sps" + n++ + ".h264", variant.get(0), 0.1, options);
                X264_SPS.add(firstSps(Fixtures.read(file)));
            }
        } finally {
            delete(dir);
        }
    }

    private FuzzStreams() {}

    /** 0 and 1: the Pi recordings; 2: x264 with slices. */
    static byte[] pick(int which) {
        return switch (which) {
            case 0 -> PI_720P;
            case 1 -> PI_480P;
            default -> X264_SLICED;
        };
    }

    static List<NalUnit> nalUnits(byte[] stream) {
        return AnnexBReaderTest.splitOneShot(stream);
    }

    /** Every SPS the fuzz tests start from, as NAL unit bytes. */
    static List<byte[]> allSps() {
        List<byte[]> all = new ArrayList<>();
        all.add(firstSps(PI_720P));
        all.add(firstSps(PI_480P));
        all.add(firstSps(X264_SLICED));
        all.addAll(X264_SPS);
        return all;
    }

    /** The NAL units as Annex B, each after a 4-byte start code, as the Pi recordings frame them. */
    static byte[] annexB(List<NalUnit> nals) {
        List<byte[]> bytes = new ArrayList<>();
        for (NalUnit nal : nals) bytes.add(nal.toByteArray());
        return AnnexBReaderTest.annexB(bytes, 4);
    }

    private static byte[] firstSps(byte[] stream) {
        return H264Streams.firstOfType(nalUnits(stream), NalUnit.SPS).toByteArray();
    }

    private static void delete(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
