package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.camstream.codec.InputsTried;
import org.camstream.testing.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of {@link SpsParser} and {@link BitReader} on real SPS (both Pi recordings
 * and x264's High, 4:4:4, 4:2:2, 10-bit, interlaced, HRD, SAR and cropped ones), damaged: the
 * fuzzer's bytes pick the SPS and the damage ({@link Mutations}).
 *
 * <p>Documented exceptions: {@code SpsParser.parse} throws only {@link IllegalArgumentException}
 * ("malformed SPS (part): ..." for bad bits, "not an SPS" for another NAL type), never an index or
 * arithmetic exception. {@code BitReader} throws only the checked {@link BitstreamException} for
 * bits it does not have or values out of range. The parser is stateless: no recovery or buffering
 * to check, only that every input ends in a sane SPS or the documented exception.
 */
@ExtendWith(InputsTried.class)
class SpsParserFuzzTest {
    /**
     * How long one fuzz test is fuzzed when nothing else says: what {@code mvn test} gives
     * {@link #allFuzzTestsAsOne}. A longer run sets libFuzzer's {@code -max_total_time} (see the
     * package documentation of {@code org.camstream.codec} in the tests).
     */
    static final String BUDGET = "6s";

    private static final List<byte[]> SPS = FuzzStreams.allSps();

    /** Up to six edits; SPS are tens of bytes, so mostly small ones, that most inputs get deep into the syntax. */
    private static List<Mutations.Mutation> edits(FuzzedDataProvider data) {
        int n = data.consumeInt(0, 6);
        List<Mutations.Mutation> edits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            edits.add(data.consumeInt(0, 4) < 4 ? Mutations.mutation(data, 12) : Mutations.mutation(data));
        }
        return edits;
    }

    @FuzzTest(maxDuration = BUDGET)
    void damagedSpsGivesSaneValuesOrTheDocumentedException(FuzzedDataProvider data) {
        InputsTried.Tally tally = InputsTried.count();
        int which = Mutations.pick(data, SPS.size());
        int donor = Mutations.pick(data, SPS.size());
        List<Mutations.Mutation> edits = edits(data);
        // Mostly keep the NAL header an SPS header, so that the damage reaches the syntax behind it.
        boolean keepHeader = data.consumeInt(0, 3) > 0;
        byte[] original = SPS.get(which);
        byte[] input = Mutations.apply(original, SPS.get(donor), edits);
        if (keepHeader && input.length > 0) input[0] = original[0];

        if (input.length == 0) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpsParser.parse(input));
            assertTrue(e.getMessage().startsWith("malformed SPS"), e.getMessage());
            tally.outcome("empty");
            return;
        }
        NalUnit nal = NalUnit.of(input);
        Sps sps;
        try {
            sps = SpsParser.parse(input);
        } catch (IllegalArgumentException e) {
            String expected = nal.type() == NalUnit.SPS ? "malformed SPS (" : "not an SPS";
            assertTrue(e.getMessage().startsWith(expected), e.getMessage());
            // Where the damage was caught, in the closing line: shows how deep into the syntax inputs get.
            String message = e.getMessage();
            tally.outcome(message.startsWith("malformed") ? message.substring(0, message.indexOf(')') + 1) : "not an SPS");
            assertThrows(IllegalArgumentException.class, () -> SpsParser.parse(nal), "the same verdict from a NalUnit");
            checkOthersTakeItCalmly(nal);
            return;
        }
        checkSane(sps, nal);
        tally.outcome("parsed");
        assertEquals(sps.toString(), SpsParser.parse(nal).toString(), "the same reading from a NalUnit");
        checkOthersTakeItCalmly(nal);
    }

    /** The other readers of the same bytes: SliceHeader, ParameterSetCache, AvcCodecString. */
    private static void checkOthersTakeItCalmly(NalUnit nal) {
        int firstMb = SliceHeader.firstMbInSlice(nal);
        assertTrue(firstMb >= -1);
        int sliceType = SliceHeader.sliceType(nal);
        assertTrue(sliceType >= -1 && sliceType <= 4);
        ParameterSetCache cache = new ParameterSetCache();
        boolean changed = cache.update(nal);
        if (nal.type() == NalUnit.SPS) {
            assertEquals(changed, cache.sps() != null, "an SPS changes the cache exactly when it parses");
            assertEquals(changed ? 0 : 1, cache.malformedSps());
        }
        if (nal.type() == NalUnit.SPS && nal.size() >= 4) {
            assertTrue(AvcCodecString.of(nal).matches("avc1\\.[0-9a-f]{6}"));
        } else {
            assertThrows(IllegalArgumentException.class, () -> AvcCodecString.of(nal));
        }
    }

    /** The ranges H.264 7.4.2.1.1 and E.2.1 allow, and what follows from them for the picture size. */
    static void checkSane(Sps sps, NalUnit nal) {
        String where = sps.toString();
        assertEquals(nal, sps.nal(), where);
        assertTrue(sps.codedWidth() >= 16 && sps.codedWidth() <= 1056 * 16 && sps.codedWidth() % 16 == 0, where);
        assertTrue(sps.codedHeight() >= 16 && sps.codedHeight() <= 2 * 1056 * 16 && sps.codedHeight() % 16 == 0, where);
        assertTrue(sps.width() > 0 && sps.width() <= sps.codedWidth(), where);
        assertTrue(sps.height() > 0 && sps.height() <= sps.codedHeight(), where);
        assertTrue(sps.id() >= 0 && sps.id() <= 31, where);
        assertTrue(sps.chromaFormatIdc() >= 0 && sps.chromaFormatIdc() <= 3, where);
        assertTrue(sps.bitDepthLuma() >= 8 && sps.bitDepthLuma() <= 14, where);
        assertTrue(sps.bitDepthChroma() >= 8 && sps.bitDepthChroma() <= 14, where);
        assertTrue(sps.log2MaxFrameNum() >= 4 && sps.log2MaxFrameNum() <= 16, where);
        assertTrue(sps.picOrderCntType() >= 0 && sps.picOrderCntType() <= 2, where);
        if (sps.picOrderCntType() == 0) {
            assertTrue(sps.log2MaxPicOrderCntLsb() >= 4 && sps.log2MaxPicOrderCntLsb() <= 16, where);
        }
        assertTrue(sps.numRefFramesInPicOrderCntCycle() >= 0 && sps.numRefFramesInPicOrderCntCycle() <= 255, where);
        assertTrue(sps.maxNumRefFrames() >= 0 && sps.maxNumRefFrames() <= 16, where);
        assertTrue(sps.sarWidth() >= 1 && sps.sarWidth() <= 65535 && sps.sarHeight() >= 1 && sps.sarHeight() <= 65535, where);
        assertTrue(sps.maxNumReorderFrames() >= -1 && sps.maxNumReorderFrames() <= 16, where);
        assertTrue(sps.maxDecFrameBuffering() >= -1 && sps.maxDecFrameBuffering() <= 16, where);
        assertTrue(sps.hasBitstreamRestriction() == (sps.maxNumReorderFrames() >= 0), where);
        sps.frameRate().ifPresent(fps -> assertTrue(fps > 0 && Double.isFinite(fps), where));
        assertTrue(sps.numUnitsInTick() >= 0 && sps.numUnitsInTick() <= 0xFFFF_FFFFL, where);
        assertTrue(sps.timeScale() >= 0 && sps.timeScale() <= 0xFFFF_FFFFL, where);
    }

    /** One read from a BitReader; {@code n} is the bit count where the read takes one. */
    record Read(int kind, int n) {}

    /** Up to 60 reads of any kind, of 0 to 40 bits where the kind takes a count. */
    private static List<Read> reads(FuzzedDataProvider data) {
        int n = data.consumeInt(0, 60);
        List<Read> reads = new ArrayList<>(n);
        for (int i = 0; i < n; i++) reads.add(new Read(data.consumeInt(0, 6), data.consumeInt(0, 40)));
        return reads;
    }

    @FuzzTest(maxDuration = BUDGET)
    void bitReaderReadsWhatAPlainReadingOfTheUnescapedBitsReads(FuzzedDataProvider data) {
        InputsTried.count();
        int which = Mutations.pick(data, SPS.size());
        List<Mutations.Mutation> edits = Mutations.mutations(data, 6);
        List<Read> reads = reads(data);
        byte[] bytes = Mutations.apply(SPS.get(which), FuzzStreams.PI_720P, edits);
        BitReader reader = new BitReader(bytes, 0, bytes.length);
        PlainBits plain = new PlainBits(unescape(bytes));
        for (Read read : reads) {
            long expected;
            try {
                expected = plain.read(read);
            } catch (OutOfBits e) {
                // Out of data or out of range: the reader must say so too, and only the documented way.
                try {
                    long got = read(reader, read);
                    fail(read + " gave " + got + " where the bits say: " + e.getMessage());
                } catch (BitstreamException documented) {
                    return;
                }
                return;
            }
            try {
                assertEquals(expected, read(reader, read), read::toString);
            } catch (BitstreamException e) {
                fail(read + " threw " + e.getMessage() + " where the bits give " + expected);
            }
            assertEquals(plain.position, reader.bitsRead(), "bits read, emulation prevention bytes not counted");
            assertEquals(plain.position % 8 == 0, reader.isByteAligned());
        }
    }

    /**
     * Both fuzz tests above as one, the fuzzer's data choosing which of them gets each input: what
     * {@code mvn test} fuzzes. Jazzer fuzzes one {@code @FuzzTest} per JVM, and a JVM with its agent
     * takes seconds to start, so {@code mvn test} starts one per class rather than one per fuzz test.
     */
    @FuzzTest(maxDuration = BUDGET)
    void allFuzzTestsAsOne(FuzzedDataProvider data) {
        InputsTried.count();
        switch (Mutations.pick(data, 2)) {
            case 0 -> damagedSpsGivesSaneValuesOrTheDocumentedException(data);
            default -> bitReaderReadsWhatAPlainReadingOfTheUnescapedBitsReads(data);
        }
    }

    @Test
    void everyStartingPointParsesSanely() {
        // The fuzz tests are only as good as the SPS they damage: all must parse, and be of different kinds.
        for (byte[] sps : SPS) checkSane(SpsParser.parse(sps), NalUnit.of(sps));
        assertTrue(SPS.stream().map(Arrays::hashCode).distinct().count() >= 8, "SPS of different kinds");
    }

    @Test
    void endlessZeroBitsAndLongCodesEndInTheDocumentedException() {
        // A megabyte of zero bits behind the header (00 00 03 escapes, so no start code): the first
        // exp-Golomb code has more leading zeros than any may have, and the parser stops there.
        byte[] zeros = new byte[1 << 20];
        zeros[0] = 0x67;
        zeros[1] = 66;
        zeros[3] = 30;
        for (int i = 6; i < zeros.length; i += 3) zeros[i] = 3;
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> SpsParser.parse(zeros));
        assertEquals("malformed SPS (header): ue(v) with more than 31 leading zero bits", e.getMessage());

        // pic_order_cnt_type 1 with the most offsets, each the longest se(v) there is, then the end:
        // every offset is read, and the data runs out where the picture size should be.
        RbspWriter w = new RbspWriter().u(8, 66).u(8, 0).u(8, 30).ue(0).ue(0).ue(1).flag(false).se(1).se(1).ue(255);
        for (int i = 0; i < 255; i++) w.se(Integer.MAX_VALUE);
        byte[] cut = RbspWriter.nal(0x67, w.rbsp());
        e = assertThrows(IllegalArgumentException.class, () -> SpsParser.parse(cut));
        assertTrue(e.getMessage().startsWith("malformed SPS (picture size): out of data"), e.getMessage());
    }

    private static long read(BitReader r, Read read) throws BitstreamException {
        return switch (read.kind()) {
            case 0 -> r.u(Math.min(read.n(), 31));
            case 1 -> r.u32();
            case 2 -> r.flag() ? 1 : 0;
            case 3 -> r.ue();
            case 4 -> r.ueLong();
            case 5 -> r.se();
            default -> {
                r.skip(read.n());
                yield 0;
            }
        };
    }

    /** The RBSP bits of NAL unit bytes: every {@code 03} after {@code 00 00} removed (7.3.1). */
    static byte[] unescape(byte[] data) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(data.length);
        int zeros = 0;
        for (byte value : data) {
            int b = value & 0xFF;
            if (zeros >= 2 && b == 3) {
                zeros = 0;
                continue;
            }
            out.write(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    private static final class OutOfBits extends Exception {
        OutOfBits(String message) {
            super(message);
        }
    }

    /** The bit syntax of H.264 7.2 and 9.1, read from an array by bit index: slow and obvious. */
    private static final class PlainBits {
        final byte[] bits;
        long position;

        PlainBits(byte[] bits) {
            this.bits = bits;
        }

        long read(Read read) throws OutOfBits {
            return switch (read.kind()) {
                case 0 -> u(Math.min(read.n(), 31));
                case 1 -> u(32);
                case 2 -> u(1);
                case 3 -> {
                    long v = ue();
                    if (v > Integer.MAX_VALUE) throw new OutOfBits("ue(v) " + v + " does not fit an int");
                    yield v;
                }
                case 4 -> ue();
                case 5 -> {
                    long k = ue();
                    yield (k & 1) == 1 ? (k + 1) / 2 : -(k / 2);
                }
                default -> {
                    if (position + read.n() > 8L * bits.length) throw new OutOfBits("skip past the end");
                    position += read.n();
                    yield 0;
                }
            };
        }

        long u(int n) throws OutOfBits {
            if (position + n > 8L * bits.length) throw new OutOfBits(n + " bits at " + position + " of " + 8L * bits.length);
            long v = 0;
            for (int i = 0; i < n; i++, position++) {
                v = (v << 1) | ((bits[(int) (position / 8)] >> (7 - position % 8)) & 1);
            }
            return v;
        }

        long ue() throws OutOfBits {
            int zeros = 0;
            while (u(1) == 0) {
                if (++zeros > 31) throw new OutOfBits("more than 31 leading zero bits");
            }
            return (1L << zeros) - 1 + u(zeros);
        }
    }

}
