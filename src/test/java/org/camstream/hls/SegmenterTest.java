package org.camstream.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.lindstrom.m3u8.model.MediaPlaylist;
import io.lindstrom.m3u8.model.MediaSegment;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.camstream.stream.Frame;
import org.camstream.stream.H264Pipeline;
import org.camstream.stream.Mp4Chunk;
import org.camstream.testing.CameraFrames;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Playlists;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A Pi camera's H.264, through the shared pipeline, cut into LL-HLS parts and segments. */
class SegmenterTest {

    @TempDir
    Path dir;

    private final CameraFrames source = new CameraFrames();
    private final H264Pipeline pipeline = new H264Pipeline(30);
    private final List<HlsSnapshot> published = new ArrayList<>();
    private final Segmenter segmenter = new Segmenter("run1", PartPlan.forFrameRate(30), published::add);

    @Test
    void partsAreWholeFramesWithinTheTargetAndSegmentsStartAtKeyframesAfterASecond() {
        pipeline.mp4().subscribe(segmenter);
        List<Frame> frames = source.frames(Fixtures.PI_720P_INLINE);
        frames.forEach(pipeline::onFrame);
        HlsSnapshot last = segmenter.current();
        PartPlan plan = segmenter.plan();
        assertEquals(6, plan.framesPerPart());

        long expectedIndex = published.get(0).version();
        for (HlsSnapshot snapshot : published) {
            assertEquals(expectedIndex++, snapshot.version(), "one version per part, in order");
        }
        List<HlsSegment> closed = last.segments().stream().filter(HlsSegment::closed).toList();
        assertFalse(closed.isEmpty());
        for (HlsSegment segment : closed) {
            assertTrue(segment.parts().get(0).independent(), "a segment starts with a keyframe");
            int pictures = segment.parts().stream().mapToInt(p -> p.chunks().size()).sum();
            assertTrue(segment.durationTicks() >= plan.minSegmentTicks() || pictures >= 30,
                    "at least a second: " + segment.durationSeconds());
            assertEquals(30, pictures, "two of the recording's 15-frame GOPs");
            for (HlsPart part : segment.parts()) {
                assertTrue(part.chunks().size() <= 6 && part.durationTicks() <= plan.partTargetTicks(), part.toString());
                assertEquals(part.chunks().stream().mapToLong(c -> c.timing().duration()).sum(), part.durationTicks());
            }
        }
        assertTrue(closed.size() <= Segmenter.KEPT_SEGMENTS, "bounded: " + closed.size());
    }

    @Test
    void thePartsAreTheSharedFragmentsAndTheSegmentsDecodeWithFfmpeg() throws IOException {
        List<Mp4Chunk> shared = new ArrayList<>();
        pipeline.mp4().subscribe(shared::add);
        pipeline.mp4().subscribe(segmenter);
        source.frames(Fixtures.PI_720P_INLINE).forEach(pipeline::onFrame); // 141 frames, a keyframe every 15
        HlsSnapshot snapshot = segmenter.current();
        HlsPart part = snapshot.segments().get(0).parts().get(1);
        assertSame(shared.get(6), part.chunks().get(0), "the very fragment the MP4 viewers get: no copy");

        ByteArrayOutputStream file = new ByteArrayOutputStream();
        snapshot.segments().get(0).track().init().writeTo(file);
        int frames = 0;
        for (HlsSegment segment : snapshot.segments()) {
            if (segment.closed()) {
                for (HlsPart p : segment.parts()) {
                    for (Mp4Chunk chunk : p.chunks()) {
                        chunk.writeTo(file);
                        frames++;
                    }
                }
            }
        }
        Path mp4 = dir.resolve("segments.mp4");
        Files.write(mp4, file.toByteArray());
        MediaTools.Result decode = MediaTools.ffmpeg("-v", "error", "-xerror", "-i", mp4.toString(), "-f", "null", "-");
        assertEquals(0, decode.exitCode(), decode.stderr());
        assertEquals("", decode.stderr().strip());
        assertEquals(frames, MediaTools.intField(MediaTools.probeVideoStream(mp4), "nb_read_frames"));
    }

