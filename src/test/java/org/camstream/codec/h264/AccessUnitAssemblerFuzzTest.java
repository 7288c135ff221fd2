package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.List;
import org.camstream.codec.InputsTried;
import org.camstream.testing.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of {@link AccessUnitAssembler}, fed by {@link AnnexBReader} from damaged
 * real streams, and driven directly with damaged real NAL units, look-aheads and flushes: the
 * fuzzer's bytes pick the stream, the damage and the chunking ({@link Mutations}), or the calls.
 *
 * <p>Documented exception: none of its own. The assembler never throws on bad input; only what its
 * listener throws comes out (here {@link AnnexBReaderFuzzTest.ListenerFailure}).
 */
@ExtendWith(InputsTried.class)
class AccessUnitAssemblerFuzzTest {
    /**
     * How long one fuzz test is fuzzed when nothing else says: what {@code mvn test} gives
     * {@link #allFuzzTestsAsOne}. A longer run sets libFuzzer's {@code -max_total_time} (see the
     * package documentation of {@code org.camstream.codec} in the tests).
     */
    static final String BUDGET = "10s";

    /** What AnnexBPictureParser looks ahead at: enough for the header and first_mb_in_slice. */
    private static final int PREFIX_BYTES = 8;

    /** The start of the 480p recording, whole access units: what must come back after garbage. */
    private static final List<NalUnit> CLEAN_NALS = FuzzStreams.nalUnits(FuzzStreams.PI_480P).subList(0, 40);
    private static final byte[] CLEAN = FuzzStreams.annexB(CLEAN_NALS);
    private static final List<AccessUnit> CLEAN_AUS = H264Streams.accessUnits(CLEAN);

    /** Real NAL units of every kind the streams have, and a few that only damage makes. */
    private static final List<NalUnit> POOL = pool();

    /** An access unit assembler and what it handed out, checked on the way. */
    private static final class Run {
        final List<AccessUnit> aus = new ArrayList<>();
        final AccessUnitAssembler assembler;
        final int maxNalUnits;
        final int maxBytes;
        int failEvery; // the listener fails on every n-th access unit; 0: never

        Run(int maxNalUnits, int maxBytes) {
            this.maxNalUnits = maxNalUnits;
            this.maxBytes = maxBytes;
            this.assembler = new AccessUnitAssembler(au -> {
                checkAccessUnit(au, this.maxNalUnits, this.maxBytes);
                aus.add(au);
                if (failEvery > 0 && aus.size() % failEvery == 0) throw new AnnexBReaderFuzzTest.ListenerFailure();
            }, maxNalUnits, maxBytes);
        }

        void checkPending() {
            assertTrue(assembler.pendingNalUnits() <= maxNalUnits, () -> assembler.pendingNalUnits() + " NAL units pending");
            assertTrue(assembler.pendingBytes() <= maxBytes, () -> assembler.pendingBytes() + " bytes pending");
        }

        List<NalUnit> handedOut() {
            List<NalUnit> all = new ArrayList<>();
            for (AccessUnit au : aus) all.addAll(au.nalUnits());
            return all;
        }
    }

    /** The NAL unit count cap: the default two times in three, else one of 1 to 8. */
    private static int nalCap(FuzzedDataProvider data) {
        return Mutations.mostly(data, AccessUnitAssembler.DEFAULT_MAX_NAL_UNITS, 1, 8);
    }

    /** The byte cap: the default two times in three, else a small one that real pictures go over. */
    private static int byteCap(FuzzedDataProvider data) {
        return Mutations.mostly(data, AccessUnitAssembler.DEFAULT_MAX_BYTES, 1, 60_000);
    }

    @FuzzTest(maxDuration = BUDGET)
    void damagedStreamsGivePicturesWithinTheCapsWhateverTheChunking(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 3);
        int donor = Mutations.pick(data, 3);
        Mutations.Damage damage = Mutations.damage(data);
        int maxNalUnits = nalCap(data);
        int maxBytes = byteCap(data);
        byte[] input = damage.apply(FuzzStreams.pick(source), FuzzStreams.pick(donor));

