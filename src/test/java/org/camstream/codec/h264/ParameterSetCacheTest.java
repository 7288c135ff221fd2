package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParameterSetCacheTest {
    @TempDir Path dir;

    @Test
    void remembersParameterSetsSentOnce() {
        List<AccessUnit> aus = H264Streams.accessUnits(Fixtures.read(Fixtures.piH264(Fixtures.PI_480P_ONCE)));
        ParameterSetCache cache = new ParameterSetCache();
        assertFalse(cache.snapshot().isComplete());
        assertNull(cache.sps());
        int changes = 0;
        for (AccessUnit au : aus) if (cache.update(au)) changes++;
        assertEquals(1, changes, "only the first access unit carries parameter sets");
        assertTrue(cache.snapshot().isComplete());
        assertEquals(aus.get(0).sps(), cache.sps().nal());
        assertEquals(aus.get(0).pps(), cache.pps());
        assertEquals(2, cache.snapshot().version(), "one SPS and one PPS");
    }

    @Test
    void repeatsOfTheSameBytesAreNoChange() {
        List<AccessUnit> aus = H264Streams.accessUnits(Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE)));
        ParameterSetCache cache = new ParameterSetCache();
        long withSps = aus.stream().filter(au -> au.sps() != null).count();
        assertTrue(withSps > 1, "the inline fixture repeats its SPS");
        int changes = 0;
        for (AccessUnit au : aus) if (cache.update(au)) changes++;
        assertEquals(1, changes);
    }

    @Test
    void newResolutionIsAChange() {
        NalUnit sps480 = H264Streams.firstOfType(H264Streams.nalUnits(Fixtures.piH264(Fixtures.PI_480P_ONCE)), NalUnit.SPS);
        NalUnit sps720 = H264Streams.firstOfType(H264Streams.nalUnits(Fixtures.piH264(Fixtures.PI_720P_INLINE)), NalUnit.SPS);
        ParameterSetCache cache = new ParameterSetCache();
        assertTrue(cache.update(sps480));
        int width = cache.sps().width();
        assertFalse(cache.update(NalUnit.of(sps480.toByteArray())), "equal bytes, other array");
        assertTrue(cache.update(sps720));
        assertNotEquals(width, cache.sps().width());
        assertEquals(SpsParser.parse(sps720).width(), cache.sps().width());
        assertFalse(cache.update(NalUnit.of(new byte[] {0x65, 0x11})), "slices are ignored");
    }

    @Test
    void damagedSpsDoesNotReplaceAGoodOne() {
        NalUnit sps = H264Streams.firstOfType(H264Streams.nalUnits(Fixtures.piH264(Fixtures.PI_480P_ONCE)), NalUnit.SPS);
        ParameterSetCache cache = new ParameterSetCache();
        cache.update(sps);
        assertFalse(cache.update(NalUnit.of(Arrays.copyOf(sps.toByteArray(), 5))));
        assertEquals(1, cache.malformedSps());
        assertEquals(sps, cache.sps().nal());
    }

    @Test
    void viewerJoiningAtTheSecondIdrDecodesWithCachedParameterSets() throws Exception {
        Path fixture = Fixtures.piH264(Fixtures.PI_480P_ONCE);
        List<AccessUnit> aus = H264Streams.accessUnits(Fixtures.read(fixture));
        ParameterSetCache cache = new ParameterSetCache();
        int secondIdr = -1;
        int keyframes = 0;
        for (int i = 0; i < aus.size(); i++) {
            cache.update(aus.get(i));
            if (aus.get(i).isKeyframe() && ++keyframes == 2) {
                secondIdr = i;
                break;
            }
        }
        assertTrue(secondIdr > 0);
        assertNull(aus.get(secondIdr).sps(), "the hard case: no SPS at the joining point");

        ByteArrayOutputStream late = new ByteArrayOutputStream();
        AccessUnit.of(cache.sps().nal(), cache.pps()).writeAnnexB(late);
        for (AccessUnit au : aus.subList(secondIdr, aus.size())) au.writeAnnexB(late);
        Path file = dir.resolve("late.h264");
        Files.write(file, late.toByteArray());

        MediaTools.Result decode = MediaTools.ffmpeg("-v", "error", "-xerror", "-i", file.toString(), "-f", "null", "-");
        assertEquals(0, decode.exitCode(), decode.stderr());
        assertEquals("", decode.stderr());
        Map<String, Object> stream = MediaTools.probeVideoStream(file);
        assertEquals(aus.size() - secondIdr, MediaTools.intField(stream, "nb_read_frames"));

        // Without the cached parameter sets the same bytes do not decode.
        ByteArrayOutputStream bare = new ByteArrayOutputStream();
        for (AccessUnit au : aus.subList(secondIdr, aus.size())) au.writeAnnexB(bare);
        Path bareFile = dir.resolve("bare.h264");
        Files.write(bareFile, bare.toByteArray());
        MediaTools.Result bareDecode = MediaTools.ffmpeg("-v", "error", "-xerror", "-i", bareFile.toString(), "-f", "null", "-");
        assertTrue(bareDecode.exitCode() != 0 || !bareDecode.stderr().isEmpty(), "control: the cache is what makes it work");
    }
}
