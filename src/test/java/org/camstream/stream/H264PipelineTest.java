package org.camstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.CameraFrames;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** One H.264 stream in, the shared Annex B and fMP4 streams out, with their GOP caches and tracks. */
class H264PipelineTest {

    @TempDir
    Path dir;

    private final CameraFrames camera = new CameraFrames();

    @Test
    void aViewerJoiningMidStreamGetsADecodableMp4() throws IOException {
        H264Pipeline pipeline = new H264Pipeline(30);
        List<Frame> frames = frames(Fixtures.PI_720P_INLINE);
        int joinAt = indexOfKeyframe(frames, 3) + 7; // mid-GOP, as a real viewer joins
        for (int i = 0; i < joinAt; i++) {
            pipeline.onFrame(frames.get(i));
        }
        List<Mp4Chunk> received = new ArrayList<>();
        pipeline.mp4().subscribe(received::add);
        List<Frame> annexB = new ArrayList<>();
        pipeline.annexB().subscribe(annexB::add);
        for (int i = joinAt; i < frames.size(); i++) {
            pipeline.onFrame(frames.get(i));
        }

        assertTrue(received.get(0).isKeyframe(), "the cached GOP starts with its keyframe");
        assertEquals(frames.size() - indexOfKeyframe(frames, 3), received.size(), "the GOP, then every live frame");
        ByteArrayOutputStream mp4 = new ByteArrayOutputStream();
        received.get(0).track().init().writeTo(mp4);
        for (Mp4Chunk chunk : received) {
            assertSame(received.get(0).track(), chunk.track());
            chunk.writeTo(mp4);
        }
        Path file = dir.resolve("late.mp4");
        Files.write(file, mp4.toByteArray());
        assertDecodes(file, 1280, 720, received.size());

        List<Integer> firstTypes = AccessUnit.fromAnnexB(toBytes(annexB.get(0))).nalUnits().stream()
                .map(NalUnit::type).toList();
        assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR), firstTypes, "raw H.264 starts decodable");
    }

    @Test
    void newParameterSetsStartANewGeneration() {
        H264Pipeline pipeline = new H264Pipeline(30);
        List<Frame> big = frames(Fixtures.PI_720P_INLINE);
        List<Frame> small = frames(Fixtures.PI_480P_ONCE);
        for (Frame frame : big.subList(0, 40)) {
            pipeline.onFrame(frame);
        }
        VideoTrack first = pipeline.track();
        assertEquals(1, first.generation());
        assertEquals("avc1.640028", first.codec());
        assertEquals(1280, first.width());
        for (Frame frame : big.subList(40, 80)) {
            pipeline.onFrame(frame); // the same SPS again at each IDR: no new generation
        }
        assertSame(first, pipeline.track());

        List<Mp4Chunk> received = new ArrayList<>();
        pipeline.mp4().subscribe(received::add);
        for (Frame frame : small.subList(0, 40)) {
            pipeline.onFrame(frame);
        }
        VideoTrack second = pipeline.track();
        assertEquals(2, second.generation());
        assertEquals(640, second.width());
        assertEquals(480, second.height());
        assertSame(second, received.get(received.size() - 1).track(), "fragments name the track they need");
    }

    @Test
    void theCameraStoppingEmptiesTheGopCaches() {
        H264Pipeline pipeline = new H264Pipeline(30);
        for (Frame frame : frames(Fixtures.PI_720P_INLINE).subList(0, 10)) {
            pipeline.onFrame(frame);
        }
        assertTrue(pipeline.annexB().cachedBytes() > 0);
        pipeline.onCameraStopped();
        assertEquals(0, pipeline.annexB().cachedBytes());
        assertEquals(0, pipeline.mp4().cachedBytes());
        List<Mp4Chunk> received = new ArrayList<>();
        pipeline.mp4().subscribe(received::add);
        assertTrue(received.isEmpty(), "no stale GOP for a new viewer");
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

    private List<Frame> frames(String fixture) {
        return camera.frames(fixture);
    }

    private static int indexOfKeyframe(List<Frame> frames, int n) {
        int seen = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).isKeyframe() && ++seen == n) {
                return i;
            }
        }
        throw new AssertionError("fewer than " + n + " keyframes");
    }

    private static byte[] toBytes(Frame frame) {
        return frame.bytes();
    }
}
