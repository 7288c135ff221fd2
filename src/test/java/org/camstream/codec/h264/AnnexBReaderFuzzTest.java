package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.camstream.testing.Mutations;
import org.junit.jupiter.api.Test;

/**
 * Property-based fuzzing of {@link AnnexBReader} on the Pi recordings and x264 output, damaged.
 *
 * <p>Documented exception: none of its own. The reader never throws on bad input; only what its
 * listener throws comes out of {@code feed} and {@code flush} (here {@link ListenerFailure}).
 */
class AnnexBReaderFuzzTest {
    /** Tries per property; the closing note counts inputs tried from these. */
    static final int TRIES = 1000;

    /** The start of the 480p recording, whole NAL units: what a reader must give back after garbage. */
    private static final List<NalUnit> CLEAN_NALS = FuzzStreams.nalUnits(FuzzStreams.PI_480P).subList(0, 40);
    private static final byte[] CLEAN = FuzzStreams.annexB(CLEAN_NALS);

    /** What a test listener throws: the only exception allowed out of the reader. */
    static final class ListenerFailure extends RuntimeException {
        ListenerFailure() {
            super("listener bug", null, false, false);
        }
    }

    @Provide
    Arbitrary<Integer> sources() {
        return Arbitraries.integers().between(0, 2);
    }

    @Provide
    Arbitrary<Mutations.Window> windows() {
        return Mutations.windows(256 * 1024);
    }

    @Provide
    Arbitrary<List<Mutations.Mutation>> edits() {
        return Mutations.mutations(8);
    }

    @Provide
    Arbitrary<List<Integer>> chunks() {
        return Mutations.chunkSizes();
    }

    @Provide
    Arbitrary<Integer> caps() {
        return Arbitraries.frequencyOf(
                Tuple.of(2, Arbitraries.just(AnnexBReader.DEFAULT_MAX_NAL_SIZE)),
                Tuple.of(1, Arbitraries.integers().between(1, 30_000)));
    }

    @Property(tries = TRIES)
    void damagedStreamsGiveValidNalUnitsWhateverTheChunking(
            @ForAll("sources") int source, @ForAll("sources") int donor, @ForAll("windows") Mutations.Window window,
            @ForAll("edits") List<Mutations.Mutation> edits, @ForAll("chunks") List<Integer> chunks,
            @ForAll("caps") int cap) {
        byte[] input = Mutations.apply(window.of(FuzzStreams.pick(source)), FuzzStreams.pick(donor), edits);

        List<NalUnit> got = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(got::add, cap);
        Mutations.feed(input, chunks, (b, off, len) -> {
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

    @Property(tries = TRIES)
    void afterGarbageTheCleanStreamComesThroughAgain(
            @ForAll("sources") int source, @ForAll("windows") Mutations.Window window,
            @ForAll("edits") List<Mutations.Mutation> edits, @ForAll("chunks") List<Integer> chunks,
            @ForAll("caps") int cap) {
        byte[] garbage = Mutations.apply(window.of(FuzzStreams.pick(source)), FuzzStreams.X264_SLICED, edits);
        List<NalUnit> got = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(got::add, cap);
        Mutations.feed(garbage, chunks, reader::feed);
        int before = got.size();
        Mutations.feed(CLEAN, chunks, reader::feed);
        reader.flush();

        // The first start code of the clean stream ends whatever the garbage left open; from there on
        // every NAL unit is the clean one, except those the cap drops.
        List<NalUnit> expected = CLEAN_NALS.stream().filter(n -> n.size() <= cap).toList();
        assertTrue(got.size() - before >= expected.size(), () -> (got.size() - before) + " NAL units after the garbage");
        assertEquals(expected, got.subList(got.size() - expected.size(), got.size()));
    }

    @Provide
    Arbitrary<Integer> failEvery() {
        return Arbitraries.integers().between(1, 7);
    }

    @Property(tries = TRIES)
    void aThrowingListenerLosesNoNalUnit(
            @ForAll("sources") int source, @ForAll("windows") Mutations.Window window,
            @ForAll("edits") List<Mutations.Mutation> edits, @ForAll("chunks") List<Integer> chunks,
            @ForAll("failEvery") int failEvery) {
        byte[] input = Mutations.apply(window.of(FuzzStreams.pick(source)), FuzzStreams.PI_720P, edits);
        List<NalUnit> seen = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(nal -> {
            seen.add(nal);
            if (seen.size() % failEvery == 0) throw new ListenerFailure();
        });
        // A live reader goes on with the next read after a consumer failed (AnnexBPictureParser does).
        Mutations.feed(input, chunks, (b, off, len) -> {
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
     * Found by {@link #aThrowingListenerLosesNoNalUnit}, shrunk by jqwik: the reader stopped reading a
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
