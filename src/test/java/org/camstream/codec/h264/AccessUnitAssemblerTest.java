package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AccessUnitAssemblerTest {
    private static final byte[] AUD = {0x09, (byte) 0xf0};

    @TempDir Path dir;

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.PI_720P_INLINE, Fixtures.PI_480P_ONCE})
    void piFixturesGiveFfprobesFramesPacketForPacket(String fixture) {
        Path file = Fixtures.piH264(fixture);
        List<AccessUnit> aus = H264Streams.accessUnits(Fixtures.read(file));
        checkAgainstFfprobe(file, aus);
        // The fixtures use 4-byte start codes only, so each ffprobe packet is exactly our access
        // unit written back as Annex B.
        List<MediaTools.Packet> packets = MediaTools.probePackets(file);
        assertEquals(packets.size(), aus.size());
        for (int i = 0; i < aus.size(); i++) {
            assertEquals(packets.get(i).size(), aus.get(i).annexBSize(), "packet " + i);
            assertEquals(packets.get(i).key(), aus.get(i).isKeyframe(), "packet " + i);
        }
        // Picture types as ffmpeg decodes them: I pictures are the IDRs, the rest are P (no B-frames).
        List<String> pictTypes = pictureTypes(file);
        assertEquals(aus.size(), pictTypes.size());
        for (int i = 0; i < aus.size(); i++) {
            NalUnit firstSlice = aus.get(i).nalUnits().stream().filter(NalUnit::isVcl).findFirst().orElseThrow();
            int expected = switch (pictTypes.get(i)) {
                case "I" -> 2;
                case "P" -> 0;
                case "B" -> 1;
                default -> -2;
            };
            assertEquals(expected, SliceHeader.sliceType(firstSlice), "frame " + i);
        }
    }

    @Test
    void x264MultiSliceOutputGivesFfprobesFrames() {
        // -tune zerolatency alone would give one slice per thread, which depends on the machine.
        Path file = MediaTools.x264AnnexB(dir, "x264.h264", "320x240", 2, "-g", "15",
                "-x264-params", "sliced-threads=0:slices=4");
        List<AccessUnit> aus = H264Streams.accessUnits(Fixtures.read(file));
        checkAgainstFfprobe(file, aus);
        List<MediaTools.Packet> packets = MediaTools.probePackets(file);
        for (int i = 0; i < aus.size(); i++) assertEquals(packets.get(i).key(), aus.get(i).isKeyframe(), "packet " + i);
        for (AccessUnit au : aus) {
            assertEquals(4, au.nalUnits().stream().filter(NalUnit::isVcl).count(), au.toString());
        }
        // ffmpeg's own count of slice headers.
        MediaTools.Result trace = MediaTools.run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "info",
                "-i", file.toString(), "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-"));
        long sliceHeaders = trace.stderr().lines().filter(l -> l.contains(" first_mb_in_slice ")).count();
        assertEquals(sliceHeaders, aus.stream().mapToLong(au -> au.nalUnits().stream().filter(NalUnit::isVcl).count()).sum());
    }

    @SuppressWarnings("unchecked")
    private static List<String> pictureTypes(Path file) {
        Map<String, Object> json = MediaTools.probeJson(file, "-select_streams", "v:0", "-show_entries", "frame=pict_type");
        return ((List<Map<String, Object>>) json.get("frames")).stream().map(f -> (String) f.get("pict_type")).toList();
    }

    private static void checkAgainstFfprobe(Path file, List<AccessUnit> aus) {
        Map<String, Object> stream = MediaTools.probeVideoStream(file);
        assertEquals(MediaTools.intField(stream, "nb_read_frames"), aus.size());
        long keyPackets = MediaTools.probePackets(file).stream().filter(MediaTools.Packet::key).count();
        assertEquals(keyPackets, aus.stream().filter(AccessUnit::isKeyframe).count());
        for (AccessUnit au : aus) {
            // One picture each: exactly one slice starts at macroblock 0, and it comes first.
            List<NalUnit> slices = au.nalUnits().stream().filter(NalUnit::isVcl).toList();
            assertEquals(0, SliceHeader.firstMbInSlice(slices.get(0)), au.toString());
            assertEquals(1, slices.stream().filter(s -> SliceHeader.firstMbInSlice(s) == 0).count(), au.toString());
            assertTrue(slices.stream().allMatch(s -> s.isIdr() == au.isKeyframe()), au.toString());
            assertTrue(au.nalUnits().stream().noneMatch(n -> n.type() == NalUnit.AUD));
        }
    }

    @Test
    void chunkBoundariesDoNotMatter() {
        byte[] stream = Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE));
        List<AccessUnit> expected = H264Streams.accessUnits(stream);
        Random random = new Random(21);
        List<AccessUnit> got = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(got::add);
        AnnexBReader reader = new AnnexBReader(assembler);
        for (int pos = 0; pos < stream.length; ) {
            int n = Math.min(stream.length - pos, 1 + random.nextInt(5000));
            reader.feed(stream, pos, n);
            pos += n;
        }
        reader.flush();
        assembler.flush();
        assertEquals(expected, got);
    }

    @Test
    void accessUnitDelimitersMarkBoundariesAndAreDropped() {
        List<AccessUnit> plain = H264Streams.accessUnits(Fixtures.read(Fixtures.piH264(Fixtures.PI_480P_ONCE)));
        ByteArrayOutputStream withAuds = new ByteArrayOutputStream();
        for (AccessUnit au : plain) {
            withAuds.writeBytes(new byte[] {0, 0, 0, 1});
            withAuds.writeBytes(AUD);
            withAuds.writeBytes(annexB(au));
        }
        assertEquals(plain, H264Streams.accessUnits(withAuds.toByteArray()));
    }

    @Test
    void audAloneSplitsPicturesThatNothingElseWould() {
        // Two slices both starting at macroblock 5: only the AUD between them says they are two pictures.
        NalUnit a = NalUnit.of(new RbspWriter().ue(5).ue(0).ue(0).rbspNal(0x41));
        NalUnit b = NalUnit.of(new RbspWriter().ue(5).ue(0).ue(0).rbspNal(0x41));
        List<AccessUnit> got = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(got::add);
        assembler.accept(a);
        assembler.accept(b);
        assembler.accept(NalUnit.of(AUD));
        assembler.accept(a);
        assembler.flush();
        assertEquals(List.of(AccessUnit.of(a, b), AccessUnit.of(a)), got);
    }

    @Test
    void endOfAccessUnitEmitsAtOnce() {
        List<AccessUnit> expected = H264Streams.accessUnits(Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE)));
        List<AccessUnit> got = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(got::add);
        for (int i = 0; i < expected.size(); i++) {
            for (NalUnit nal : expected.get(i).nalUnits()) assembler.accept(nal);
            assertEquals(i, got.size(), "nothing before the caller says so");
            assembler.endOfAccessUnit();
            assertEquals(i + 1, got.size(), "no frame of latency");
        }
        assertEquals(expected, got);
        assembler.flush();
        assertEquals(expected.size(), got.size());
    }

    @Test
    void parameterSetsWithoutAPictureCarryOverToTheNextAccessUnit() {
        List<NalUnit> nals = H264Streams.nalUnits(Fixtures.piH264(Fixtures.PI_480P_ONCE));
        NalUnit sps = nals.get(0);
        NalUnit pps = nals.get(1);
        NalUnit idr = nals.get(2);
        assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR), List.of(sps.type(), pps.type(), idr.type()));
        List<AccessUnit> got = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(got::add);
        assembler.accept(sps);
        assembler.accept(pps);
        assembler.endOfAccessUnit(); // a container packet holding only the parameter sets
        assertTrue(got.isEmpty());
        assembler.accept(idr);
        assembler.endOfAccessUnit();
        assertEquals(List.of(AccessUnit.of(sps, pps, idr)), got);
        assertEquals(sps, got.get(0).sps());
        assertEquals(pps, got.get(0).pps());

        assembler.accept(sps); // dangling at the end of the stream
        assembler.flush();
        assertEquals(1, got.size());
        assertEquals(1, assembler.discardedNalUnits());
    }

    @Test
    void oversizeAccessUnitsAreDroppedWholeAndTheRestKept() {
        List<AccessUnit> all = H264Streams.accessUnits(Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE)));
        int cap = 30_000;
        List<AccessUnit> expected = all.stream().filter(au -> au.payloadSize() <= cap).toList();
        assertTrue(expected.size() < all.size() && !expected.isEmpty(), "the cap must split the fixture");
        List<AccessUnit> got = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(got::add, 100, cap);
        for (AccessUnit au : all) au.nalUnits().forEach(assembler);
        assembler.flush();
        assertEquals(expected, got);
        assertEquals(all.size() - expected.size(), assembler.droppedAccessUnits());
        assertEquals(expected.size(), assembler.accessUnits());

        List<AccessUnit> few = new ArrayList<>();
        AccessUnitAssembler byCount = new AccessUnitAssembler(few::add, 2, Integer.MAX_VALUE);
        for (AccessUnit au : all) au.nalUnits().forEach(byCount);
        byCount.flush();
        assertEquals(all.stream().filter(au -> au.nalUnits().size() <= 2).toList(), few);
        assertFalse(few.isEmpty());
    }

    private static byte[] annexB(AccessUnit au) {
        byte[] out = new byte[au.annexBSize()];
        assertEquals(out.length, au.writeAnnexB(out, 0));
        return out;
    }
}
