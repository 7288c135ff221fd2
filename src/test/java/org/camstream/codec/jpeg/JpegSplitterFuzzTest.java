package org.camstream.codec.jpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.camstream.codec.InputsTried;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Mutations;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of {@link JpegSplitter} on ffmpeg's MJPEG, damaged: the fuzzer's bytes pick
 * the stream, the damage and the chunking ({@link Mutations}).
 *
 * <p>Documented exception: none. The splitter promises never to throw, not even when its listener
 * does, so any exception out of {@code feed} is a finding.
 */
@ExtendWith(InputsTried.class)
class JpegSplitterFuzzTest {
    /**
     * How long one fuzz test is fuzzed when nothing else says: what {@code mvn test} gives
     * {@link #allFuzzTestsAsOne}. A longer run sets libFuzzer's {@code -max_total_time} (see the
     * package documentation of {@code org.camstream.codec} in the tests).
     */
    static final String BUDGET = "6s";

    /**
     * The longest stretch of clean stream that bad state can swallow: a segment length read from
     * garbage (two bytes, at most 65535 with the length field itself).
     */
    private static final int MAX_SWALLOWED = 65535 + 2;

    private static final Logger SPLITTER_LOG = Logger.getLogger(JpegSplitter.class.getName());
    private Level splitterLogLevel;

    @BeforeEach
    void quietSplitter() {
        // The splitter logs a consumer's failure with its stack trace, once per splitter: expected
        // here, and ten thousands of them would bury the build log. Jazzer runs all inputs of one
        // fuzz test between one @BeforeEach and its @AfterEach.
        splitterLogLevel = SPLITTER_LOG.getLevel();
        SPLITTER_LOG.setLevel(Level.SEVERE);
    }

    @AfterEach
    void restoreSplitterLog() {
        SPLITTER_LOG.setLevel(splitterLogLevel);
    }

