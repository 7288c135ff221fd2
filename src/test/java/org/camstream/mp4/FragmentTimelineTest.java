package org.camstream.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
    void aStallIsSkippedNotStretchedOverASampleAndTheRestRunAtNormalSpeed() {
        long stall = 5_000_000_000L;
        int stalledAt = 100;
        List<SampleTiming> timings = run(FragmentTimeline.forFrameRate(FPS), 400,
                n -> at((int) n, FPS) + (n >= stalledAt ? stall : 0));
        assertEquals(FRAME, timings.get(stalledAt).duration(), FRAME * 0.05, "the usual interval, the gap forgiven");
        assertTrue(timings.get(stalledAt).afterGap(), "and the sample says it follows a gap");
        for (int i = 0; i < timings.size(); i++) {
            assertEquals(i == stalledAt, timings.get(i).afterGap(), "sample " + i);
            assertEquals(FRAME, timings.get(i).duration(), FRAME * 0.05, "sample " + i);
        }
        // And the timeline runs in step with capture time again, the whole stall less: offsets stay constant.
        long offset = timings.get(stalledAt + 150).decodeTime() - ticks(at(stalledAt + 150, FPS) + stall - START);
        long laterOffset = timings.get(399).decodeTime() - ticks(at(399, FPS) + stall - START);
        assertEquals(offset, laterOffset, 2);
        assertEquals(-ticks(stall), offset, FRAME / 10, "the stall is left out of the timeline");
    }

    @Test
    void aLateFrameWithinTheMaximumIsCaughtUpNotForgiven() {
        // The camera's maximum at 30 fps is its HLS part target, 0.217 s: a frame 150 ms late is jitter.
        FragmentTimeline timeline = FragmentTimeline.forFrameRate(FPS, 19_530);
        List<SampleTiming> timings = new ArrayList<>();
        // Frame 50 comes 150 ms late, and the four after it in a burst right behind it.
        long late = at(50, FPS) + 150_000_000L;
        for (int n = 0; n < 100; n++) {
            timings.add(timeline.next(n >= 50 && n < 55 ? Math.max(at(n, FPS), late + (n - 50) * 1_000_000L) : at(n, FPS)));
        }
        checkInvariants(timings, 19_530);
        // Frame 50 lasts longer, the burst's frames shorter, and then the timeline is on capture time again:
        // nothing was given up.
        assertFalse(timings.stream().anyMatch(SampleTiming::afterGap));
        assertTrue(timings.get(50).duration() > 4 * FRAME, "the late frame lasts until its time: " + timings.get(50));
        // Each sample's lag is its capture time less its decode time: 150 ms for the late one.
        assertEquals(ticks(150_000_000L), timings.get(50).lag(), 2, "the late frame's lag");
        for (int i = 0; i < timings.size(); i++) {
            long captured = ticks((i >= 50 && i < 55 ? Math.max(at(i, FPS), late + (i - 50) * 1_000_000L) : at(i, FPS))
                    - START);
            assertEquals(captured, timings.get(i).decodeTime() + timings.get(i).lag(), 1, "sample " + i);
        }
        for (int i = 60; i < timings.size(); i++) {
            assertEquals(ticks(at(i, FPS) - START), timings.get(i).decodeTime(), FRAME / 10, "sample " + i);
        }
    }

    @Test
    void noSampleIsLongerThanTheMaximumWhateverTheGaps() {
        int max = 19_530; // 0.217 s
        FragmentTimeline timeline = FragmentTimeline.forFrameRate(FPS, max);
        Random random = new Random(7);
        List<SampleTiming> timings = new ArrayList<>();
        long t = START;
        for (int n = 0; n < 3000; n++) {
            // Mostly 30 fps with jitter, and now and then a stall of up to 2 s, or a camera that restarted.
            t += 33_333_333L + random.nextLong(-8_000_000, 8_000_000)
                    + (random.nextInt(100) == 0 ? random.nextLong(2_000_000_000L) : 0);
            timings.add(timeline.next(t));
        }
        checkInvariants(timings, max);
        assertTrue(timings.stream().anyMatch(SampleTiming::afterGap), "some gaps");
    }

    @Test
    void aNewMaximumTakesEffectAtTheNextSample() {
        FragmentTimeline timeline = FragmentTimeline.forFrameRate(FPS);
        for (int n = 0; n < 10; n++) timeline.next(at(n, FPS));
        SampleTiming stretched = timeline.next(at(10, FPS) + 300_000_000L);
        assertFalse(stretched.afterGap(), "300 ms late is within the default second");
        timeline.limit(19_530);
        SampleTiming skipped = timeline.next(at(11, FPS) + 600_000_000L);
        assertTrue(skipped.afterGap(), "300 ms more is not within 0.217 s");
        // The usual interval: the average, which the late frame before moved by a sixteenth of a frame.
        assertEquals(FRAME, skipped.duration(), FRAME * 0.1);
        assertThrows(IllegalArgumentException.class, () -> timeline.limit(0));
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
        assertEquals(FRAME, timings.get(10).duration(), "a gap: the usual interval");
        assertTrue(timings.get(10).afterGap());
        assertEquals(timings.get(49).decodeTime() + timings.get(49).duration(), timeline.decodeTime());
        assertEquals(FRAME, FragmentTimeline.forFrameRate(FPS, 1).next(0).duration(), "never less than a frame");
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
