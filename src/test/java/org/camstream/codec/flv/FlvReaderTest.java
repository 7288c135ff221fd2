package org.camstream.codec.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.SliceHeader;
import org.camstream.codec.h264.Sps;
import org.camstream.codec.h264.SpsParser;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FlvReaderTest {
    @TempDir static Path dir;
    private static Path flvPath;
    private static byte[] flv;
    private static Collected expected;

    /** Everything the reader reported, in order. */
    static final class Collected implements FlvListener {
        final List<NalUnit[]> configs = new ArrayList<>();
        final List<AccessUnit> aus = new ArrayList<>();
        final List<Long> times = new ArrayList<>();

        @Override
        public void onConfig(NalUnit sps, NalUnit pps) {
            configs.add(new NalUnit[] {sps, pps});
        }

        @Override
        public void onAccessUnit(AccessUnit au, long presentationTimeMillis) {
            aus.add(au);
            times.add(presentationTimeMillis);
        }
    }

    @BeforeAll
    static void generate() throws Exception {
        // Exactly what an ffmpeg-driven source runs, writing to a pipe as in production.
        MediaTools.Result result = MediaTools.runOk(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error",
                "-f", "lavfi", "-i", "testsrc2=size=640x360:rate=30", "-t", "2",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "30",
                "-f", "flv", "-flvflags", "no_duration_filesize", "-flush_packets", "1", "pipe:1"));
        flv = result.stdout();
        flvPath = dir.resolve("source.flv");
        Files.write(flvPath, flv);
        expected = new Collected();
        FlvReader reader = new FlvReader(expected);
        reader.feed(flv, 0, flv.length);
        assertEquals(0, reader.corruptions() + reader.malformedTags() + reader.skippedBytes() + reader.keyframeMismatches());
    }

    static Collected feedInChunks(byte[] stream, long seed, int maxChunk, FlvReader[] readerOut, int cap) {
        Collected out = new Collected();
        FlvReader reader = new FlvReader(out, cap);
        Random random = new Random(seed);
        for (int pos = 0; pos < stream.length; ) {
            int n = Math.min(stream.length - pos, 1 + random.nextInt(maxChunk));
            reader.feed(stream, pos, n);
            pos += n;
        }
        if (readerOut != null) readerOut[0] = reader;
        return out;
    }

    @Test
    void ffmpegOutputInRandomChunksMatchesFfprobe() {
        FlvReader[] reader = new FlvReader[1];
        Collected got = feedInChunks(flv, 31, 5000, reader, FlvReader.DEFAULT_MAX_TAG_SIZE);
        assertEquals(expected.aus, got.aus, "chunking must not matter");
        assertEquals(0, reader[0].keyframeMismatches());

        Map<String, Object> stream = MediaTools.probeVideoStream(flvPath);
        assertEquals(MediaTools.intField(stream, "nb_read_frames"), got.aus.size());
        List<MediaTools.Packet> packets = MediaTools.probePackets(flvPath);
        assertEquals(packets.size(), got.aus.size());
        assertEquals(packets.stream().filter(MediaTools.Packet::key).count(), got.aus.stream().filter(AccessUnit::isKeyframe).count());
        for (int i = 0; i < packets.size(); i++) {
            // An FLV AVC packet is the access unit as 4-byte length-prefixed NAL units.
            assertEquals(packets.get(i).size(), got.aus.get(i).avccSize(), "packet " + i);
            assertEquals(packets.get(i).key(), got.aus.get(i).isKeyframe(), "packet " + i);
        }
        assertEquals(1, got.configs.size());
        Sps sps = SpsParser.parse(got.configs.get(0)[0]);
        assertEquals(MediaTools.intField(stream, "width"), sps.width());
        assertEquals(MediaTools.intField(stream, "height"), sps.height());
        assertEquals(NalUnit.PPS, got.configs.get(0)[1].type());

        for (AccessUnit au : got.aus) {
            List<NalUnit> slices = au.nalUnits().stream().filter(NalUnit::isVcl).toList();
            assertEquals(1, slices.stream().filter(s -> SliceHeader.firstMbInSlice(s) == 0).count(), "one picture: " + au);
            assertEquals(0, SliceHeader.firstMbInSlice(slices.get(0)));
        }
    }

    @Test
    @SuppressWarnings("unchecked")
    void presentationTimesAreFfprobes() {
        Map<String, Object> json = MediaTools.probeJson(flvPath, "-select_streams", "v:0", "-show_entries", "packet=pts");
        List<Long> pts = new ArrayList<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) json.get("packets")) pts.add(Long.parseLong(p.get("pts").toString()));
        assertEquals(pts, expected.times, "FLV timestamps are milliseconds");
    }

    /**
     * The reader hands a picture on once the PreviousTagSize after its tag is in. That costs no latency only
     * because ffmpeg writes that field with the tag: here ffmpeg runs live (10 fps, a picture every 100 ms, with
     * the camera's encoder options) into a pipe, and every picture must come out of the read that completes
     * its tag's body, not the next one. Each tag is under ffmpeg's 32 KB output buffer, so it is one write,
     * and a pipe read returns a write that fits the pipe whole.
     */
    @Test
    void aLiveFfmpegsPicturesComeOutInTheReadThatCompletesThem() throws Exception {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-re",
                "-f", "lavfi", "-i", "testsrc2=size=320x240:rate=10", "-t", "2",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "10",
                "-b:v", "1000000", "-maxrate", "1000000", "-bufsize", "500000", "-pix_fmt", "yuv420p",
                "-f", "flv", "-flvflags", "no_duration_filesize", "-flush_packets", "1", "pipe:1")
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        Collected got = new Collected();
        FlvReader reader = new FlvReader(got);
        ByteArrayOutputStream sofar = new ByteArrayOutputStream();
        List<String> late = new ArrayList<>();
        byte[] buf = new byte[1 << 20];
        try (var in = ffmpeg.getInputStream()) {
            for (int n; (n = in.read(buf)) > 0; ) {
                sofar.write(buf, 0, n);
                reader.feed(buf, 0, n);
                int whole = pictureBodiesIn(sofar.toByteArray());
                if (got.aus.size() < whole) late.add("after byte " + sofar.size() + ": " + got.aus.size() + " of " + whole);
            }
        } finally {
            ffmpeg.destroyForcibly();
        }
        assertEquals(0, ffmpeg.waitFor());
        FlvFile file = FlvFile.parse(sofar.toByteArray());
        assertTrue(file.pictureTags().stream().allMatch(t -> t.body().length + 15 < 32 * 1024), "each tag is one write");
        assertEquals(file.pictureTags().size(), got.aus.size());
        assertTrue(got.aus.size() >= 15, "two seconds at 10 fps: " + got.aus.size());
        assertEquals(List.of(), late, "pictures that waited for a later read");
    }

    /** Picture tags whose body is all in {@code prefix}, by a walk of the tag sizes. */
    private static int pictureBodiesIn(byte[] prefix) {
        int count = 0;
        for (int pos = 13; pos + 11 <= prefix.length; ) {
            int size = (prefix[pos + 1] & 0xff) << 16 | (prefix[pos + 2] & 0xff) << 8 | (prefix[pos + 3] & 0xff);
            if (pos + 11 + size > prefix.length) break;
            if (prefix[pos] == 9 && (prefix[pos + 11] & 0x0f) == 7 && prefix[pos + 12] == 1) count++;
            pos += 11 + size + 4;
        }
        return count;
    }

    @Test
    void garbageBeforeTheSignatureIsSkipped() {
        Random random = new Random(32);
        ByteArrayOutputStream dirty = new ByteArrayOutputStream();
        byte[] garbage = new byte[10_000];
        random.nextBytes(garbage);
        garbage[garbage.length - 1] = 'x';
        dirty.writeBytes(garbage);
        dirty.writeBytes("FLx".getBytes()); // a false start
        dirty.writeBytes(flv);
        FlvReader[] reader = new FlvReader[1];
        assertEquals(expected.aus, feedInChunks(dirty.toByteArray(), 33, 3000, reader, FlvReader.DEFAULT_MAX_TAG_SIZE).aus);
        assertEquals(garbage.length + 3, reader[0].skippedBytes());
    }

    @Test
    void damagedTagHeaderCostsThatTagOnly() {
        FlvFile file = FlvFile.parse(flv);
        List<FlvFile.Tag> pictures = file.pictureTags();
        FlvFile.Tag victim = pictures.get(20);
        byte[] damaged = flv.clone();
        damaged[victim.offset()] = 0x55; // not a tag type
        FlvReader[] reader = new FlvReader[1];
        Collected got = feedInChunks(damaged, 34, 4000, reader, FlvReader.DEFAULT_MAX_TAG_SIZE);
        List<AccessUnit> want = new ArrayList<>(expected.aus);
        want.remove(20);
        assertEquals(want, got.aus);
        assertEquals(1, reader[0].corruptions());
    }

    @Test
    void wrongPreviousTagSizeIsCaughtAndTheStreamRecovers() {
        FlvFile file = FlvFile.parse(flv);
        FlvFile.Tag before = file.pictureTags().get(40);
        byte[] damaged = flv.clone();
        int previousTagSize = before.offset() + 11 + before.body().length;
        damaged[previousTagSize + 2] ^= 0x10;
        FlvReader[] reader = new FlvReader[1];
        Collected got = feedInChunks(damaged, 35, 4000, reader, FlvReader.DEFAULT_MAX_TAG_SIZE);
        // The tag before it is held until the next one turns up where its size said it would end: then it was
        // only the PreviousTagSize that was damaged, and nothing is lost.
        assertEquals(expected.aus, got.aus);
        assertEquals(1, reader[0].corruptions());
    }

    @Test
    void oversizeTagsAreSkippedAndCounted() {
        int cap = 12_000;
        List<AccessUnit> want = expected.aus.stream().filter(au -> au.avccSize() + 5 <= cap).toList();
        assertTrue(want.size() < expected.aus.size() && !want.isEmpty(), "the cap must split the stream");
        FlvReader[] reader = new FlvReader[1];
        assertEquals(want, feedInChunks(flv, 36, 5000, reader, cap).aus);
        assertEquals(expected.aus.size() - want.size(), reader[0].oversizeTags());
    }

    @Test
    void twoByteNalLengthsFromTheConfigurationRecordAreHonoured() {
        FlvFile file = FlvFile.parse(flv);
        List<FlvFile.Tag> rewritten = new ArrayList<>();
        for (FlvFile.Tag tag : file.tags) {
            byte[] body = tag.body();
            if (tag.type() == 9 && body[1] == 0) {
                body = body.clone();
                body[5 + 4] = (byte) 0xfd; // lengthSizeMinusOne = 1
            } else if (tag.type() == 9 && body[1] == 1) {
                ByteBuffer in = ByteBuffer.wrap(body, 5, body.length - 5);
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                out.write(body, 0, 5);
                while (in.hasRemaining()) {
                    int length = in.getInt();
                    assertTrue(length < 65536);
                    out.write(length >> 8);
                    out.write(length);
                    out.write(body, in.position(), length);
                    in.position(in.position() + length);
                }
                body = out.toByteArray();
            }
            rewritten.add(new FlvFile.Tag(tag.type(), tag.timestamp(), body, 0));
        }
        Collected got = feedInChunks(file.write(rewritten), 37, 5000, null, FlvReader.DEFAULT_MAX_TAG_SIZE);
        assertEquals(expected.aus, got.aus);
    }

    @Test
    void truncatedStreamGivesAPrefix() {
        Collected got = feedInChunks(java.util.Arrays.copyOf(flv, flv.length / 2), 38, 5000, null, FlvReader.DEFAULT_MAX_TAG_SIZE);
        assertTrue(got.aus.size() > 10);
        assertEquals(expected.aus.subList(0, got.aus.size()), got.aus);
    }

    @Test
    void noiseNeverThrows() {
        Random random = new Random(39);
        byte[] noise = new byte[1 << 20];
        random.nextBytes(noise);
        FlvReader[] reader = new FlvReader[1];
        feedInChunks(noise, 40, 5000, reader, FlvReader.DEFAULT_MAX_TAG_SIZE);
        assertTrue(reader[0].skippedBytes() > 0);

        // The signature, then noise: tag headers are searched for, and (nearly) none found.
        ByteArrayOutputStream headed = new ByteArrayOutputStream();
        headed.write(flv, 0, 13);
        headed.writeBytes(noise);
        feedInChunks(headed.toByteArray(), 41, 5000, reader, 1 << 16);
        assertTrue(reader[0].corruptions() > 0);

        // The real stream with bytes flipped all over: whatever comes out still holds a picture.
        long noticed = 0;
        for (int round = 0; round < 20; round++) {
            byte[] damaged = flv.clone();
            for (int i = 0; i < 50; i++) damaged[random.nextInt(damaged.length)] ^= (byte) (1 + random.nextInt(255));
            Collected got = feedInChunks(damaged, round, 5000, reader, FlvReader.DEFAULT_MAX_TAG_SIZE);
            assertTrue(got.aus.stream().allMatch(AccessUnit::hasPicture));
            noticed += reader[0].corruptions() + reader[0].malformedTags() + reader[0].keyframeMismatches();
        }
        assertTrue(noticed > 0, "some of the damage is visible in the framing");
    }
}