    @Test
    void thePlaylistParsesAndNamesEveryPartSegmentAndTheNextPart() {
        pipeline.mp4().subscribe(segmenter);
        source.frames(Fixtures.PI_720P_INLINE).forEach(pipeline::onFrame);
        HlsSnapshot snapshot = segmenter.current();
        String text = new String(snapshot.playlist(), StandardCharsets.UTF_8);
        assertSame(snapshot.playlist(), snapshot.playlist(), "rendered once");
        MediaPlaylist playlist = Playlists.parse(text);
        assertEquals(PlaylistWriter.WINDOW_SEGMENTS, playlist.mediaSegments().size(), text);
        assertTrue(playlist.serverControl().orElseThrow().canBlockReload());
        assertEquals(3 * playlist.partialSegmentInformation().orElseThrow().partTargetDuration(),
                playlist.serverControl().orElseThrow().partHoldBack().orElseThrow(), 1e-9);
        assertEquals("run1/part-" + snapshot.nextPartIndex() + ".m4s", playlist.preloadHint().orElseThrow().uri());
        List<Playlists.Part> parts = Playlists.parts(playlist);
        for (int i = 1; i < parts.size(); i++) {
            assertEquals(number(parts.get(i - 1).uri()) + 1, number(parts.get(i).uri()), "consecutive parts");
        }
        assertTrue(playlist.mediaSegments().get(0).partialSegments().isEmpty(), "old segments without their parts");
        for (MediaSegment segment : playlist.mediaSegments().subList(1, 4)) {
            assertFalse(segment.partialSegments().isEmpty(), "the last three with theirs");
            assertTrue(segment.uri().startsWith("run1/seg-"), segment.uri());
        }
    }

    @Test
    void aNewResolutionStartsASegmentAfterADiscontinuityWithItsOwnInitSegment() {
        pipeline.mp4().subscribe(segmenter);
        source.frames(Fixtures.PI_720P_INLINE).subList(0, 100).forEach(pipeline::onFrame);
        List<Frame> small = source.frames(Fixtures.PI_480P_ONCE);
        small.subList(0, 100).forEach(pipeline::onFrame);
        HlsSnapshot snapshot = segmenter.current();
        List<HlsSegment> segments = snapshot.segments();
        HlsSegment after = segments.stream().filter(HlsSegment::discontinuity).findFirst().orElseThrow();
        HlsSegment before = segments.get(segments.indexOf(after) - 1);
        assertNotSame(before.track(), after.track());
        assertEquals(640, after.track().width());
        assertEquals(1, after.discontinuitySequence());
        assertTrue(before.closed(), "the old track's segment ended at the new keyframe");

        MediaPlaylist playlist = Playlists.parse(new String(snapshot.playlist(), StandardCharsets.UTF_8));
        long msn = playlist.mediaSequence();
        for (MediaSegment segment : playlist.mediaSegments()) {
            if (msn++ == after.msn()) {
                assertTrue(segment.discontinuity(), "EXT-X-DISCONTINUITY");
                assertEquals("run1/init-" + after.track().generation() + ".mp4",
                        segment.segmentMap().orElseThrow().uri(), "and a new EXT-X-MAP");
            }
        }
        assertTrue(snapshot.init(after.track().generation()) != null && snapshot.init(before.track().generation()) != null);
    }

