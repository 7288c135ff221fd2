package org.camstream.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Placing sound frames by their capture times, on a virtual clock: drift, loss and late frames. */
class AudioTimelineTest {

    private static final byte[] SILENCE = {0x01, 0x18, 0x20, 0x07};
    private static final byte[] SOUND = {0x21, 0x22};
    private static final long VIDEO_NANOS = 33_333_333;

    /** Runs {@code seconds} of 30 fps pictures and a sound card whose clock is {@code ppm} fast. */
    private static List<long[]> run(double seconds, double ppm, long soundUntilNanos, AudioTimeline timeline) {
        FragmentTimeline video = FragmentTimeline.forFrameRate(30);
        long audioNanos = Math.round(1024e9 / 48_000 / (1 + ppm / 1e6));
        List<long[]> placed = new ArrayList<>(); // {capture nanos, audio ticks}
        long nextAudio = 0;
        for (long v = 0; v < seconds * 1e9; v += VIDEO_NANOS) {
            List<AudioSample> arrived = new ArrayList<>();
            for (; nextAudio + audioNanos <= v && nextAudio < soundUntilNanos; nextAudio += audioNanos) {
                arrived.add(new AudioSample(SOUND, nextAudio, nextAudio / 1000));
            }
            SampleTiming timing = video.next(v);
            AudioRun run = timeline.place(arrived, video, timing, v / 1000, v);
            if (run == null) continue;
            long at = run.decodeTime();
            int real = 0;
            for (byte[] sample : run.samples()) {
                if (sample == SOUND) {
                    placed.add(new long[] {arrived.get(real++).captureNanos(), at});
                }
                at += 1024;
            }
        }
        return placed;
    }

    @Test
    void soundStaysWithinHalfAFrameOfItsCaptureTimeWhateverTheSoundCardsClock() {
        for (double ppm : new double[] {0, 300, -300, 2000, -2000}) {
            AudioTimeline timeline = new AudioTimeline(48_000, SILENCE, 400_000_000L);
            List<long[]> placed = run(60, ppm, Long.MAX_VALUE, timeline);
            assertTrue(placed.size() > 2700, "placed " + placed.size());
            double worst = 0;
            for (long[] p : placed.subList(5, placed.size())) {
                double errorMs = (p[1] / 48_000.0 - p[0] / 1e9) * 1000;
                worst = Math.max(worst, Math.abs(errorMs));
            }
            assertTrue(worst <= 10.7 + 0.1, ppm + " ppm: worst " + worst + " ms");
            if (Math.abs(ppm) >= 2000) {
                assertTrue(timeline.dropped() + timeline.filled() >= 5, ppm + " ppm needs corrections: "
                        + timeline.dropped() + " dropped, " + timeline.filled() + " filled");
            }
        }
    }

    @Test
    void lostSoundIsFilledWithSilenceUpToEachPictureAndResumesInPlace() {
        AudioTimeline timeline = new AudioTimeline(48_000, SILENCE, 400_000_000L);
        FragmentTimeline video = FragmentTimeline.forFrameRate(30);
        long nextTicks = -1;
        long audio = 0;
        for (long v = 0; v < 10e9; v += VIDEO_NANOS) {
            boolean soundOn = v < 3e9 || v > 6e9; // the microphone is away from 3 s to 6 s
            List<AudioSample> arrived = new ArrayList<>();
            for (; audio + 21_333_333 <= v; audio += 21_333_333) {
                if (soundOn) arrived.add(new AudioSample(SOUND, audio, audio / 1000));
            }
            SampleTiming timing = video.next(v);
            AudioRun run = timeline.place(arrived, video, timing, v / 1000, v);
            if (v > 3.5e9 && v < 6e9) {
                // Lost: every picture's fragment carries silence up to the picture's end.
                assertTrue(run != null && run.samples().stream().allMatch(s -> java.util.Arrays.equals(s, SILENCE)), "silence at " + v + ": " + run);
                long end = run.decodeTime() + 1024L * run.samples().size();
                long videoEnd = (timing.decodeTime() + timing.duration()) * 48_000 / 90_000;
                assertTrue(videoEnd - end < 1024 && end <= videoEnd, "filled to " + end + " of " + videoEnd);
            }
            if (run != null) {
                if (nextTicks >= 0) assertEquals(nextTicks, run.decodeTime(), "no hole, no overlap, at " + v);
                nextTicks = run.decodeTime() + 1024L * run.samples().size();
            }
        }
        assertTrue(timeline.filled() > 100, "filled " + timeline.filled());
    }

    @Test
    void soundThatArrivesLateForItsPlaceIsDroppedNotPiledUp() {
        AudioTimeline timeline = new AudioTimeline(48_000, SILENCE, 400_000_000L);
        FragmentTimeline video = FragmentTimeline.forFrameRate(30);
        SampleTiming first = video.next(0);
        assertEquals(1, timeline.place(List.of(), video, first, 0, 0).samples().size(), "silence until sound comes");
        // A frame captured before the first picture has no place on the track.
        SampleTiming second = video.next(VIDEO_NANOS);
        assertNull(timeline.place(List.of(new AudioSample(SOUND, -50_000_000, 0)), video, second, 0, VIDEO_NANOS));
        assertEquals(1, timeline.dropped());
    }
}
