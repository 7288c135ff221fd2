package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.camstream.codec.InputsTried;
import org.camstream.testing.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of {@link AnnexBReader} on the Pi recordings and x264 output, damaged: the
 * fuzzer's bytes pick the stream, the damage and the chunking ({@link Mutations}).
 *
 * <p>Documented exception: none of its own. The reader never throws on bad input; only what its
 * listener throws comes out of {@code feed} and {@code flush} (here {@link ListenerFailure}).
 */
@ExtendWith(InputsTried.class)
class AnnexBReaderFuzzTest {
    /**
     * How long one fuzz test is fuzzed when nothing else says: what {@code mvn test} gives
     * {@link #allFuzzTestsAsOne}. A longer run sets libFuzzer's {@code -max_total_time} (see the
     * package documentation of {@code org.camstream.codec} in the tests).
     */
    static final String BUDGET = "8s";

    /** The start of the 480p recording, whole NAL units: what a reader must give back after garbage. */
    private static final List<NalUnit> CLEAN_NALS = FuzzStreams.nalUnits(FuzzStreams.PI_480P).subList(0, 40);
    private static final byte[] CLEAN = FuzzStreams.annexB(CLEAN_NALS);

    /** What a test listener throws: the only exception allowed out of the reader. */
    static final class ListenerFailure extends RuntimeException {
        ListenerFailure() {
            super("listener bug", null, false, false);
        }
    }

    /** The NAL unit size cap: the default two times in three, else a small one that real slices go over. */
    private static int cap(FuzzedDataProvider data) {
        return Mutations.mostly(data, AnnexBReader.DEFAULT_MAX_NAL_SIZE, 1, 30_000);
    }

    @FuzzTest(maxDuration = BUDGET)
    void damagedStreamsGiveValidNalUnitsWhateverTheChunking(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 3);
        int donor = Mutations.pick(data, 3);
        Mutations.Damage damage = Mutations.damage(data);
        int cap = cap(data);
        byte[] input = damage.apply(FuzzStreams.pick(source), FuzzStreams.pick(donor));

        List<NalUnit> got = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(got::add, cap);
        Mutations.feed(input, damage.chunks(), (b, off, len) -> {
            reader.feed(b, off, len);
            assertTrue(reader.bufferCapacity() <= cap, () -> "buffer " + reader.bufferCapacity() + " over cap " + cap);
            NalUnit prefix = reader.pendingPrefix(8);
            assertTrue(prefix == null || prefix.size() <= 8);
        });
        reader.flush();

