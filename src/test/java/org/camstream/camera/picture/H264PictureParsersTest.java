package org.camstream.camera.picture;

import org.camstream.process.SampleParser;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.camstream.process.SampleListener;

/** The camera's H.264 output turned into self-contained pictures: every keyframe carries SPS and PPS. */
class H264PictureParsersTest {

    @TempDir
    Path dir;

    @Test
    void aRecordingWithParameterSetsOnlyAtTheStartCanBeJoinedAtAnyKeyframe() throws IOException {
        Pictures pictures = new Pictures();
        SampleParser parser = new AnnexBPictureParser(pictures);
        feedInRandomChunks(parser, Fixtures.read(Fixtures.piH264(Fixtures.PI_480P_ONCE)));

        // 293 frames and 5 IDRs per the fixture's README; the last picture is only known complete at the
        // next start code, which a recording does not have.
        assertEquals(292, pictures.data.size());
        assertEquals(5, pictures.keyframes());
        assertTrue(pictures.key.get(0), "the first picture is a keyframe");
        for (int i = 0; i < pictures.data.size(); i++) {
            List<NalUnit> nals = AccessUnit.fromAnnexB(pictures.data.get(i)).nalUnits();
            if (pictures.key.get(i)) {
                assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR),
                        nals.stream().map(NalUnit::type).toList(), "keyframe " + i);
            } else {
                assertTrue(nals.stream().noneMatch(n -> n.type() == NalUnit.SPS));
            }
        }

        int third = pictures.indexOfKeyframe(3);
        Path late = dir.resolve("late.h264");
        Files.write(late, pictures.concat(third));
        assertDecodes(late, 640, 480, pictures.data.size() - third);
    }

    @Test
    void aRawH264PictureIsHandedOnAsSoonAsTheNextOneBegins() {
        byte[] stream = Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE));
        List<Integer> starts = pictureStarts(stream);
        Pictures pictures = new Pictures();
        SampleParser parser = new AnnexBPictureParser(pictures);
        // Each read ends a few bytes into the next picture, as a camera's pipe delivers them.
        int fed = 0;
        for (int i = 1; i < 20; i++) {
            int until = starts.get(i) + 12;
            parser.feed(java.util.Arrays.copyOfRange(stream, fed, until), 0, until - fed);
            fed = until;
            assertEquals(i, pictures.data.size(), "picture " + i + " is out before picture " + (i + 1) + " is whole");
        }
    }

    /** Where each picture begins: its first NAL unit (SPS before an IDR, else the slice). */
    private static List<Integer> pictureStarts(byte[] stream) {
        List<Integer> starts = new ArrayList<>();
        boolean inPicture = false;
        for (int i = 0; i + 4 < stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 0 && stream[i + 3] == 1) {
                int type = stream[i + 4] & 0x1F;
                if (type == 7 || ((type == 1 || type == 5) && !inPicture)) {
                    starts.add(i);
                }
                inPicture = type == 7 || type == 8;
            }
        }
        return starts;
    }

    @Test
    void ffmpegFlvOutputBecomesPicturesTheMomentEachTagEnds() throws IOException {
        byte[] flv = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-t", "3",
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0", "-g", "30",
                "-f", "flv", "-flvflags", "no_duration_filesize", "-");
        Pictures pictures = new Pictures();
        SampleParser parser = new FlvPictureParser(pictures);
        feedInRandomChunks(parser, flv);

        assertEquals(90, pictures.data.size(), "every picture, the last included: FLV frames each one");
        assertEquals(3, pictures.keyframes());
        // FLV keeps SPS and PPS in its header; the framer puts them in front of every keyframe.
        int second = pictures.indexOfKeyframe(2);
        Path late = dir.resolve("late.h264");
        Files.write(late, pictures.concat(second));
        assertDecodes(late, 320, 240, pictures.data.size() - second);
    }

    @Test
    void picturesBeforeTheFirstKeyframeAreDiscarded() {
        byte[] stream = Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE));
        // Start in the middle of the first GOP, as a camera does when its output is joined late.
        int cut = indexOfSecondSlice(stream);
        byte[] tail = java.util.Arrays.copyOfRange(stream, cut, stream.length);
        Pictures pictures = new Pictures();
        new AnnexBPictureParser(pictures).feed(tail, 0, tail.length);
        assertTrue(pictures.key.get(0), "output starts at a keyframe");
        assertTrue(pictures.discarded > 0);
    }

    private static int indexOfSecondSlice(byte[] stream) {
        int slices = 0;
        for (int i = 0; i + 4 < stream.length; i++) {
            if (stream[i] == 0 && stream[i + 1] == 0 && stream[i + 2] == 0 && stream[i + 3] == 1) {
                int type = stream[i + 4] & 0x1F;
                if ((type == 1 || type == 5) && ++slices == 2) {
                    return i;
                }
            }
        }
        throw new AssertionError("no second slice");
    }

    private static void assertDecodes(Path file, int width, int height, int frames) {
        MediaTools.Result decode = MediaTools.ffmpeg("-v", "error", "-xerror", "-i", file.toString(), "-f", "null",
                "-");
        assertEquals(0, decode.exitCode(), decode.stderr());
        assertEquals("", decode.stderr().trim());
        var stream = MediaTools.probeVideoStream(file);
        assertEquals(width, MediaTools.intField(stream, "width"));
        assertEquals(height, MediaTools.intField(stream, "height"));
        assertEquals(frames, MediaTools.intField(stream, "nb_read_frames"));
    }

    private static void feedInRandomChunks(SampleParser parser, byte[] data) {
        Random random = new Random(42);
        int i = 0;
        while (i < data.length) {
            int n = Math.min(data.length - i, 1 + random.nextInt(20_000));
            parser.feed(java.util.Arrays.copyOfRange(data, i, i + n), 0, n);
            i += n;
        }
    }

    private static final class Pictures implements SampleListener {
        final List<byte[]> data = new ArrayList<>();
        final List<Boolean> key = new ArrayList<>();
        long discarded;

        @Override
        public void onSample(byte[] picture, boolean keyframe) {
            data.add(picture);
            key.add(keyframe);
        }

        @Override
        public void onDiscard(String reason, long bytes) {
            discarded++;
        }

        @Override
        public void onLogLine(String line) {
        }

        long keyframes() {
            return key.stream().filter(k -> k).count();
        }

        /** The index of the n-th keyframe, counting from 1. */
        int indexOfKeyframe(int n) {
            int seen = 0;
            for (int i = 0; i < key.size(); i++) {
                if (key.get(i) && ++seen == n) {
                    return i;
                }
            }
            throw new AssertionError("fewer than " + n + " keyframes");
        }

        byte[] concat(int from) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            for (int i = from; i < data.size(); i++) {
                out.writeBytes(data.get(i));
            }
            return out.toByteArray();
        }
    }
}
