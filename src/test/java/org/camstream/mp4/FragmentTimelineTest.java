package org.camstream.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.LongUnaryOperator;
import org.junit.jupiter.api.Test;

class FragmentTimelineTest {
    private static final int FPS = 30;
    private static final int FRAME = FragmentTimeline.TIMESCALE / FPS; // ticks per frame at 30 fps
    private static final long START = 5_000_000_000L; // an arbitrary System.nanoTime() origin

    /** Capture time of frame n in nanoseconds at {@code fps}. */
    private static long at(int n, double fps) {
        return START + Math.round(n * 1e9 / fps);
    }

    /** Ticks of a nanosecond span, rounded, computed independently of the timeline. */
    private static long ticks(long nanos) {
        return Math.round(nanos * (FragmentTimeline.TIMESCALE / 1e9));
    }

    private static List<SampleTiming> run(FragmentTimeline timeline, int frames, LongUnaryOperator captureNanos) {
        List<SampleTiming> out = new ArrayList<>();
        for (int n = 0; n < frames; n++) out.add(timeline.next(captureNanos.applyAsLong(n)));
        checkInvariants(out, FragmentTimeline.DEFAULT_MAX_DURATION);
        return out;
    }

    /** Contiguous from 0, and every duration within [1, max]. */
    private static void checkInvariants(List<SampleTiming> timings, int max) {
        long expected = 0;
        for (int i = 0; i < timings.size(); i++) {
            SampleTiming t = timings.get(i);
            assertEquals(expected, t.decodeTime(), "sample " + i + " starts where the last ended");
            assertTrue(t.duration() >= 1 && t.duration() <= max, "sample " + i + ": " + t);
            expected += t.duration();
        }
    }

    @Test
    void steadyCameraGetsExactDurations() {
        List<SampleTiming> timings = run(FragmentTimeline.forFrameRate(FPS), 3000, n -> at((int) n, FPS));
        for (int i = 0; i < timings.size(); i++) {
            assertEquals(FRAME, timings.get(i).duration(), "sample " + i);
            assertEquals(ticks(at(i, FPS) - START), timings.get(i).decodeTime(), "on capture time, sample " + i);
        }
    }

    @Test
    void followsARateOtherThanTheNominalOne() {
        for (double fps : new double[] {25, 60, 12}) {
            List<SampleTiming> timings = run(FragmentTimeline.forFrameRate(FPS), 600, n -> at((int) n, fps));
            long interval = ticks(Math.round(1e9 / fps));
            // The running average closes 1/16 of its error a frame: after 150 frames, (15/16)^150 of
            // a 7500-tick difference is well under a tick.
            for (int i = 150; i < timings.size(); i++) {
                assertEquals(interval, timings.get(i).duration(), 1, fps + " fps, sample " + i);
                assertEquals(ticks(at(i, fps) - START), timings.get(i).decodeTime(), 2, fps + " fps, sample " + i);
            }
        }
    }

    @Test
    void jitterStaysWithinOneIntervalOfCaptureTime() {
        Random random = new Random(51);
        long[] capture = new long[2000];
        long jitter = 5_000_000; // +-5 ms, as a busy Pi might add between sensor and muxer
        for (int n = 0; n < capture.length; n++) capture[n] = at(n, FPS) + (n == 0 ? 0 : random.nextLong(-jitter, jitter + 1));
        List<SampleTiming> timings = run(FragmentTimeline.forFrameRate(FPS), capture.length, n -> capture[(int) n]);
        for (int i = 1; i < timings.size(); i++) {
            // The sample starts at the previous capture plus the average interval: off by at most
            // the jitter of two captures, and the average's own small error.
            long offset = timings.get(i).decodeTime() - ticks(capture[i] - capture[0]);
            assertTrue(Math.abs(offset) <= ticks(2 * jitter) + FRAME / 10, "sample " + i + " off by " + offset);
        }
        SampleTiming last = timings.get(timings.size() - 1);
        double mean = (double) (last.decodeTime() + last.duration()) / timings.size();
        assertEquals(FRAME, mean, FRAME * 0.005);
    }

    @Test
    void aStallIsAbsorbedByOneSampleAndTheRestRunAtNormalSpeed() {
        long stall = 5_000_000_000L;
        int stalledAt = 100;
        List<SampleTiming> timings = run(FragmentTimeline.forFrameRate(FPS), 400,
                n -> at((int) n, FPS) + (n >= stalledAt ? stall : 0));
        assertEquals(FragmentTimeline.DEFAULT_MAX_DURATION, timings.get(stalledAt).duration(), "capped, the rest forgiven");
        for (int i = stalledAt + 1; i < timings.size(); i++) {
            assertEquals(FRAME, timings.get(i).duration(), FRAME * 0.05, "sample " + i);
        }
        // And the timeline runs in step with capture time again: offsets stay constant.
        long offset = timings.get(stalledAt + 150).decodeTime() - ticks(at(stalledAt + 150, FPS) + stall - START);
        long laterOffset = timings.get(399).decodeTime() - ticks(at(399, FPS) + stall - START);
        assertEquals(offset, laterOffset, 2);
    }

    @Test
    void burstsAndRepeatedTimesNeverGiveZeroDurations() {
        // Frames arriving three at once every 100 ms, as from a pipe that delivers in lumps.
        List<SampleTiming> timings = run(FragmentTimeline.forFrameRate(FPS), 300, n -> START + (n / 3) * 100_000_000L);
        for (int i = 0; i < timings.size(); i++) {
            long capture = ticks((i / 3) * 100_000_000L);
            assertTrue(Math.abs(timings.get(i).decodeTime() - capture) <= ticks(100_000_000L), "sample " + i);
        }
        // A clock that goes backwards (it should not, but) still gives a valid timeline.
        run(FragmentTimeline.forFrameRate(FPS), 200, n -> at((int) n, FPS) - (n % 7 == 3 ? 80_000_000L : 0));
    }

    @Test
    void customMaximum() {
        FragmentTimeline timeline = new FragmentTimeline(FRAME, 2 * FRAME);
        List<SampleTiming> timings = new ArrayList<>();
        for (int n = 0; n < 50; n++) timings.add(timeline.next(at(n, FPS) + (n >= 10 ? 1_000_000_000L : 0)));
        checkInvariants(timings, 2 * FRAME);
        assertEquals(2 * FRAME, timings.get(10).duration());
        assertEquals(timings.get(49).decodeTime() + timings.get(49).duration(), timeline.decodeTime());
    }

    @Test
    void rejectsNonsense() {
        assertThrows(IllegalArgumentException.class, () -> new FragmentTimeline(0));
        assertThrows(IllegalArgumentException.class, () -> new FragmentTimeline(3000, 2000));
        assertThrows(IllegalArgumentException.class, () -> FragmentTimeline.forFrameRate(0));
        assertThrows(IllegalArgumentException.class, () -> FragmentTimeline.forFrameRate(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> new SampleTiming(0, 0));
        assertEquals(Math.round(FragmentTimeline.TIMESCALE * 1001 / 30000.0),
                FragmentTimeline.forFrameRate(30000 / 1001.0).next(0).duration(), "29.97 fps");
    }
}