    /**
     * The camera stops for 3 s and starts again, through a pipeline whose pictures last at most a part target, as
     * the camera's does. The run that was going cuts its segment at the new keyframe and goes on after a
     * discontinuity; a run that starts after the gap (HLS after an idle camera) starts clean. Either way no part
     * is longer than PART-TARGET, each segment's PROGRAM-DATE-TIME is the one before plus its EXTINF within a
     * discontinuity sequence, and the target duration never changes.
     */
    @Test
    void aCameraRestartCostsNoPartOverItsTargetAndNoChangeOfTargetDuration() {
        PartPlan plan = PartPlan.forFrameRate(30);
        H264Pipeline camera = new H264Pipeline(30, (int) plan.partTargetTicks(), System::nanoTime);
        camera.mp4().subscribe(segmenter);
        source.frames(Fixtures.PI_720P_INLINE).subList(0, 100).forEach(camera::onFrame);
        camera.onCameraStopped();
        source.pause(3000);
        List<HlsSnapshot> later = new ArrayList<>();
        Segmenter afterIdle = new Segmenter("run2", plan, later::add);
        camera.mp4().subscribe(afterIdle);
        List<Frame> restarted = source.frames(Fixtures.PI_720P_INLINE).subList(0, 100);
        restarted.forEach(camera::onFrame);

        List<HlsSegment> segments = checkRun(published, plan);
        HlsSegment after = segments.stream().filter(HlsSegment::discontinuity).findFirst().orElseThrow();
        assertEquals(restarted.get(0).captureEpochMicros(), after.startEpochMicros(), "cut at the new keyframe");
        assertEquals(1, segments.stream().filter(HlsSegment::discontinuity).count());
        HlsSegment before = segments.get(segments.indexOf(after) - 1);
        assertEquals(10, before.parts().stream().mapToInt(p -> p.chunks().size()).sum(), "the cut segment, short");

        List<HlsSegment> fresh = checkRun(later, plan);
        assertFalse(fresh.stream().anyMatch(HlsSegment::discontinuity), "a new run starts clean");
        assertEquals(restarted.get(0).captureEpochMicros(), fresh.get(0).startEpochMicros());
        assertEquals(0, later.get(later.size() - 1).segments().get(0).discontinuitySequence());
    }

    /**
     * The camera's new process sends its first picture 0.2 s after the old one's last: a stall, not a gap, so the
     * keyframe lasts the stall longer and no discontinuity is needed. Its segment is dated by its place on the
     * timeline, 0.17 s before its capture, so every EXTINF is still the time to the next PROGRAM-DATE-TIME: dated
     * by capture, the segment before it would be 0.17 s short of its date, and its own 0.17 s long.
     */
    @Test
    void aKeyframeAStallLateStartsASegmentDatedByTheTimeline() {
        PartPlan plan = PartPlan.forFrameRate(30);
        H264Pipeline camera = new H264Pipeline(30, (int) plan.partTargetTicks(), System::nanoTime);
        camera.mp4().subscribe(segmenter);
        List<Mp4Chunk> chunks = new ArrayList<>();
        camera.mp4().subscribe(chunks::add);
        List<Frame> pictures = source.frames(Fixtures.PI_720P_INLINE).subList(0, 90); // three segments
        pictures.forEach(picture -> camera.onFrame(source.again(picture)));
        source.pause(167); // the next picture comes 0.2 s after the last
        List<Frame> restarted = pictures.stream().map(source::again).toList();
        restarted.forEach(camera::onFrame);

        Mp4Chunk late = chunks.get(90);
        assertTrue(late.isKeyframe() && !late.timing().afterGap(), "a stall, not a gap: " + late.timing());
        assertEquals(0.167, late.timing().lag() / 90_000.0, 0.002, "as late as the stall");
        assertEquals(restarted.get(0).captureEpochMicros() - 167_000, late.timelineEpochMicros(), 2_000);
        List<HlsSegment> segments = checkRun(published, plan);
        assertTrue(segments.stream().noneMatch(HlsSegment::discontinuity), "no discontinuity: " + segments);
        HlsSegment after = segments.stream().filter(s -> s.parts().get(0).chunks().get(0) == late).findFirst()
                .orElseThrow(() -> new AssertionError("a segment starts at the late keyframe"));
        assertEquals(late.timelineEpochMicros(), after.startEpochMicros());
    }

    /** Checks every version of a run; returns the last version's segments. */
    private static List<HlsSegment> checkRun(List<HlsSnapshot> versions, PartPlan plan) {
        assertFalse(versions.isEmpty());
        int target = versions.get(0).targetDurationSeconds();
        for (HlsSnapshot version : versions) {
            assertEquals(target, version.targetDurationSeconds(), "the target duration of a run never changes");
            List<HlsSegment> segments = version.segments();
            for (int i = 0; i < segments.size(); i++) {
                HlsSegment segment = segments.get(i);
                for (HlsPart part : segment.parts()) {
                    assertTrue(part.durationTicks() <= plan.partTargetTicks(), "a part over PART-TARGET: " + part);
                }
                if (segment.closed()) {
                    assertTrue(Math.round(segment.durationSeconds()) <= target, segment.durationSeconds() + " s");
                }
                if (segment.closed() && i + 1 < segments.size() && !segments.get(i + 1).discontinuity()) {
                    long dated = segments.get(i + 1).startEpochMicros() - segment.startEpochMicros();
                    assertEquals(segment.durationSeconds(), dated / 1e6, 0.0001, "EXTINF against PROGRAM-DATE-TIME");
                }
            }
        }
        return versions.get(versions.size() - 1).segments();
    }

