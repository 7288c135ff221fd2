package org.camstream.codec.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A tag whose size field is damaged, in a real camera's stream: the Raspberry Pi recording with SPS and PPS
 * before every keyframe, put in FLV by ffmpeg as an ffmpeg source writes it, and fed in 4 KB reads as from
 * its pipe. The damaged tag is lost and nothing else: every picture after it comes out in the read that
 * brings the last byte of its tag, as if nothing had happened.
 */
class FlvResyncTest {
    private static final int READ = 4096;
    /** A picture in the middle of the recording, not a keyframe's: what comes after it is most of the stream. */
    private static final int VICTIM = 25;

    private static byte[] flv;
    private static FlvFile file;
    private static List<FlvFile.Tag> pictures;
    private static List<AccessUnit> clean;

    @BeforeAll
    static void remux() {
        flv = MediaTools.ffmpegOutput("-f", "h264", "-framerate", "30",
                "-i", Fixtures.piH264(Fixtures.PI_720P_INLINE).toString(),
                "-c:v", "copy", "-f", "flv", "-flvflags", "no_duration_filesize", "pipe:1");
        file = FlvFile.parse(flv);
        pictures = file.pictureTags();
        Timed whole = feed(flv);
        clean = whole.aus;
        assertEquals(141, clean.size(), "the recording's 141 pictures");
        assertEquals(pictures.size(), clean.size());
    }

    /** Each picture the reader gave, and how many bytes it had been fed when it did. */
    private static final class Timed implements FlvListener {
        final List<AccessUnit> aus = new ArrayList<>();
        final List<Long> at = new ArrayList<>();
        long fed;
        FlvReader reader;

        @Override
        public void onConfig(NalUnit sps, NalUnit pps) {
        }

        @Override
        public void onAccessUnit(AccessUnit au, long presentationTimeMillis) {
            aus.add(au);
            at.add(fed);
        }
    }

    private static Timed feed(byte[] stream) {
        Timed out = new Timed();
        out.reader = new FlvReader(out);
        for (int pos = 0; pos < stream.length; pos += READ) {
            int n = Math.min(READ, stream.length - pos);
            out.fed = pos + n;
            out.reader.feed(stream, pos, n);
        }
        return out;
    }

    /** Where the read that brings the last byte of a tag's PreviousTagSize ends. */
    private static long readEndingTag(FlvFile.Tag tag) {
        long end = tag.offset() + 11L + tag.body().length + 4;
        return Math.min(flv.length, (end + READ - 1) / READ * READ);
    }

    static Stream<Arguments> damagedSizes() {
        int real = pictures.get(VICTIM).body().length; // the sources run after @BeforeAll
        return Stream.of(
                Arguments.of("the largest a tag can say (16 MB), over the cap", 0xFFFFFF),
                Arguments.of("1 MB too large, under the cap", real + 1_000_000),
                Arguments.of("100 KB too large", real + 100_000),
                Arguments.of("3 bytes too large", real + 3),
                Arguments.of("half its size", real / 2),
                Arguments.of("zero", 0));
    }

    @ParameterizedTest(name = "a picture tag's size {0}")
    @MethodSource("damagedSizes")
    void aDamagedSizeCostsThatTagAndDelaysNothingAfterIt(String what, int size) {
        FlvFile.Tag victim = pictures.get(VICTIM);
        byte[] damaged = flv.clone();
        damaged[victim.offset() + 1] = (byte) (size >> 16);
        damaged[victim.offset() + 2] = (byte) (size >> 8);
        damaged[victim.offset() + 3] = (byte) size;

        Timed got = feed(damaged);

        List<AccessUnit> want = new ArrayList<>(clean);
        want.remove(VICTIM);
        long victimEnd = victim.offset() + 11L + victim.body().length + 4;
        // The first picture out after the damage: which one, and how far past the damaged tag the reader was.
        int first = got.aus.size() > VICTIM ? clean.indexOf(got.aus.get(VICTIM)) : -1;
        String figures = String.format("%s: %d of the %d pictures after the damaged one came out, the first %s",
                what, got.aus.size() - VICTIM, clean.size() - VICTIM - 1, first < 0 ? "never"
                        : "picture " + first + " (" + (first - VICTIM - 1) + " lost), once "
                        + (got.at.get(VICTIM) - victimEnd) + " bytes past the damaged tag were in");
        System.out.println("FLV resync, " + figures);
        assertEquals(want.size(), got.aus.size(), figures);
        assertEquals(want, got.aus, figures);
        assertEquals(1, got.reader.corruptions(), "one damage, noticed once; " + figures);
        for (int i = VICTIM; i < want.size(); i++) {
            FlvFile.Tag tag = pictures.get(i + 1);
            assertTrue(got.at.get(i) <= readEndingTag(tag), "picture " + (i + 1) + " came out at byte " + got.at.get(i)
                    + ", its tag was in by byte " + readEndingTag(tag) + "; " + figures);
        }
    }

    @Test
    void aBitFlippedInTheSizeOfEveryTenthPictureCostsThoseOnly() {
        byte[] damaged = flv.clone();
        List<AccessUnit> want = new ArrayList<>();
        for (int i = 0; i < pictures.size(); i++) {
            if (i % 10 == 5) damaged[pictures.get(i).offset() + 1 + i % 3] ^= (byte) (1 << (i % 8));
            else want.add(clean.get(i));
        }
        Timed got = feed(damaged);
        assertEquals(want, got.aus);
        assertEquals(14, got.reader.corruptions());
    }

    /**
     * Bytes fed per second: the clean stream (the path every picture takes), and garbage that keeps the reader
     * searching. Printed, not asserted: {@code mvn -o test -Dtest=FlvResyncTest -Dbenchmark=true}.
     */
    @Test
    @EnabledIfSystemProperty(named = "benchmark", matches = "true")
    void throughput() {
        byte[] random = new byte[16 << 20];
        new Random(7).nextBytes(random);
        System.arraycopy(flv, 0, random, 0, 13);
        // Every 11 bytes a header that would pass every test but its PreviousTagSize: a video tag of 4 MB - 11.
        byte[] headers = new byte[16 << 20];
        System.arraycopy(flv, 0, headers, 0, 13);
        for (int pos = 13 + 4; pos + 11 <= headers.length; pos += 11) {
            headers[pos] = 9;
            headers[pos + 1] = 0x3f;
            headers[pos + 2] = (byte) 0xff;
            headers[pos + 3] = (byte) 0xf4;
        }
        byte[] cleanTimes20 = new byte[flv.length * 20];
        for (int i = 0; i < 20; i++) System.arraycopy(flv, 0, cleanTimes20, i * flv.length, flv.length);
        for (int round = 0; round < 5; round++) {
            System.out.printf("FLV reader, MB/s: clean stream %.0f, random bytes %.0f, a false header every 11 bytes %.0f%n",
                    rate(cleanTimes20), rate(random), rate(headers));
        }
    }

    private static double rate(byte[] stream) {
        long start = System.nanoTime();
        feed(stream);
        return stream.length / 1e6 / ((System.nanoTime() - start) / 1e9);
    }
}
