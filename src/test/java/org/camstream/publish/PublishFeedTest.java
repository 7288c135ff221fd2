package org.camstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.camstream.stream.Chunk;
import org.camstream.stream.Frame;
import org.camstream.stream.H264Pipeline;
import org.camstream.testing.CameraFrames;
import org.camstream.testing.Fixtures;
import org.junit.jupiter.api.Test;

/** The bounded queue between the camera's fMP4 and a publishing ffmpeg. */
class PublishFeedTest {

    private final CameraFrames camera = new CameraFrames();

    @Test
    void theInitSegmentComesFirstThenTheFragmentsFromAKeyframe() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        List<Frame> frames = camera.frames(Fixtures.PI_720P_INLINE);
        int second = keyframe(frames, 2);
        for (Frame frame : frames.subList(0, second + 3)) {
            pipeline.onFrame(frame); // the feed joins mid-GOP, as after a reconnect
        }
        PublishFeed feed = new PublishFeed(30);
        pipeline.mp4().subscribe(feed);
        Chunk init = feed.next(0);
        assertEquals(pipeline.track().init().size(), init.size(), "the init segment of the track");
        assertEquals(1280, feed.track().width());
        Chunk first = feed.next(0);
        assertTrue(first.isKeyframe(), "the cached GOP, keyframe first");
        int count = 1;
        while (feed.next(0) != null) {
            count++;
        }
        assertEquals(3, count, "the keyframe and the two frames after it");
        assertNull(feed.next(10), "nothing more until the camera sends more");
        feed.close();
        assertSame(PublishFeed.END, feed.next(10));
    }

    @Test
    void aFeedNobodyReadsStaysBoundedAndResumesAtAKeyframe() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        PublishFeed feed = new PublishFeed(30);
        pipeline.mp4().subscribe(feed);
        List<Frame> frames = camera.frames(Fixtures.PI_720P_INLINE);
        long started = System.nanoTime();
        for (int round = 0; round < 3; round++) {
            for (Frame frame : frames) {
                pipeline.onFrame(camera.again(frame));
            }
        }
        assertTrue(System.nanoTime() - started < 5_000_000_000L, "offering never waits for the reader");
        assertTrue(feed.dropped() > 0, "a backlog of more than a second was dropped at a keyframe");
        feed.next(0); // the init segment
        List<Chunk> left = new ArrayList<>();
        for (Chunk chunk; (chunk = feed.next(0)) != null; ) {
            left.add(chunk);
        }
        assertTrue(left.get(0).isKeyframe(), "what is left starts at a keyframe");
        assertTrue(left.size() <= 3 * frames.size() - feed.dropped(), left.size() + " left, " + feed.dropped()
                + " dropped");
        assertTrue(left.size() < 2 * 30, "at most about a GOP and a second are kept: " + left.size());
    }

    @Test
    void aNewPictureSizeEndsTheFeedAfterWhatItHolds() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        PublishFeed feed = new PublishFeed(30);
        pipeline.mp4().subscribe(feed);
        List<Frame> big = camera.frames(Fixtures.PI_720P_INLINE);
        for (Frame frame : big.subList(0, keyframe(big, 1) + 5)) {
            pipeline.onFrame(frame);
        }
        for (Frame frame : camera.frames(Fixtures.PI_480P_ONCE)) {
            pipeline.onFrame(frame);
        }
        assertTrue(feed.trackChanged());
        ByteArrayOutputStream written = new ByteArrayOutputStream();
        int chunks = 0;
        for (Chunk chunk; (chunk = feed.next(0)) != PublishFeed.END; ) {
            assertFalse(chunk == null, "a closed feed never makes its reader wait");
            chunk.writeTo(written);
            chunks++;
        }
        assertEquals(1 + 5, chunks, "the init segment and the 720p frames from the first keyframe");
        assertEquals(1280, feed.track().width());
    }

    private static int keyframe(List<Frame> frames, int n) {
        int seen = 0;
        for (int i = 0; i < frames.size(); i++) {
            if (frames.get(i).isKeyframe() && ++seen == n) {
                return i;
            }
        }
        throw new AssertionError("fewer than " + n + " keyframes");
    }
}
