package org.camstream.codec.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.camstream.codec.InputsTried;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of {@link FlvReader} on ffmpeg's FLV (H.264 alone, and with AAC audio),
 * damaged: the fuzzer's bytes pick the stream, the damage and the chunking ({@link Mutations}).
 *
 * <p>Documented exception: none of its own. The reader never throws on bad input; only what its
 * listener throws comes out of {@code feed} (here {@link ListenerFailure}).
 */
@ExtendWith(InputsTried.class)
class FlvReaderFuzzTest {
    /**
     * How long one fuzz test is fuzzed when nothing else says: what {@code mvn test} gives
     * {@link #allFuzzTestsAsOne}. A longer run sets libFuzzer's {@code -max_total_time} (see the
     * package documentation of {@code org.camstream.codec} in the tests).
     */
    static final String BUDGET = "8s";

    /** FILE header and PreviousTagSize0: what a reader must see before any tag. */
    private static final int HEAD = 13;

    /** Made once per class run: the same ffmpeg commands give the same bytes. */
    private static final class Streams {
        static final byte[] VIDEO = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                "-t", "3", "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "30",
                "-f", "flv", "-flvflags", "no_duration_filesize", "pipe:1");
        static final byte[] WITH_AUDIO = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30",
                "-f", "lavfi", "-i", "sine=frequency=440:sample_rate=44100", "-t", "3",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "30",
                "-c:a", "aac", "-b:a", "64k", "-f", "flv", "-flvflags", "no_duration_filesize", "pipe:1");
        static final Collected CLEAN = oneShot(VIDEO, FlvReader.DEFAULT_MAX_TAG_SIZE);

        static byte[] pick(int which) {
            return which == 0 ? VIDEO : WITH_AUDIO;
        }
    }

    /** What a test listener throws: the only exception allowed out of the reader. */
    static final class ListenerFailure extends RuntimeException {
        ListenerFailure() {
            super("listener bug", null, false, false);
        }
    }

    /** Everything the reader reported, in order, checked as it came. */
    private static final class Collected implements FlvListener {
        final List<String> events = new ArrayList<>(); // configs and access units, comparable as text
        final List<AccessUnit> aus = new ArrayList<>();
        final int cap;
        int failEvery; // the listener fails on every n-th call; 0: never

        Collected(int cap) {
            this.cap = cap;
        }

        @Override
        public void onConfig(NalUnit sps, NalUnit pps) {
            assertEquals(NalUnit.SPS, sps.type());
            assertEquals(NalUnit.PPS, pps.type());
            assertTrue(sps.size() + pps.size() <= cap);
            events.add("config " + Arrays.toString(sps.toByteArray()) + " " + Arrays.toString(pps.toByteArray()));
            maybeFail();
        }

        @Override
        public void onAccessUnit(AccessUnit au, long presentationTimeMillis) {
            assertTrue(au.hasPicture(), () -> au + " has no slice");
            for (NalUnit nal : au.nalUnits()) {
                assertTrue(nal.type() != NalUnit.AUD, () -> au + " holds an AUD");
                assertEquals(0, nal.byteAt(0) & 0x80, "forbidden_zero_bit");
            }
            // The tag body holds the 5-byte AVC header and a length before every NAL unit.
            assertTrue(au.payloadSize() + au.nalUnits().size() <= cap - 5, () -> au + " cannot fit a tag of " + cap);
            aus.add(au);
            events.add(au + " at " + presentationTimeMillis + " " + au.hashCode());
            maybeFail();
        }

        private void maybeFail() {
            if (failEvery > 0 && events.size() % failEvery == 0) throw new ListenerFailure();
        }
    }

    /** The tag size cap: the default two times in three, else a small one that real pictures go over. */
    private static int cap(FuzzedDataProvider data) {
        return Mutations.mostly(data, FlvReader.DEFAULT_MAX_TAG_SIZE, 16, 30_000);
    }

    /** A part of a stream, mostly behind the stream's own header so that the reader gets to the tags. */
    private static byte[] base(byte[] stream, boolean withHeader, Mutations.Window window) {
        if (!withHeader) return window.of(stream);
        return Mutations.concat(Arrays.copyOf(stream, HEAD), window.of(Arrays.copyOfRange(stream, HEAD, stream.length)));
    }

    @FuzzTest(maxDuration = BUDGET)
    void damagedStreamsGiveWholeAccessUnitsWhateverTheChunking(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 2);
        int donor = Mutations.pick(data, 2);
        boolean withHeader = data.consumeBoolean();
        Mutations.Damage damage = Mutations.damage(data);
        int cap = cap(data);
        byte[] input = Mutations.apply(base(Streams.pick(source), withHeader, damage.window()), Streams.pick(donor),
                damage.edits());

        Collected got = new Collected(cap);
        FlvReader reader = new FlvReader(got, cap);
        Mutations.feed(input, damage.chunks(), (b, off, len) -> {
            reader.feed(b, off, len);
            // One tag at most, with its header and PreviousTagSize: what the reader needs to check it.
            assertTrue(reader.bufferCapacity() <= cap + FlvReader.FRAMING,
                    () -> "buffer " + reader.bufferCapacity() + " over cap " + cap + " and the framing");
        });

        assertEquals(got.aus.size(), reader.accessUnits());
        // Chunk boundaries must change nothing: not what comes out, not what is counted.
        Collected once = new Collected(cap);
        FlvReader whole = new FlvReader(once, cap);
        whole.feed(input, 0, input.length);
        assertEquals(once.events, got.events);
        assertEquals(counters(whole), counters(reader));
    }

    @FuzzTest(maxDuration = BUDGET)
    void afterGarbageTheCleanStreamComesThroughAgain(FuzzedDataProvider data) {
        InputsTried.Tally tally = InputsTried.count();
        int source = Mutations.pick(data, 2);
        boolean withHeader = data.consumeBoolean();
        Mutations.Damage damage = Mutations.damage(data);
        byte[] garbage = Mutations.apply(base(Streams.pick(source), withHeader, damage.window()), Streams.WITH_AUDIO,
                damage.edits());
        Collected got = new Collected(FlvReader.DEFAULT_MAX_TAG_SIZE);
        FlvReader reader = new FlvReader(got);
        Mutations.feed(garbage, damage.chunks(), reader::feed);

        // No size field from the garbage can make the reader skip what follows: it finds the clean stream's
        // tags by their PreviousTagSize while it looks for the end of a tag the garbage began. What it may skip
        // blind is a file header the garbage began (at most 1 KB), which can cost the first copy its start.
        // So the second copy of the clean stream, at the latest, must come out exactly as from a fresh reader.
        long fed = 0;
        for (int copy = 1; ; copy++) {
            int before = got.events.size();
            Mutations.feed(Streams.VIDEO, damage.chunks(), reader::feed);
            fed += Streams.VIDEO.length;
            if (got.events.subList(before, got.events.size()).equals(Streams.CLEAN.events)) {
                // How far the garbage reached into the clean stream, in the closing line.
                tally.outcome(copy == 1 ? "clean from the first copy" : "from the second copy");
                return;
            }
            if (copy == 2) {
                fail("no clean copy after " + fed + " bytes of the clean stream; " + counters(reader));
            }
        }
    }

    @FuzzTest(maxDuration = BUDGET)
    void aThrowingListenerLosesNothing(FuzzedDataProvider data) {
        InputsTried.count();
        int source = Mutations.pick(data, 2);
        Mutations.Damage damage = Mutations.damage(data);
        int failEvery = data.consumeInt(1, 7);
        byte[] input = Mutations.apply(base(Streams.pick(source), true, damage.window()), Streams.VIDEO,
                damage.edits());
        Collected got = new Collected(FlvReader.DEFAULT_MAX_TAG_SIZE);
        got.failEvery = failEvery;
        FlvReader reader = new FlvReader(got);
        // A live reader goes on with the next read after a consumer failed (FlvPictureParser does).
        Mutations.feed(input, damage.chunks(), (b, off, len) -> {
            try {
                reader.feed(b, off, len);
            } catch (ListenerFailure expected) {
                // the consumer's own failure, handed back
            }
        });
        assertEquals(oneShot(input, FlvReader.DEFAULT_MAX_TAG_SIZE).events, got.events, "the listener saw everything");
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
            case 0 -> damagedStreamsGiveWholeAccessUnitsWhateverTheChunking(data);
            case 1 -> afterGarbageTheCleanStreamComesThroughAgain(data);
            default -> aThrowingListenerLosesNothing(data);
        }
    }

    /**
     * Found by {@link #aThrowingListenerLosesNothing}, shrunk to the stream's first 9 KB fed
     * two bytes at a time, with a listener that fails on every call: the reader stopped reading the
     * chunk in which the listener failed, so the bytes after the tag were lost, the reader was out of
     * step with the tags, and the picture after the configuration record was lost while it resynced.
     * Here in one chunk, where the loss does not depend on where chunks end.
     */
    @Test
    void regressionAListenerFailureDoesNotPutTheReaderOutOfStep() {
        FlvFile file = FlvFile.parse(Streams.VIDEO);
        FlvFile.Tag secondPicture = file.pictureTags().get(1);
        byte[] stream = file.write(file.tags.subList(0, file.tags.indexOf(secondPicture) + 1));
        Collected expected = oneShot(stream, FlvReader.DEFAULT_MAX_TAG_SIZE);
        assertEquals(3, expected.events.size(), "the configuration and two pictures: " + expected.events);

        Collected got = new Collected(FlvReader.DEFAULT_MAX_TAG_SIZE);
        got.failEvery = 1;
        FlvReader reader = new FlvReader(got);
        int failures = 0;
        try {
            reader.feed(stream, 0, stream.length);
        } catch (ListenerFailure e) {
            failures++;
        }
        assertEquals(expected.events, got.events);
        assertEquals(1, failures, "the first failure reaches the caller");
        assertEquals(0, reader.corruptions());
    }

    @Test
    void tagsClaimingHugeSizesAreSkippedWithoutBeingBuffered() {
        // In sync, a video tag of 16 MB - 1 (the most a tag can say) and an audio tag of 10 MB: the
        // reader walks past both by their sizes and buffers neither.
        FlvFile file = FlvFile.parse(Streams.VIDEO);
        List<FlvFile.Tag> tags = new ArrayList<>(file.tags);
        byte[] hugeVideo = new byte[0xFFFFFF];
        hugeVideo[0] = 0x27; // inter frame, AVC
        hugeVideo[1] = 1;
        byte[] hugeAudio = new byte[10 << 20];
        tags.add(5, new FlvFile.Tag(9, tags.get(4).timestamp(), hugeVideo, 0));
        tags.add(6, new FlvFile.Tag(8, tags.get(4).timestamp(), hugeAudio, 0));
        byte[] stream = file.write(tags);

        Collected got = new Collected(FlvReader.DEFAULT_MAX_TAG_SIZE);
        FlvReader reader = new FlvReader(got);
        for (int pos = 0; pos < stream.length; pos += Mutations.MAX_CHUNK) {
            reader.feed(stream, pos, Math.min(Mutations.MAX_CHUNK, stream.length - pos));
            assertTrue(reader.bufferCapacity() <= FlvReader.DEFAULT_MAX_TAG_SIZE + FlvReader.FRAMING, "buffer at " + pos);
        }
        assertEquals(Streams.CLEAN.events, got.events);
        assertEquals(1, reader.oversizeTags());
        assertEquals(0, reader.corruptions());
    }

    private static Collected oneShot(byte[] input, int cap) {
        Collected out = new Collected(cap);
        new FlvReader(out, cap).feed(input, 0, input.length);
        return out;
    }

    private static List<Long> counters(FlvReader r) {
        return List.of(r.accessUnits(), r.skippedBytes(), r.corruptions(), r.oversizeTags(), r.malformedTags(), r.keyframeMismatches());
    }
}
