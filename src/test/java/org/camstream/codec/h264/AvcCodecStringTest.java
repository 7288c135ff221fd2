package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.HexFormat;
import java.util.Map;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AvcCodecStringTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.PI_720P_INLINE, Fixtures.PI_480P_ONCE})
    void piFixtures(String fixture) {
        Path file = Fixtures.piH264(fixture);
        Sps sps = SpsParser.parse(H264Streams.firstOfType(H264Streams.nalUnits(file), NalUnit.SPS));
        // The README: both start with 00 00 00 01 27 64 00 28.
        assertEquals("avc1.640028", AvcCodecString.of(sps));
        check(file, sps);
    }

    @Test
    void x264ConstrainedBaseline() {
        Path file = MediaTools.x264AnnexB(dir, "x.h264", "320x240", 0.1);
        NalUnit nal = H264Streams.firstOfType(H264Streams.nalUnits(file), NalUnit.SPS);
        check(file, SpsParser.parse(nal));
        assertEquals(AvcCodecString.of(nal), AvcCodecString.of(SpsParser.parse(nal)));
    }

    /** The three bytes after the first SPS header in the file itself, and ffprobe's profile and level. */
    private static void check(Path file, Sps sps) {
        byte[] bytes = Fixtures.read(file);
        int header = -1;
        for (int i = 0; i + 4 < bytes.length; i++) {
            if (bytes[i] == 0 && bytes[i + 1] == 0 && bytes[i + 2] == 1 && (bytes[i + 3] & 0x1f) == 7) {
                header = i + 3;
                break;
            }
        }
        String expected = "avc1." + HexFormat.of().formatHex(bytes, header + 1, header + 4);
        assertEquals(expected, AvcCodecString.of(sps));

        Map<String, Object> stream = MediaTools.probeVideoStream(file);
        Map<String, String> profiles = Map.of("High", "64", "Constrained Baseline", "42", "Main", "4d");
        assertEquals(profiles.get((String) stream.get("profile")), AvcCodecString.of(sps).substring(5, 7));
        assertEquals(MediaTools.intField(stream, "level"), Integer.parseInt(AvcCodecString.of(sps).substring(9, 11), 16));
    }

    @Test
    void rejectsOtherNalUnits() {
        assertThrows(IllegalArgumentException.class, () -> AvcCodecString.of(NalUnit.of(new byte[] {0x68, 0x11, 0x22, 0x33})));
        assertThrows(IllegalArgumentException.class, () -> AvcCodecString.of(NalUnit.of(new byte[] {0x67, 0x64})));
    }
}