        for (NalUnit nal : got) checkNalUnit(nal, cap);
        assertEquals(got.size(), reader.nalUnits());
        assertEquals(split(input, cap), got, "chunk boundaries must change nothing");
    }

    @FuzzTest(maxDuration = BUDGET)
    void afterGarbageTheCleanStreamComesThroughAgain(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 3);
        Mutations.Damage damage = Mutations.damage(data);
        int cap = cap(data);
        byte[] garbage = damage.apply(FuzzStreams.pick(source), FuzzStreams.X264_SLICED);
        List<NalUnit> got = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(got::add, cap);
        Mutations.feed(garbage, damage.chunks(), reader::feed);
        int before = got.size();
        Mutations.feed(CLEAN, damage.chunks(), reader::feed);
        reader.flush();

        // The first start code of the clean stream ends whatever the garbage left open; from there on
        // every NAL unit is the clean one, except those the cap drops.
        List<NalUnit> expected = CLEAN_NALS.stream().filter(n -> n.size() <= cap).toList();
        assertTrue(got.size() - before >= expected.size(), () -> (got.size() - before) + " NAL units after the garbage");
        assertEquals(expected, got.subList(got.size() - expected.size(), got.size()));
    }

    @FuzzTest(maxDuration = BUDGET)
    void aThrowingListenerLosesNoNalUnit(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 3);
        Mutations.Damage damage = Mutations.damage(data);
        int failEvery = data.consumeInt(1, 7);
        byte[] input = damage.apply(FuzzStreams.pick(source), FuzzStreams.PI_720P);
        List<NalUnit> seen = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(nal -> {
            seen.add(nal);
            if (seen.size() % failEvery == 0) throw new ListenerFailure();
        });
        // A live reader goes on with the next read after a consumer failed (AnnexBPictureParser does).
        Mutations.feed(input, damage.chunks(), (b, off, len) -> {
            try {
                reader.feed(b, off, len);
            } catch (ListenerFailure expected) {
                // the consumer's own failure, handed back
            }
        });
        try {
            reader.flush();
        } catch (ListenerFailure expected) {
            // the consumer's own failure, handed back
        }
        assertEquals(split(input, AnnexBReader.DEFAULT_MAX_NAL_SIZE), seen, "the listener saw every NAL unit, unchanged");
    }

    /**
     * The three fuzz tests above as one, the fuzzer's data choosing which of them gets each input: what
     * {@code mvn test} fuzzes. Jazzer fuzzes one {@code @FuzzTest} per JVM, and a JVM with its agent
     * takes seconds to start, so {@code mvn test} starts one per class rather than one per fuzz test.
     */
    @FuzzTest(maxDuration = BUDGET)
    void allFuzzTestsAsOne(FuzzedDataProvider data) {
        InputsTried.count();
        switch (Mutations.pick(data, 3)) {
            case 0 -> damagedStreamsGiveValidNalUnitsWhateverTheChunking(data);
            case 1 -> afterGarbageTheCleanStreamComesThroughAgain(data);
            default -> aThrowingListenerLosesNoNalUnit(data);
        }
    }

    /**
     * Found by {@link #aThrowingListenerLosesNoNalUnit}, shrunk: the reader stopped reading a
     * chunk where the listener failed, so the bytes after that start code, the head of the next NAL
     * unit, were lost, and that NAL unit came out without them (on the full recording: an IDR slice
     * turned into a "type 17" NAL unit 218 bytes short).
     */
    @Test
    void regressionAListenerFailureDoesNotCostTheNextNalUnitItsHead() {
        // The recording's first 54 bytes: SPS, PPS, and of the IDR slice only its header byte.
        byte[] input = Arrays.copyOf(FuzzStreams.PI_720P, 54);
        List<NalUnit> seen = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(nal -> {
            seen.add(nal);
            throw new ListenerFailure();
        });
        int failures = 0;
        for (int pos = 0; pos < input.length; pos += 2) {
            try {
                reader.feed(input, pos, 2);
            } catch (ListenerFailure e) {
                failures++;
            }
        }
        try {
            reader.flush();
        } catch (ListenerFailure e) {
            failures++;
        }
        assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR), seen.stream().map(NalUnit::type).toList());
        assertEquals(NalUnit.of(new byte[] {0x25}), seen.get(2));
        assertEquals(3, failures, "each failure reaches the caller");
    }

    @Test
    void aNalUnitThatNeverEndsIsDroppedAndMemoryStaysAtTheCap() {
        List<NalUnit> got = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(got::add);
        reader.feed(new byte[] {0, 0, 0, 1, 0x41}, 0, 5);
        byte[] slice = new byte[Mutations.MAX_CHUNK];
        Arrays.fill(slice, (byte) 0x5A); // no zero byte: no start code, ever
        for (long fed = 0; fed < 10L * 1024 * 1024; fed += slice.length) {
            reader.feed(slice, 0, slice.length);
            assertTrue(reader.bufferCapacity() <= AnnexBReader.DEFAULT_MAX_NAL_SIZE, "buffer after " + fed);
        }
        assertNull(reader.pendingPrefix(8), "nothing to look ahead at in a NAL unit being dropped");
        Mutations.feed(CLEAN, List.of(4096), reader::feed);
        reader.flush();
        assertEquals(CLEAN_NALS, got);
        assertEquals(1, reader.oversizeNalUnits());
    }

    @Test
    void aLongRunOfZerosInsideANalUnitIsNotBufferedPastTheCap() {
        // Zeros are held back as a count until the byte after them shows whether they start a start code.
        int cap = 100_000;
        List<NalUnit> got = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(got::add, cap);
        reader.feed(new byte[] {0, 0, 0, 1, 0x41}, 0, 5);
        byte[] zeros = new byte[Mutations.MAX_CHUNK];
        for (int i = 0; i < 40; i++) {
            reader.feed(zeros, 0, zeros.length);
            assertTrue(reader.bufferCapacity() <= cap);
        }
        reader.feed(new byte[] {0x22}, 0, 1); // not a start code: the zeros were NAL data, too many of them
        assertTrue(reader.bufferCapacity() <= cap);
        Mutations.feed(CLEAN, List.of(777), reader::feed);
        reader.flush();
        assertEquals(CLEAN_NALS.stream().filter(n -> n.size() <= cap).toList(), got);
        assertEquals(1 + CLEAN_NALS.stream().filter(n -> n.size() > cap).count(), reader.oversizeNalUnits());
    }

    /** What every NAL unit out of the reader must be, whatever went in. */
    static void checkNalUnit(NalUnit nal, int cap) {
        assertTrue(nal.size() >= 1 && nal.size() <= cap, () -> nal + " against cap " + cap);
        byte[] b = nal.toByteArray();
        assertEquals(0, b[0] & 0x80, "forbidden_zero_bit");
        assertTrue(b[b.length - 1] != 0, "zeros at the end belong to the next start code");
        for (int i = 0; i + 2 < b.length; i++) {
            assertTrue(b[i] != 0 || b[i + 1] != 0 || b[i + 2] != 1, () -> "start code inside " + nal);
        }
    }

    static List<NalUnit> split(byte[] input, int cap) {
        List<NalUnit> out = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(out::add, cap);
        reader.feed(input, 0, input.length);
        reader.flush();
        return out;
    }
}