        Run run = new Run(maxNalUnits, maxBytes);
        List<NalUnit> read = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(nal -> {
            read.add(nal);
            run.assembler.accept(nal);
            run.checkPending();
        });
        Mutations.feed(input, damage.chunks(), (b, off, len) -> {
            reader.feed(b, off, len);
            lookAhead(reader, run.assembler);
            run.checkPending();
        });
        reader.flush();
        run.assembler.flush();
        run.checkPending();

        assertTrue(isSubsequence(run.handedOut(), read), "access units hold the stream's NAL units, in order, each once");
        assertEquals(run.aus.size(), run.assembler.accessUnits());
        // Looking ahead may hand an access unit on sooner, never cut it elsewhere: the same stream
        // read in one piece without looking ahead gives the same access units.
        Run whole = new Run(maxNalUnits, maxBytes);
        AnnexBReader oneShot = new AnnexBReader(whole.assembler);
        oneShot.feed(input, 0, input.length);
        oneShot.flush();
        whole.assembler.flush();
        assertEquals(whole.aus, run.aus);
    }

    @FuzzTest(maxDuration = BUDGET)
    void afterGarbageTheCleanStreamComesThroughAgain(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 3);
        Mutations.Damage damage = Mutations.damage(data);
        int maxNalUnits = nalCap(data);
        byte[] garbage = damage.apply(FuzzStreams.pick(source), FuzzStreams.X264_SLICED);
        Run run = new Run(maxNalUnits, AccessUnitAssembler.DEFAULT_MAX_BYTES);
        AnnexBReader reader = new AnnexBReader(run.assembler);
        Mutations.Feeder feeder = (b, off, len) -> {
            reader.feed(b, off, len);
            lookAhead(reader, run.assembler);
        };
        Mutations.feed(garbage, damage.chunks(), feeder);
        Mutations.feed(CLEAN, damage.chunks(), feeder);
        reader.flush();
        run.assembler.flush();

        // The first clean picture may be merged with what the garbage left pending, or dropped with
        // it over a cap; every later one must come out exactly.
        List<AccessUnit> expected = CLEAN_AUS.subList(1, CLEAN_AUS.size());
        assertTrue(run.aus.size() >= expected.size(), () -> run.aus.size() + " access units");
        assertEquals(expected, run.aus.subList(run.aus.size() - expected.size(), run.aus.size()));
    }

    /** One call on the assembler; {@code nal} picks from the pool, {@code damage} changes it. */
    record Op(int kind, int nal, int damage, int prefix) {}

    /**
     * Up to 200 calls: {@code accept} twelve times in nineteen, {@code accept} after a look-ahead four
     * times, {@code endOfAccessUnit} twice and {@code flush} once.
     */
    private static List<Op> ops(FuzzedDataProvider data) {
        int n = data.consumeInt(0, 200);
        List<Op> ops = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int k = data.consumeInt(0, 18);
            int kind = k < 12 ? 0 : k < 16 ? 1 : k < 18 ? 2 : 3;
            ops.add(new Op(kind, data.consumeInt(0, POOL.size() - 1), data.consumeInt(0, 63), data.consumeInt(1, PREFIX_BYTES)));
        }
        return ops;
    }

    @FuzzTest(maxDuration = BUDGET)
    void lookingAheadNeverChangesWhereAccessUnitsEnd(FuzzedDataProvider data) {
        InputsTried.count();
        int maxNalUnits = nalCap(data);
        int maxBytes = byteCap(data);
        List<Op> ops = ops(data);
        // Two assemblers in step: one is told about each NAL unit's first bytes before it arrives, as
        // a live reader does, the other is not.
        Run ahead = new Run(maxNalUnits, maxBytes);
        Run plain = new Run(maxNalUnits, maxBytes);
        List<NalUnit> accepted = new ArrayList<>();
        for (Op op : ops) {
            NalUnit nal = damaged(POOL.get(op.nal()), op.damage());
            switch (op.kind()) {
                case 0, 1 -> { // 1: with a look-ahead at the NAL unit's first bytes just before it
                    if (op.kind() == 1) {
                        ahead.assembler.lookAhead(NalUnit.of(nal.toByteArray(), 0, Math.min(op.prefix(), nal.size())));
                    }
                    ahead.assembler.accept(nal);
                    plain.assembler.accept(nal);
                    if (nal.type() != NalUnit.AUD) accepted.add(nal);
                }
                case 2 -> {
                    ahead.assembler.endOfAccessUnit();
                    plain.assembler.endOfAccessUnit();
                }
                default -> {
                    ahead.assembler.flush();
                    plain.assembler.flush();
                }
            }
            ahead.checkPending();
            plain.checkPending();
        }
        ahead.assembler.flush();
        plain.assembler.flush();
        assertEquals(plain.aus, ahead.aus);
        assertTrue(isSubsequence(ahead.handedOut(), accepted));
    }

    @FuzzTest(maxDuration = BUDGET)
    void aThrowingListenerLosesNoNalUnit(FuzzedDataProvider data) {
        InputsTried.count();
        int failEvery = data.consumeInt(1, 5);
        List<Op> ops = ops(data);
        // Caps the pool cannot reach, so every NAL unit either goes out in an access unit or is
        // discarded, and counted, at a flush for want of a picture.
        Run run = new Run(Integer.MAX_VALUE, Integer.MAX_VALUE);
        run.failEvery = failEvery;
        List<NalUnit> accepted = new ArrayList<>();
        for (Op op : ops) {
            NalUnit nal = damaged(POOL.get(op.nal()), op.damage());
            try {
                switch (op.kind()) {
                    case 0 -> {
                        if (nal.type() != NalUnit.AUD) accepted.add(nal);
                        run.assembler.accept(nal);
                    }
                    case 1 -> run.assembler.lookAhead(NalUnit.of(nal.toByteArray(), 0, Math.min(op.prefix(), nal.size())));
                    case 2 -> run.assembler.endOfAccessUnit();
                    default -> run.assembler.flush();
                }
            } catch (AnnexBReaderFuzzTest.ListenerFailure expected) {
                // the consumer's own failure, handed back
            }
        }
        try {
            run.assembler.flush();
        } catch (AnnexBReaderFuzzTest.ListenerFailure expected) {
            // the consumer's own failure, handed back
        }
        List<NalUnit> out = run.handedOut();
        assertTrue(isSubsequence(out, accepted));
        assertEquals(accepted.size(), out.size() + run.assembler.discardedNalUnits(), "every NAL unit accounted for");
    }

    /**
     * The four fuzz tests above as one, the fuzzer's data choosing which of them gets each input: what
     * {@code mvn test} fuzzes. Jazzer fuzzes one {@code @FuzzTest} per JVM, and a JVM with its agent
     * takes seconds to start, so {@code mvn test} starts one per class rather than one per fuzz test.
     */
    @FuzzTest(maxDuration = BUDGET)
    void allFuzzTestsAsOne(FuzzedDataProvider data) {
        InputsTried.count();
        switch (Mutations.pick(data, 4)) {
            case 0 -> damagedStreamsGivePicturesWithinTheCapsWhateverTheChunking(data);
            case 1 -> afterGarbageTheCleanStreamComesThroughAgain(data);
            case 2 -> lookingAheadNeverChangesWhereAccessUnitsEnd(data);
            default -> aThrowingListenerLosesNoNalUnit(data);
        }
    }

    /**
     * Found by {@link #aThrowingListenerLosesNoNalUnit}, shrunk to two calls: a slice, then an
     * SPS, with a listener that fails on every access unit. The SPS ended the slice's access unit, the
     * listener failed on it, and the SPS itself was lost: the next keyframe came out without it.
     */
    @Test
    void regressionAListenerFailureDoesNotCostTheNalUnitThatEndedTheAccessUnit() {
        List<NalUnit> nals = FuzzStreams.nalUnits(FuzzStreams.PI_720P);
        NalUnit sps = nals.get(0);
        NalUnit pps = nals.get(1);
        NalUnit idr = nals.get(2);
        assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR), List.of(sps.type(), pps.type(), idr.type()));
        Run run = new Run(AccessUnitAssembler.DEFAULT_MAX_NAL_UNITS, AccessUnitAssembler.DEFAULT_MAX_BYTES);
        run.failEvery = 1;
        run.assembler.accept(idr);
        int failures = 0;
        for (NalUnit nal : List.of(sps, pps, idr)) {
            try {
                run.assembler.accept(nal);
            } catch (AnnexBReaderFuzzTest.ListenerFailure e) {
                failures++;
            }
        }
        try {
            run.assembler.flush();
        } catch (AnnexBReaderFuzzTest.ListenerFailure e) {
            failures++;
        }
        assertEquals(List.of(AccessUnit.of(idr), AccessUnit.of(sps, pps, idr)), run.aus);
        assertEquals(2, failures, "each failure reaches the caller");
    }

    /**
     * Found by {@link #damagedStreamsGivePicturesWithinTheCapsWhateverTheChunking}, shrunk to
     * 669 bytes of garbage fed a byte at a time, and rebuilt here from what mattered in it: after an
     * IDR slice, a NAL unit {@code B1 1A} with the forbidden_zero_bit set, whose type (17) starts an
     * access unit, then filler data. The reader drops such a NAL unit when it ends, but offered its
     * first bytes as the look-ahead, so the picture was ended early and the filler data after it, left
     * without a picture, was discarded.
     */
    @Test
    void regressionANalUnitTheReaderWillDropDoesNotEndAPictureEarly() {
        byte[] idr = new RbspWriter().ue(0).ue(7).ue(0).rbspNal(0x65);
        byte[] forbidden = {(byte) 0xB1, 0x1A};
        byte[] filler = {0x0C, (byte) 0xFF, (byte) 0xFF, (byte) 0x80};
        byte[] stream = AnnexBReaderTest.annexB(List.of(idr, forbidden, filler), 3);

        Run run = new Run(AccessUnitAssembler.DEFAULT_MAX_NAL_UNITS, AccessUnitAssembler.DEFAULT_MAX_BYTES);
        AnnexBReader reader = new AnnexBReader(run.assembler);
        for (int i = 0; i < stream.length; i++) {
            reader.feed(stream, i, 1);
            lookAhead(reader, run.assembler);
        }
        reader.flush();
        run.assembler.flush();
        assertEquals(List.of(AccessUnit.of(NalUnit.of(idr), NalUnit.of(filler))), run.aus);
        assertEquals(0, run.assembler.discardedNalUnits());
    }

    @Test
    void aPictureThatNeverEndsIsDroppedAndMemoryStaysAtTheCaps() {
        // Slices that all continue one picture (first_mb_in_slice 1): nothing in them ends it.
        NalUnit slice = NalUnit.of(new RbspWriter().ue(1).ue(0).ue(0).u(16, 0xABCD).rbspNal(0x41));
        NalUnit bigSlice = NalUnit.of(Mutations.concat(new RbspWriter().ue(1).ue(0).ue(0).rbspNal(0x41), new byte[60_000]));
        for (NalUnit endless : List.of(slice, bigSlice)) {
            Run run = new Run(AccessUnitAssembler.DEFAULT_MAX_NAL_UNITS, AccessUnitAssembler.DEFAULT_MAX_BYTES);
            run.assembler.accept(CLEAN_NALS.get(2)); // an IDR slice: from here on the picture is open
            for (int i = 0; i < 100_000 && (long) i * endless.size() < 64L * 1024 * 1024; i++) {
                run.assembler.accept(endless);
                run.checkPending();
            }
            assertEquals(1, run.assembler.droppedAccessUnits());
            CLEAN_NALS.forEach(run.assembler);
            run.assembler.flush();
            assertEquals(CLEAN_AUS, run.aus, "the next picture starts clean");
        }
    }

    @Test
    void parameterSetsWithoutAPictureAreNotHeldPastTheCaps() {
        // A stream of SEI only, never a slice: all of it would be carried into the next picture.
        Run run = new Run(AccessUnitAssembler.DEFAULT_MAX_NAL_UNITS, AccessUnitAssembler.DEFAULT_MAX_BYTES);
        NalUnit sei = NalUnit.of(new byte[] {0x06, 0x05, 0x01, 0x00, (byte) 0x80});
        for (int i = 0; i < 100_000; i++) {
            run.assembler.accept(sei);
            run.checkPending();
        }
        assertEquals(1, run.assembler.droppedAccessUnits());
        CLEAN_NALS.forEach(run.assembler);
        run.assembler.flush();
        assertTrue(run.aus.size() >= CLEAN_AUS.size() - 1);
        assertEquals(CLEAN_AUS.subList(1, CLEAN_AUS.size()), run.aus.subList(run.aus.size() - (CLEAN_AUS.size() - 1), run.aus.size()));
    }

    private static void lookAhead(AnnexBReader reader, AccessUnitAssembler assembler) {
        NalUnit next = reader.pendingPrefix(PREFIX_BYTES);
        if (next != null && next.size() >= 2) assembler.lookAhead(next);
    }

    static void checkAccessUnit(AccessUnit au, int maxNalUnits, int maxBytes) {
        assertTrue(au.hasPicture(), () -> au + " has no slice");
        assertTrue(au.nalUnits().stream().noneMatch(n -> n.type() == NalUnit.AUD), () -> au + " holds an AUD");
        assertTrue(au.nalUnits().size() <= maxNalUnits, () -> au + " over " + maxNalUnits + " NAL units");
        assertTrue(au.payloadSize() <= maxBytes, () -> au + " over " + maxBytes + " bytes");
    }

    /** True when {@code part} is {@code whole} with some elements left out, the very same objects. */
    private static boolean isSubsequence(List<NalUnit> part, List<NalUnit> whole) {
        int j = 0;
        for (NalUnit nal : part) {
            while (j < whole.size() && whole.get(j) != nal) j++;
            if (j == whole.size()) return false;
            j++;
        }
        return true;
    }

    /** {@code nal} as damage 0 to 63 leaves it: unchanged, a bit of its first bytes flipped, or cut short. */
    private static NalUnit damaged(NalUnit nal, int damage) {
        byte[] b = nal.toByteArray();
        if (damage < 16) return nal;
        if (damage < 48) {
            int bit = damage - 16; // the header and first_mb_in_slice live in the first four bytes
            if (bit / 8 < b.length) b[bit / 8] ^= (byte) (0x80 >> (bit % 8));
            return NalUnit.of(b);
        }
        return NalUnit.of(b, 0, Math.min(b.length, 1 + (damage - 48) % 4));
    }

    private static List<NalUnit> pool() {
        List<NalUnit> pool = new ArrayList<>();
        List<NalUnit> sliced = FuzzStreams.nalUnits(FuzzStreams.X264_SLICED);
        pool.addAll(sliced.subList(0, Math.min(60, sliced.size())));
        pool.addAll(FuzzStreams.nalUnits(FuzzStreams.PI_720P).subList(0, 20));
        for (int type : new int[] {0, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 24, 31}) {
            pool.add(NalUnit.of(new byte[] {(byte) type, (byte) 0x80}));
        }
        pool.add(NalUnit.of(new RbspWriter().ue(0).ue(7).ue(0).rbspNal(0x21))); // P slice at macroblock 0
        pool.add(NalUnit.of(new RbspWriter().ue(3).ue(7).ue(0).rbspNal(0x21))); // ... and at macroblock 3
        return pool;
    }
}