    @Test
    void blockingRequestsAreSatisfiedByTheirPartOrALaterSegment() {
        pipeline.mp4().subscribe(segmenter);
        source.frames(Fixtures.PI_720P_INLINE).subList(0, 100).forEach(pipeline::onFrame);
        HlsSnapshot snapshot = segmenter.current();
        HlsSegment live = snapshot.liveSegment();
        int lastPart = live.lastPart().indexInSegment();
        assertTrue(new PlaylistQuery(live.msn(), lastPart).satisfiedBy(snapshot));
        assertFalse(new PlaylistQuery(live.msn(), lastPart + 1).satisfiedBy(snapshot));
        assertTrue(new PlaylistQuery(live.msn() - 1, 99).satisfiedBy(snapshot), "a later segment's part counts");
        assertTrue(new PlaylistQuery(live.msn() - 1, -1).satisfiedBy(snapshot));
        assertEquals(live.closed(), new PlaylistQuery(live.msn(), -1).satisfiedBy(snapshot));
        assertSame(snapshot, segmenter.answer(new PlaylistQuery(live.msn() - 1, 0)), "the latest version");
        assertEquals(null, segmenter.answer(new PlaylistQuery(live.msn() + 1, 0)));

        assertEquals(null, new PlaylistQuery(live.msn() + 2, 0).outOfRange(snapshot));
        assertTrue(new PlaylistQuery(live.msn() + 3, 0).outOfRange(snapshot).contains("more than two segments"));
        assertEquals(null, new PlaylistQuery(live.msn(), lastPart + 13).outOfRange(snapshot), "3 / 0.217 s = 13.8");
        assertTrue(new PlaylistQuery(live.msn(), lastPart + 14).outOfRange(snapshot).contains("parts after"));
    }

    /**
     * A request for the current playlist waits, at a run's start, for three complete segments: where a player
     * starts three target durations from the end, as Chromium's own HLS player does, it finds one to start at.
     */
    @Test
    void theCurrentPlaylistIsAnsweredOnceItHoldsThreeCompleteSegments() {
        pipeline.mp4().subscribe(segmenter);
        List<Frame> frames = source.frames(Fixtures.PI_720P_INLINE);
        int fed = 0;
        while (segmenter.current().closedSegments() < 3) {
            assertEquals(null, segmenter.answer(PlaylistQuery.CURRENT),
                    segmenter.current().closedSegments() + " complete segments are not yet enough");
            pipeline.onFrame(frames.get(fed++));
        }
        assertSame(segmenter.current(), segmenter.answer(PlaylistQuery.CURRENT));
        assertEquals(3, Playlists.parse(new String(segmenter.current().playlist(), StandardCharsets.UTF_8))
                .mediaSegments().size(), "three listed, and the open one's parts");
    }

    @Test
    void theQueryIsReadAsTheSpecSays() throws Exception {
        assertEquals(PlaylistQuery.CURRENT, PlaylistQuery.parse(null, null));
        assertEquals(new PlaylistQuery(12, 3), PlaylistQuery.parse("12", "3"));
        assertEquals(new PlaylistQuery(12, -1), PlaylistQuery.parse("12", null));
        for (String[] bad : new String[][] {{null, "1"}, {"x", null}, {"-1", null}, {"1", "1.5"}, {"", null},
                {"99999999999999999999", null}, {"1", "9999999999"}}) {
            assertBad(bad[0], bad[1]);
        }
    }

    private static void assertBad(String msn, String part) {
        try {
            PlaylistQuery.parse(msn, part);
        } catch (PlaylistQuery.BadRequest e) {
            assertTrue(e.getMessage().startsWith("_HLS_"), e.getMessage());
            return;
        }
        throw new AssertionError("accepted _HLS_msn=" + msn + " _HLS_part=" + part);
    }

    private static long number(String uri) {
        return Long.parseLong(uri.replaceAll(".*part-(\\d+)\\.m4s", "$1"));
    }
}
