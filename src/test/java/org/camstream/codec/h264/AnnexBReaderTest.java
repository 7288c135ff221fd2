package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import org.camstream.testing.Fixtures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AnnexBReaderTest {
    /** Feeds {@code stream} in chunks of random size in [minChunk, maxChunk], then flushes. */
    static List<NalUnit> split(byte[] stream, long seed, int minChunk, int maxChunk, AnnexBReader[] readerOut, int cap) {
        List<NalUnit> out = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(out::add, cap);
        Random random = new Random(seed);
        int pos = 0;
        while (pos < stream.length) {
            int n = Math.min(stream.length - pos, minChunk + random.nextInt(maxChunk - minChunk + 1));
            reader.feed(stream, pos, n);
            pos += n;
        }
        reader.flush();
        if (readerOut != null) readerOut[0] = reader;
        return out;
    }

    static List<NalUnit> splitOneShot(byte[] stream) {
        List<NalUnit> out = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(out::add);
        reader.feed(stream, 0, stream.length);
        reader.flush();
        return out;
    }

    static byte[] annexB(List<byte[]> nals, int startCodeLength) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            if (startCodeLength == 4) out.write(0);
            out.write(0);
            out.write(0);
            out.write(1);
            out.writeBytes(nal);
        }
        return out.toByteArray();
    }

    /** NAL units of random escaped content: valid NAL bytes that the reader must return verbatim. */
    static List<byte[]> randomNals(Random random, int count, int maxSize) {
        List<byte[]> nals = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            byte[] rbsp = new byte[random.nextInt(maxSize)];
            for (int j = 0; j < rbsp.length; j++) rbsp[j] = (byte) (random.nextInt(3) == 0 ? random.nextInt(4) : random.nextInt(256));
            if (rbsp.length > 0) rbsp[rbsp.length - 1] = (byte) 0x80; // rbsp_trailing_bits: never ends in 00
            int header = (random.nextInt(4) << 5) | (1 + random.nextInt(23));
            nals.add(RbspWriter.nal(header, rbsp));
        }
        return nals;
    }

    static Map<Integer, Integer> typeCounts(List<NalUnit> nals) {
        Map<Integer, Integer> counts = new TreeMap<>();
        for (NalUnit nal : nals) counts.merge(nal.type(), 1, Integer::sum);
        return counts;
    }

    @Test
    void nalTypeCountsOfTheFixturesMatchTheirReadme() {
        List<NalUnit> inline = splitOneShot(Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE)));
        assertEquals(Map.of(7, 10, 8, 10, 5, 10, 1, 131), typeCounts(inline));
        List<NalUnit> once = splitOneShot(Fixtures.read(Fixtures.piH264(Fixtures.PI_480P_ONCE)));
        assertEquals(Map.of(7, 1, 8, 1, 5, 5, 1, 288), typeCounts(once));
    }

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.PI_720P_INLINE, Fixtures.PI_480P_ONCE})
    void chunkBoundariesDoNotMatter(String fixture) {
        byte[] stream = Fixtures.read(Fixtures.piH264(fixture));
        List<NalUnit> expected = splitOneShot(stream);
        assertEquals(expected, split(stream, 11, 1, 5000, null, AnnexBReader.DEFAULT_MAX_NAL_SIZE));
        // Tiny chunks split nearly every start code and every 00 00 03 somewhere.
        assertEquals(expected, split(stream, 12, 1, 4, null, AnnexBReader.DEFAULT_MAX_NAL_SIZE));
    }

    @Test
    void oneShotNalUnitsAreTheBytesBetweenStartCodes() {
        // The fixtures use 4-byte start codes only: check the reader against a plain search.
        byte[] stream = Fixtures.read(Fixtures.piH264(Fixtures.PI_480P_ONCE));
        List<Integer> starts = new ArrayList<>();
        for (int i = 0; i + 4 <= stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 0 && stream[i + 3] == 1) starts.add(i + 4);
        }
        List<NalUnit> nals = splitOneShot(stream);
        assertEquals(starts.size(), nals.size());
        for (int k = 0; k < starts.size(); k++) {
            int from = starts.get(k);
            int to = k + 1 < starts.size() ? starts.get(k + 1) - 4 : stream.length;
            assertArrayEquals(java.util.Arrays.copyOfRange(stream, from, to), nals.get(k).toByteArray(), "NAL " + k);
        }
    }

    @Test
    void threeAndFourByteStartCodesAndTrailingZerosGiveTheSameNalUnits() {
        Random random = new Random(5);
        List<byte[]> nals = randomNals(random, 300, 200);
        // Mixed framing: 3- or 4-byte start codes, sometimes extra trailing_zero_8bits.
        ByteArrayOutputStream mixed = new ByteArrayOutputStream();
        for (byte[] nal : nals) {
            int zeros = 2 + random.nextInt(2) + (random.nextInt(5) == 0 ? random.nextInt(10) : 0);
            for (int i = 0; i < zeros; i++) mixed.write(0);
            mixed.write(1);
            mixed.writeBytes(nal);
        }
        mixed.write(0); // trailing_zero_8bits at the very end
        mixed.write(0);
        for (byte[] stream : List.of(annexB(nals, 3), annexB(nals, 4), mixed.toByteArray())) {
            for (long seed = 0; seed < 3; seed++) {
                List<NalUnit> got = split(stream, seed, 1, 64, null, AnnexBReader.DEFAULT_MAX_NAL_SIZE);
                assertEquals(nals.size(), got.size());
                for (int i = 0; i < nals.size(); i++) assertArrayEquals(nals.get(i), got.get(i).toByteArray(), "NAL " + i);
            }
        }
    }

    @Test
    void fixtureReframedWithThreeByteStartCodesGivesTheSameNalUnits() {
        List<NalUnit> nals = splitOneShot(Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE)));
        List<byte[]> bytes = new ArrayList<>();
        for (NalUnit nal : nals) bytes.add(nal.toByteArray());
        assertEquals(nals, split(annexB(bytes, 3), 7, 1, 3000, null, AnnexBReader.DEFAULT_MAX_NAL_SIZE));
    }

    @Test
    void garbageBeforeTheFirstStartCodeIsSkippedAndCounted() {
        Random random = new Random(8);
        byte[] stream = Fixtures.read(Fixtures.piH264(Fixtures.PI_480P_ONCE));
        List<NalUnit> expected = splitOneShot(stream);
        // Garbage with lone zeros and 00 00 02 but no start code; it must not end in a zero, which
        // would become part of the start code that follows.
        ByteArrayOutputStream garbage = new ByteArrayOutputStream();
        for (int i = 0; i < 3000; i++) {
            int b = random.nextInt(256);
            garbage.write(b == 1 ? 2 : b);
            if (i % 500 == 0) garbage.writeBytes(new byte[] {0, 0, 2});
        }
        garbage.write(0x77);
        ByteArrayOutputStream dirty = new ByteArrayOutputStream();
        dirty.writeBytes(garbage.toByteArray());
        dirty.writeBytes(stream);

        AnnexBReader[] reader = new AnnexBReader[1];
        assertEquals(expected, split(dirty.toByteArray(), 9, 1, 700, reader, AnnexBReader.DEFAULT_MAX_NAL_SIZE));
        assertEquals(garbage.size(), reader[0].skippedBytes());
        assertEquals(expected.size(), reader[0].nalUnits());
    }

    @Test
    void oversizeNalUnitIsDroppedAndTheNextOnesAreNot() {
        Random random = new Random(10);
        int cap = 1000;
        byte[] small1 = RbspWriter.nal(0x67, new byte[] {0x42, 0x00, 0x1f, (byte) 0x80});
        byte[] exactlyCap = randomNalOfSize(random, cap);
        byte[] huge = randomNalOfSize(random, 50_000);
        byte[] justOver = randomNalOfSize(random, cap + 1);
        byte[] small2 = RbspWriter.nal(0x68, new byte[] {(byte) 0xce, 0x3c, (byte) 0x80});
        byte[] stream = annexB(List.of(small1, huge, exactlyCap, justOver, small2), 4);

        AnnexBReader[] reader = new AnnexBReader[1];
        List<NalUnit> got = split(stream, 1, 1, 300, reader, cap);
        assertEquals(List.of(NalUnit.of(small1), NalUnit.of(exactlyCap), NalUnit.of(small2)), got);
        assertEquals(2, reader[0].oversizeNalUnits());
    }

    @Test
    void capDropsExactlyTheFixtureNalUnitsAboveIt() {
        byte[] stream = Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE));
        List<NalUnit> all = splitOneShot(stream);
        int cap = 20_000;
        List<NalUnit> expected = all.stream().filter(n -> n.size() <= cap).toList();
        assertTrue(expected.size() < all.size() && expected.size() > 0, "the cap must split the fixture");

        AnnexBReader[] reader = new AnnexBReader[1];
        assertEquals(expected, split(stream, 13, 1, 5000, reader, cap));
        assertEquals(all.size() - expected.size(), reader[0].oversizeNalUnits());
    }

    private static byte[] randomNalOfSize(Random random, int size) {
        byte[] nal = new byte[size];
        for (int i = 0; i < size; i++) nal[i] = (byte) (1 + random.nextInt(255)); // no zeros: no start codes
        nal[0] = 0x41;
        return nal;
    }

    @Test
    void lastNalUnitWaitsForFlush() {
        byte[] stream = annexB(List.of(new byte[] {0x09, (byte) 0xf0}, new byte[] {0x65, 0x11, 0x22}), 4);
        List<NalUnit> got = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(got::add);
        reader.feed(stream, 0, stream.length);
        assertEquals(List.of(NalUnit.of(new byte[] {0x09, (byte) 0xf0})), got, "second one may still grow");
        reader.feed(new byte[] {0x33, 0, 0}, 0, 3);
        reader.flush();
        assertEquals(NalUnit.of(new byte[] {0x65, 0x11, 0x22, 0x33}), got.get(1), "trailing zeros are not NAL data");
        assertEquals(2, got.size());
    }

    @Test
    void zerosInsideANalUnitSurviveChunkBoundaries() {
        // 00 00 02 may not occur in a valid NAL unit, but a reader must not lose bytes over it.
        byte[] nal = {0x65, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x05, 0x11};
        byte[] stream = annexB(List.of(nal, new byte[] {0x41, 0x22}), 4);
        for (int chunk = 1; chunk <= stream.length; chunk++) {
            List<NalUnit> got = split(stream, 0, chunk, chunk, null, 100);
            assertEquals(List.of(NalUnit.of(nal), NalUnit.of(new byte[] {0x41, 0x22})), got, "chunk " + chunk);
        }
    }

    @Test
    void emptyAndForbiddenBitNalUnitsAreCountedNotEmitted() {
        byte[] stream = {0, 0, 0, 1, 0, 0, 1, (byte) 0xe5, 0x10, 0, 0, 1, 0x41, 0x10};
        AnnexBReader[] reader = new AnnexBReader[1];
        List<NalUnit> got = split(stream, 0, 1, 5, reader, 100);
        assertEquals(List.of(NalUnit.of(new byte[] {0x41, 0x10})), got);
        assertEquals(2, reader[0].invalidNalUnits());
    }
}
