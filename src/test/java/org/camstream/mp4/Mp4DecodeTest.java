package org.camstream.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.camstream.codec.flv.FlvListener;
import org.camstream.codec.flv.FlvReader;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Muxed output must decode in ffmpeg without a single complaint, frame for frame. */
class Mp4DecodeTest {
    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.PI_720P_INLINE, Fixtures.PI_480P_ONCE})
    void piRecordingsDecode(String fixture) {
        Path source = Fixtures.piH264(fixture);
        MuxedStream stream = new MuxedStream(MuxedStream.readAnnexB(source));
        Path mp4 = stream.writeFrom(dir, "pi.mp4", 0);
        checkDecodes(mp4, MediaTools.probeVideoStream(source), stream.aus.size());
        checkTimestamps(mp4, stream, 0);
    }

    @Test
    void viewerJoiningAtTheSecondIdrDecodesWithCachedParameterSets() {
        Path source = Fixtures.piH264(Fixtures.PI_480P_ONCE);
        MuxedStream stream = new MuxedStream(MuxedStream.readAnnexB(source));
        int secondIdr = -1;
        for (int i = 0, keyframes = 0; i < stream.aus.size(); i++) {
            if (stream.aus.get(i).isKeyframe() && ++keyframes == 2) {
                secondIdr = i;
                break;
            }
        }
        assertTrue(secondIdr > 0);
        assertNull(stream.aus.get(secondIdr).sps(), "no parameter sets in the stream at the joining point");
        assertTrue(stream.fragments.get(secondIdr).isKeyframe());

        Path mp4 = stream.writeFrom(dir, "late.mp4", secondIdr);
        checkDecodes(mp4, MediaTools.probeVideoStream(source), stream.aus.size() - secondIdr);
        checkTimestamps(mp4, stream, secondIdr);
    }

    @Test
    void x264AnnexBDecodes() {
        Path source = MediaTools.x264AnnexB(dir, "x264.h264", "320x240", 2, "-g", "15");
        MuxedStream stream = new MuxedStream(MuxedStream.readAnnexB(source));
        Path mp4 = stream.writeFrom(dir, "x264.mp4", 0);
        checkDecodes(mp4, MediaTools.probeVideoStream(source), stream.aus.size());
        checkTimestamps(mp4, stream, 0);
    }

    static Stream<Arguments> x264Formats() {
        return Stream.of(
                Arguments.of("yuv444", List.of("-pix_fmt", "yuv444p")),
                Arguments.of("high10", List.of("-pix_fmt", "yuv420p10le")),
                Arguments.of("sar", List.of("-vf", "setsar=4/3")),
                Arguments.of("cropped", List.of("-vf", "scale=322:186")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("x264Formats")
    void otherFormatsDecodeWithTheirAspectRatio(String name, List<String> options) {
        Path source = MediaTools.x264AnnexB(dir, name + ".h264", "320x240", 0.3, options.toArray(new String[0]));
        MuxedStream stream = new MuxedStream(MuxedStream.readAnnexB(source));
        Path mp4 = stream.writeFrom(dir, name + ".mp4", 0);
        Map<String, Object> expected = MediaTools.probeVideoStream(source);
        Map<String, Object> got = checkDecodes(mp4, expected, stream.aus.size());
        assertEquals(expected.get("pix_fmt"), got.get("pix_fmt"));
        assertEquals(expected.get("profile"), got.get("profile"));
        assertEquals(expected.get("sample_aspect_ratio"), got.get("sample_aspect_ratio"));
    }

    @Test
    void flvSourceDecodes() throws IOException {
        MediaTools.Result flv = MediaTools.runOk(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "2",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "30",
                "-f", "flv", "-flvflags", "no_duration_filesize", "-flush_packets", "1", "pipe:1"));
        List<NalUnit> config = new ArrayList<>();
        List<AccessUnit> aus = new ArrayList<>();
        FlvReader reader = new FlvReader(new FlvListener() {
            @Override
            public void onConfig(NalUnit sps, NalUnit pps) {
                config.add(sps);
                config.add(pps);
            }

            @Override
            public void onAccessUnit(AccessUnit au, long presentationTimeMillis) {
                aus.add(au);
            }
        });
        reader.feed(flv.stdout(), 0, flv.stdout().length);
        assertEquals(2, config.size());

        Path source = Files.write(dir.resolve("source.flv"), flv.stdout());
        MuxedStream stream = new MuxedStream(aus, config);
        Path mp4 = stream.writeFrom(dir, "flv.mp4", 0);
        checkDecodes(mp4, MediaTools.probeVideoStream(source), aus.size());
        checkTimestamps(mp4, stream, 0);
    }

    /** Decodes with -xerror: exit 0 and not a word on stderr; ffprobe agrees on size and frames. */
    private static Map<String, Object> checkDecodes(Path mp4, Map<String, Object> source, int frames) {
        MediaTools.Result decode = MediaTools.ffmpeg("-v", "error", "-xerror", "-i", mp4.toString(), "-f", "null", "-");
        assertEquals(0, decode.exitCode(), decode.stderr());
        assertEquals("", decode.stderr());
        Map<String, Object> got = MediaTools.probeVideoStream(mp4);
        assertEquals(source.get("width"), got.get("width"));
        assertEquals(source.get("height"), got.get("height"));
        assertEquals(frames, MediaTools.intField(got, "nb_read_frames"));
        return got;
    }

    /**
     * ffprobe's reading of tfdt and sync flags, against what the muxer meant. (ffprobe's packet
     * duration is no witness: for these fragments it reports the nominal frame duration, not trun's.)
     */
    @SuppressWarnings("unchecked")
    private static void checkTimestamps(Path mp4, MuxedStream stream, int from) {
        Map<String, Object> json = MediaTools.probeJson(mp4, "-select_streams", "v:0",
                "-show_entries", "stream=time_base:packet=dts,flags");
        assertEquals("1/90000", ((List<Map<String, Object>>) json.get("streams")).get(0).get("time_base"));
        List<Map<String, Object>> packets = (List<Map<String, Object>>) json.get("packets");
        List<Fragment> fragments = stream.fragments.subList(from, stream.fragments.size());
        assertEquals(fragments.size(), packets.size());
        for (int i = 0; i < packets.size(); i++) {
            Map<String, Object> p = packets.get(i);
            Fragment f = fragments.get(i);
            assertEquals(f.timing().decodeTime(), Long.parseLong(p.get("dts").toString()), "packet " + i);
            assertEquals(f.isKeyframe(), p.get("flags").toString().startsWith("K"), "packet " + i);
        }
    }
}