    /** Made once per class run: the same ffmpeg commands give the same bytes. */
    private static final class Streams {
        static final byte[] SMALL = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                "-frames:v", "48", "-c:v", "mjpeg", "-q:v", "5", "-f", "mjpeg", "-");
        // 4:2:2 at high quality: other tables, bigger frames, more FF 00 stuffing.
        static final byte[] LARGE = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "testsrc2=size=640x480:rate=30",
                "-frames:v", "8", "-c:v", "mjpeg", "-pix_fmt", "yuvj422p", "-q:v", "2", "-f", "mjpeg", "-");
        static final List<byte[]> SMALL_FRAMES = oneShot(SMALL, JpegSplitter.DEFAULT_MAX_IMAGE_BYTES).images;
        static final List<Integer> SMALL_OFFSETS = offsets(SMALL_FRAMES);

        static byte[] pick(int which) {
            return which == 0 ? SMALL : LARGE;
        }
    }

    /** What the splitter reported, and checks made on the way. */
    private static final class Collector implements JpegSplitter.Listener {
        final List<byte[]> images = new ArrayList<>();
        final List<String> discards = new ArrayList<>();
        final boolean throwing;
        final int cap;

        Collector(boolean throwing, int cap) {
            this.throwing = throwing;
            this.cap = cap;
        }

        @Override
        public void onImage(byte[] jpeg) {
            assertTrue(jpeg.length >= 4 && jpeg.length <= cap, () -> "image of " + jpeg.length + " bytes, cap " + cap);
            assertTrue((jpeg[0] & 0xFF) == 0xFF && (jpeg[1] & 0xFF) == 0xD8, "starts with SOI");
            assertTrue((jpeg[jpeg.length - 2] & 0xFF) == 0xFF && (jpeg[jpeg.length - 1] & 0xFF) == 0xD9, "ends with EOI");
            images.add(jpeg);
            // A consumer bug must not reach the camera's reader thread, whatever image it hits.
            if (throwing && jpeg.length % 3 == 0) throw new IllegalStateException("consumer bug");
        }

        @Override
        public void onDiscard(JpegSplitter.DiscardReason reason, long bytes) {
            discards.add(reason + ":" + bytes);
            if (throwing && bytes % 2 == 0) throw new IllegalStateException("discard listener bug");
        }
    }

    /** The size cap: the default two times in three, else a small one that real frames go over. */
    private static int cap(FuzzedDataProvider data) {
        return Mutations.mostly(data, JpegSplitter.DEFAULT_MAX_IMAGE_BYTES, 4, 40_000);
    }

    @FuzzTest(maxDuration = BUDGET)
    void damagedStreamsGiveOnlyWholeImagesWhateverTheChunking(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 2);
        int donor = Mutations.pick(data, 2);
        Mutations.Damage damage = Mutations.damage(data);
        int cap = cap(data);
        boolean throwingListener = data.consumeBoolean();
        byte[] input = damage.apply(Streams.pick(source), Streams.pick(donor));

        Collector got = new Collector(throwingListener, cap);
        JpegSplitter splitter = new JpegSplitter(got, cap);
        Mutations.feed(input, damage.chunks(), (b, off, len) -> {
            splitter.feed(b, off, len);
            assertTrue(splitter.bufferCapacity() <= cap, () -> "buffer " + splitter.bufferCapacity() + " over cap " + cap);
        });

        assertEquals(got.images.size(), splitter.images());
        assertEquals(got.discards.size(), splitter.discarded());
        // The splitter is a byte-at-a-time state machine: chunk boundaries must change nothing.
        Collector whole = oneShot(input, cap);
        assertEquals(whole.discards, got.discards);
        assertEquals(whole.images.size(), got.images.size());
        for (int i = 0; i < whole.images.size(); i++) assertArrayEquals(whole.images.get(i), got.images.get(i), "image " + i);
    }

    @FuzzTest(maxDuration = BUDGET)
    void afterGarbageTheCleanStreamComesThroughAgain(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 2);
        Mutations.Damage damage = Mutations.damage(data);
        boolean throwingListener = data.consumeBoolean();
        byte[] garbage = damage.apply(Streams.pick(source), Streams.LARGE);

        Collector got = new Collector(throwingListener, JpegSplitter.DEFAULT_MAX_IMAGE_BYTES);
        JpegSplitter splitter = new JpegSplitter(got);
        Mutations.feed(garbage, damage.chunks(), splitter::feed);
        int before = got.images.size();
        Mutations.feed(Streams.SMALL, damage.chunks(), splitter::feed);

        // Bad state can swallow at most one segment's worth of the clean stream; every frame that
        // starts after that must come out byte for byte, and last.
        List<byte[]> after = got.images.subList(before, got.images.size());
        List<byte[]> expected = framesFrom(MAX_SWALLOWED);
        assertTrue(!expected.isEmpty() && after.size() >= expected.size(), () -> after.size() + " images after the garbage");
        List<byte[]> tail = after.subList(after.size() - expected.size(), after.size());
        for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i), tail.get(i), "frame " + i + " of the tail");
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
            case 0 -> damagedStreamsGiveOnlyWholeImagesWhateverTheChunking(data);
            default -> afterGarbageTheCleanStreamComesThroughAgain(data);
        }
    }

    @Test
    void anImageWithoutEoiFarOverTheCapIsDroppedAndMemoryStaysAtTheCap() {
        // SOI, a DQT-sized segment and a scan header, then 9 MB of entropy-coded data that never ends.
        byte[] head = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xDB, 0x00, 0x04, 0x00, 0x01,
            (byte) 0xFF, (byte) 0xDA, 0x00, 0x04, 0x01, 0x00};
        Collector got = new Collector(false, JpegSplitter.DEFAULT_MAX_IMAGE_BYTES);
        JpegSplitter splitter = new JpegSplitter(got);
        splitter.feed(head, 0, head.length);
        byte[] scan = new byte[Mutations.MAX_CHUNK];
        Arrays.fill(scan, (byte) 0x5A);
        long fed = head.length;
        while (fed < 9L * 1024 * 1024) {
            splitter.feed(scan, 0, scan.length);
            fed += scan.length;
            assertTrue(splitter.bufferCapacity() <= JpegSplitter.DEFAULT_MAX_IMAGE_BYTES, "buffer at " + fed);
        }
        assertTrue(got.images.isEmpty());

        Mutations.feed(Streams.SMALL, List.of(4096), splitter::feed);
        // The FF of the next SOI still counts as this image's: only the D8 shows that it broke off.
        assertEquals(List.of("OVERSIZE:" + (fed + 1)), got.discards, "dropped at the next SOI, reported with its size");
        assertEquals(Streams.SMALL_FRAMES.size(), got.images.size());
        for (int i = 0; i < got.images.size(); i++) assertArrayEquals(Streams.SMALL_FRAMES.get(i), got.images.get(i));
    }

    @Test
    void endlessSegmentsOverTheCapAreDroppedAtEoi() {
        // APP1 segments of the largest size one after another: walked by length, never buffered past the cap.
        int cap = 200_000;
        Collector got = new Collector(false, cap);
        JpegSplitter splitter = new JpegSplitter(got, cap);
        splitter.feed(new byte[] {(byte) 0xFF, (byte) 0xD8}, 0, 2);
        byte[] segment = new byte[65535 + 2];
        segment[0] = (byte) 0xFF;
        segment[1] = (byte) 0xE1;
        segment[2] = (byte) 0xFF;
        segment[3] = (byte) 0xFF;
        for (int i = 0; i < 100; i++) {
            splitter.feed(segment, 0, segment.length);
            assertTrue(splitter.bufferCapacity() <= cap);
        }
        byte[] eoiAfterScan = {(byte) 0xFF, (byte) 0xDA, 0x00, 0x02, 0x11, (byte) 0xFF, (byte) 0xD9};
        splitter.feed(eoiAfterScan, 0, eoiAfterScan.length);
        assertEquals(List.of("OVERSIZE:" + (2 + 100L * segment.length + eoiAfterScan.length)), got.discards);
        assertTrue(got.images.isEmpty());
    }

    private static Collector oneShot(byte[] input, int cap) {
        Collector out = new Collector(false, cap);
        new JpegSplitter(out, cap).feed(input, 0, input.length);
        return out;
    }

    private static List<Integer> offsets(List<byte[]> frames) {
        List<Integer> offsets = new ArrayList<>();
        int at = 0;
        for (byte[] frame : frames) {
            offsets.add(at);
            at += frame.length;
        }
        return offsets;
    }

    /** The clean frames that start at or after {@code offset} of the small stream. */
    private static List<byte[]> framesFrom(int offset) {
        List<byte[]> frames = new ArrayList<>();
        for (int i = 0; i < Streams.SMALL_FRAMES.size(); i++) {
            if (Streams.SMALL_OFFSETS.get(i) >= offset) frames.add(Streams.SMALL_FRAMES.get(i));
        }
        return frames;
    }
}
