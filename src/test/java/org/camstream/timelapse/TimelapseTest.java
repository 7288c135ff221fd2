package org.camstream.timelapse;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongConsumer;
import java.util.stream.Stream;
import org.camstream.process.Lease;
import org.camstream.record.RecordingStorage;
import org.camstream.record.Retention;
import org.camstream.stream.FanOut;
import org.camstream.stream.Frame;
import org.camstream.testing.ManualScheduler;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The timelapse's parts on a virtual clock ({@link ManualScheduler}), with a fake camera and, for the renders, a
 * fake ffmpeg: when stills are taken and when they are missed, what a stop and a full disk do, the retention by
 * age, size and free space, the render queue, the session names, and what a restart finds.
 */
class TimelapseTest {

    private static final ZoneId UTC = ZoneId.of("UTC");

    @TempDir
    Path data;

    private final ManualScheduler clock = new ManualScheduler();
    private final TestStorage storage = new TestStorage();
    private Retention.Limits limits = new Retention.Limits(Duration.ZERO, 0, 0);
    private final FakeFfmpeg ffmpeg = new FakeFfmpeg();

    private Timelapses timelapses(ManualScheduler on) {
        return new Timelapses(data, storage, () -> limits, on, on::execute, UTC, () -> nanos(on), ffmpeg);
    }

    private static long nanos(ManualScheduler on) {
        Instant now = on.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    // ---- session timing

    @Test
    void stillsAreTakenOnTheGridOfTheIntervalAndTheCameraIsLetGoOfBetween() throws IOException {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        Instant start = clock.now();
        TimelapseSession session = main.start(Duration.ofSeconds(2)).session();
        clock.advance(Duration.ofMillis(10_050));
        assertEquals(5, session.snapshot().stills(), "stills at 0.1, 2.1, 4.1, 6.1 and 8.1 s");
        assertEquals(1, camera.held.get(), "the still of 10 s waits for its picture");
        clock.advance(Duration.ofMillis(100));
        assertEquals(6, session.snapshot().stills());
        assertEquals(0, camera.held.get(), "no claim between stills");
        assertEquals(0, camera.pictures.subscriberCount(), "no subscription between stills");
        List<Duration> at = camera.acquiredAt.stream().map(i -> Duration.between(start, i)).toList();
        assertEquals(List.of(0L, 2000L, 4000L, 6000L, 8000L, 10000L), at.stream().map(Duration::toMillis).toList());
        for (int n = 1; n <= 6; n++) {
            assertTrue(Files.exists(session.dir().resolve(String.format("%06d.jpg", n))), "still " + n);
        }
        assertEquals(0, session.snapshot().missed());
        assertEquals(6L * FakeCamera.JPEG.length, session.snapshot().stillBytes());
        assertSame(session, main.start(null).session(), "starting again answers the running session");
    }

    @Test
    void aCameraThatDeliversNothingCountsMissedStillsAndSaysWhy() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, null);
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        Instant start = clock.now();
        TimelapseSession session = main.start(Duration.ofSeconds(2)).session();
        clock.advance(Duration.ofMillis(4_999));
        assertEquals(0, session.snapshot().missed(), "it waits " + TimelapseSession.PICTURE_WAIT);
        assertEquals(1, camera.held.get());
        clock.advance(Duration.ofMillis(1));
        TimelapseSession.Snapshot s = session.snapshot();
        assertEquals(1, s.missed());
        assertEquals(0, s.stills());
        assertTrue(s.lastError().contains("no live picture within 5 s"), s.lastError());
        assertTrue(s.lastError().contains("camera restarting: device busy"), "with the camera's trouble: "
                + s.lastError());
        assertEquals(0, camera.held.get(), "the claim is let go of");
        assertEquals(0, camera.pictures.subscriberCount());
        clock.advance(Duration.ofSeconds(1));
        assertEquals(2, camera.acquiredAt.size(), "the next still at the first slot after the wait, 6 s");
        assertEquals(6000, Duration.between(start, camera.acquiredAt.get(1)).toMillis());
        assertTrue(session.running(), "a missed still never ends a session");
    }

    @Test
    void aStalePictureOrTheLastStillsOwnIsNotTakenAgain() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, null);
        // The camera's latest picture is 10 s old: a camera that stopped.
        camera.pictures.publish(Frame.of(FakeCamera.JPEG.clone(), 1, 0, nanos(clock) - 10_000_000_000L, true));
        TimelapseSession session = t.camera("main", () -> Duration.ZERO, camera.source()).start(
                Duration.ofSeconds(10)).session();
        clock.advance(Duration.ofSeconds(5));
        assertEquals(0, session.snapshot().stills());
        assertEquals(1, session.snapshot().missed());
        // One live picture, then none: the second still must not be the first one again.
        clock.advance(Duration.ofSeconds(5));
        camera.pictures.publish(Frame.of(FakeCamera.JPEG.clone(), 2, 0, nanos(clock), true));
        clock.runDue();
        assertEquals(1, session.snapshot().stills());
        clock.advance(Duration.ofMillis(10_300)); // the still of 20 s sees the same latest picture, 0.3 s old
        assertEquals(1, session.snapshot().stills());
        clock.advance(Duration.ofSeconds(5));
        assertEquals(2, session.snapshot().missed());
    }

    @Test
    void aStopGivesUpTheStillItWaitsForAndTakesNoMore() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, null);
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        TimelapseSession session = main.start(Duration.ofSeconds(1)).session();
        clock.advance(Duration.ofSeconds(1));
        assertEquals(1, camera.held.get());
        assertSame(session, main.stop());
        clock.runDue(); // the files thread lets go of it, next in its queue
        assertEquals(0, camera.held.get(), "let go of at once");
        clock.advance(Duration.ofSeconds(30));
        assertEquals(1, camera.acquiredAt.size(), "no still after the stop");
        TimelapseSession.Snapshot s = session.snapshot();
        assertFalse(s.running());
        assertEquals(clock.now().minusSeconds(30), s.end());
        assertEquals(0, s.missed(), "the still given up is not a missed one");
        Map<String, Object> meta = SessionFiles.readMeta(session.dir());
        assertEquals(s.end().toString(), meta.get("end"));
        assertNull(main.stop(), "nothing left to stop");
    }

    @Test
    void aFullDiskFailsTheStillCleanlyAndTheSessionGoesOnWhenThereIsRoom() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        storage.failing = true;
        TimelapseSession session = t.camera("main", () -> Duration.ZERO, camera.source()).start(
                Duration.ofSeconds(2)).session();
        clock.advance(Duration.ofMillis(200));
        TimelapseSession.Snapshot s = session.snapshot();
        assertEquals(1, s.missed());
        assertTrue(s.lastError().contains("cannot write still 1") && s.lastError().contains("No space left"),
                s.lastError());
        assertFalse(Files.exists(session.still(1)), "no half-written still");
        assertEquals(0, camera.held.get());
        storage.failing = false;
        clock.advance(Duration.ofSeconds(2));
        assertEquals(1, session.snapshot().stills(), "taken again at the next interval");
        assertTrue(Files.exists(session.still(1)), "with the next number: no gap");
        // Under the free-space floor with nothing to delete: refused before it is written.
        limits = new Retention.Limits(Duration.ZERO, 0, 1L << 40);
        storage.capacity = 1 << 20;
        storage.root = data;
        clock.advance(Duration.ofSeconds(2));
        assertEquals(1, session.snapshot().stills());
        assertTrue(session.snapshot().lastError().contains("under record-min-free"), session.snapshot().lastError());
    }

    @Test
    void anIntervalChangeOrADayChangeOfTheContinuousSession() {
        Duration[] setting = {Duration.ofSeconds(30)};
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = t.camera("main", () -> setting[0], camera.source());
        List<TimelapseSession> running = main.running();
        assertEquals(1, running.size());
        TimelapseSession day = running.get(0);
        assertEquals("continuous-2026-12-01", day.id());
        assertTrue(day.continuous());
        clock.advance(Duration.ofSeconds(61));
        assertEquals(3, day.snapshot().stills());
        setting[0] = Duration.ofSeconds(5);
        main.apply();
        clock.advance(Duration.ofSeconds(11));
        assertEquals(6, day.snapshot().stills(), "a still at once, then every 5 s");
        // The manual session runs beside it.
        TimelapseSession printer = main.start(Duration.ofSeconds(1)).session();
        assertEquals(2, main.running().size());
        assertNotEquals(day, printer);
        main.stop();
        setting[0] = Duration.ofHours(1); // no need for a still every 5 s until midnight
        main.apply();
        // Midnight: the day's session ends, the next day's begins.
        Instant midnight = Instant.parse("2026-12-02T00:00:00Z");
        clock.advance(Duration.between(clock.now(), midnight).plusSeconds(2));
        assertFalse(day.running());
        assertEquals("the day ended", day.snapshot().endedBy());
        assertEquals("continuous-2026-12-02", main.running().get(0).id());
        setting[0] = Duration.ZERO;
        main.apply();
        assertTrue(main.running().isEmpty(), "timelapse-interval 0 ends it");
    }

    // ---- retention

    @Test
    void retentionByAgeDeletesFinishedSessionsButNeverARunningOne() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        CameraTimelapse yard = t.camera("yard", () -> Duration.ZERO, camera.source());
        TimelapseSession old = session(main, 3);
        TimelapseSession forever = yard.start(Duration.ofHours(1)).session(); // runs all along
        clock.advance(Duration.ofDays(2));
        TimelapseSession recent = session(main, 3);
        limits = new Retention.Limits(Duration.ofDays(1), 0, 0);
        TimelapseRetention.Report report = t.sweepNow();
        assertEquals(1, report.sessionsDeleted());
        assertFalse(Files.exists(old.dir()), "older than timelapse-keep");
        assertNull(t.session("main", old.id()));
        assertTrue(Files.exists(recent.dir()));
        assertTrue(Files.exists(forever.dir()), "running, however old");
        assertTrue(forever.snapshot().stills() > 1);
    }

    @Test
    void retentionBySizeDeletesTheOldestFirstAndKeepsARunningSessionsNewestStill() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        CameraTimelapse yard = t.camera("yard", () -> Duration.ZERO, camera.source());
        TimelapseSession first = session(yard, 3);
        clock.advance(Duration.ofSeconds(5));
        TimelapseSession second = session(main, 3);
        clock.advance(Duration.ofSeconds(5));
        TimelapseSession running = main.start(Duration.ofSeconds(1)).session();
        clock.advance(Duration.ofMillis(4_500));
        assertEquals(5, running.snapshot().stills());
        long still = FakeCamera.JPEG.length;
        limits = new Retention.Limits(Duration.ZERO, 9 * still, 0); // 11 stills: one session must go
        t.sweepNow();
        assertFalse(Files.exists(first.dir()), "the oldest, of every camera together");
        assertTrue(Files.exists(second.dir()));
        assertEquals(5, running.snapshot().stills());
        limits = new Retention.Limits(Duration.ZERO, 1, 0); // nothing fits
        TimelapseRetention.Report report = t.sweepNow();
        assertFalse(Files.exists(second.dir()));
        TimelapseSession.Snapshot s = running.snapshot();
        assertEquals(1, s.stills(), "a running session keeps its newest still");
        assertEquals(5, s.firstStill());
        assertEquals(4, report.stillsDeleted());
        assertTrue(Files.exists(running.still(5)));
        assertFalse(Files.exists(running.still(4)));
        clock.advance(Duration.ofMillis(1000));
        assertTrue(Files.exists(running.still(6)), "and goes on with its numbers");
    }

    @Test
    void theFreeSpaceFloorDeletesOnlyWhatIsNeededOldestFirst() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        TimelapseSession a = session(main, 2);
        clock.advance(Duration.ofSeconds(5));
        TimelapseSession b = session(main, 2);
        clock.advance(Duration.ofSeconds(5));
        TimelapseSession c = session(main, 2);
        long still = FakeCamera.JPEG.length;
        // A disk with room for 7 stills and 6 taken: 1 free. The floor asks for 3: one session must go.
        storage.capacity = 7 * still;
        storage.root = data;
        limits = new Retention.Limits(Duration.ZERO, 0, 3 * still);
        t.sweepNow();
        assertFalse(Files.exists(a.dir()));
        assertTrue(Files.exists(b.dir()), "once above the floor, nothing more goes");
        assertTrue(Files.exists(c.dir()));
    }

    private TimelapseSession session(CameraTimelapse camera, int stills) {
        TimelapseSession session = camera.start(Duration.ofSeconds(1)).session();
        clock.advance(Duration.ofMillis(1000L * (stills - 1) + 500));
        assertEquals(stills, session.snapshot().stills());
        camera.stop();
        clock.runDue();
        return session;
    }

    // ---- renders

    @Test
    void rendersRunOneAtATimeQueueUpToTheBoundAndCancel() throws IOException {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        List<TimelapseSession> sessions = new ArrayList<>();
        for (int i = 0; i < 11; i++) {
            sessions.add(session(main, 2));
        }
        RenderQueue queue = t.renders();
        RenderQueue.Submitted first = queue.submit(sessions.get(0), 10);
        assertTrue(first.accepted());
        clock.runDue();
        assertEquals(RenderQueue.State.RENDERING, queue.status(sessions.get(0)).state());
        List<String> command = ffmpeg.commands.get(0);
        String dir = sessions.get(0).dir().toAbsolutePath().toString();
        int ffmpegAt = command.indexOf("ffmpeg");
        assertEquals(List.of("ffmpeg", "-nostdin"), command.subList(ffmpegAt, ffmpegAt + 2));
        assertEquals(Files.isExecutable(RenderCommand.NICE)
                ? List.of(RenderCommand.NICE.toString(), "-n", "10") : List.of(), command.subList(0, ffmpegAt),
                "under nice where the system has it");
        assertTrue(String.join(" ", command).contains("-f image2pipe -framerate 10 -i pipe:0"
                + " -frames:v 2 -vf scale=320:240 -c:v libx264"), String.join(" ", command));
        assertTrue(String.join(" ", command).contains(" -threads 2 "), String.join(" ", command));
        assertEquals(dir + "/" + SessionFiles.PARTIAL, command.get(command.size() - 1));
        assertEquals(1, command.stream().filter(a -> a.contains(dir)).count(), "the stills come from the server, "
                + "not from the disk: the session's directory is in the command only as the output's");
        assertEquals(new RenderCommand.Stills(sessions.get(0).dir(), 1, 2), ffmpeg.stills.get(0),
                "exactly the session's stills");
        assertTrue(queue.submit(sessions.get(0), 10).already(), "the same session: the render that runs");
        for (int i = 1; i <= RenderQueue.MAX_WAITING; i++) {
            RenderQueue.Submitted queued = queue.submit(sessions.get(i), 30);
            assertTrue(queued.accepted());
            assertEquals(RenderQueue.State.QUEUED, queued.status().state());
            assertEquals(i, queued.status().queuePosition());
        }
        assertFalse(queue.submit(sessions.get(9), 30).accepted(), "the queue is full");
        assertEquals(1, ffmpeg.commands.size(), "one ffmpeg, whatever waits");
        assertEquals(RenderQueue.State.CANCELLED, queue.cancel(sessions.get(4)).state());
        assertEquals(4, queue.status(sessions.get(5)).queuePosition(), "the ones behind move up");
        assertTrue(queue.submit(sessions.get(9), 30).accepted(), "room again");

        // Progress, then success: the partial file becomes the video, and the next render starts.
        ffmpeg.frames.get(0).accept(1);
        assertEquals(0.5, queue.status(sessions.get(0)).progress());
        Files.write(sessions.get(0).dir().resolve(SessionFiles.PARTIAL), new byte[1234]);
        ffmpeg.runs.get(0).failure.complete(null);
        clock.runDue();
        assertEquals(RenderQueue.State.DONE, queue.status(sessions.get(0)).state());
        assertEquals(1234, Files.size(sessions.get(0).video()));
        assertFalse(Files.exists(sessions.get(0).dir().resolve(SessionFiles.PARTIAL)));
        assertEquals(1234, sessions.get(0).snapshot().videoBytes());
        assertEquals(10, sessions.get(0).snapshot().videoFps());
        assertEquals(2, ffmpeg.commands.size());

        // A cancel kills ffmpeg; the next waits until it has ended, and its partial file is deleted.
        Files.write(sessions.get(1).dir().resolve(SessionFiles.PARTIAL), new byte[99]);
        assertEquals(RenderQueue.State.CANCELLED, queue.cancel(sessions.get(1)).state());
        assertTrue(ffmpeg.runs.get(1).killed);
        clock.runDue();
        assertEquals(2, ffmpeg.commands.size(), "not before the killed one has ended");
        assertTrue(t.renders().busy(sessions.get(1)));
        ffmpeg.runs.get(1).failure.complete("ffmpeg was killed by signal 9");
        clock.runDue();
        assertFalse(Files.exists(sessions.get(1).dir().resolve(SessionFiles.PARTIAL)), "the partial file is gone");
        assertFalse(Files.exists(sessions.get(1).video()));
        assertEquals(RenderQueue.State.CANCELLED, queue.status(sessions.get(1)).state());
        assertEquals(3, ffmpeg.commands.size());

        // A failure says why.
        ffmpeg.runs.get(2).failure.complete("ffmpeg exited with status 1: Conversion failed!");
        clock.runDue();
        RenderQueue.Status failed = queue.status(sessions.get(2));
        assertEquals(RenderQueue.State.FAILED, failed.state());
        assertTrue(failed.error().contains("Conversion failed!"));
        assertEquals(1, ffmpeg.maxAtOnce, "never two at once");

        ffmpeg.endOnKill = true;
        t.close();
        assertTrue(ffmpeg.runs.get(ffmpeg.runs.size() - 1).killed, "the render that runs is killed at close");
    }

    @Test
    void theRenderFeedsExactlyTheSessionsStillsInOrderThroughStandardInputAndThenClosesIt() throws Exception {
        Path dir = Files.createDirectories(data.resolve("feed"));
        java.util.Random random = new java.util.Random(7);
        java.io.ByteArrayOutputStream expected = new java.io.ByteArrayOutputStream();
        for (int n = 2; n <= 8; n++) {
            // Larger than the feed's buffer and not a multiple of it, so that a still goes in several writes.
            byte[] bytes = new byte[RenderProcess.FEED_BUFFER * (n % 3) + 1000 + n];
            random.nextBytes(bytes);
            Files.write(SessionFiles.still(dir, n), bytes);
            if (n >= 3 && n <= 7) {
                expected.write(bytes);
            }
        }
        Path out = data.resolve("fed.bin");
        // dd copies its standard input to the file and ends only at the end of that input.
        RenderProcess run = RenderProcess.start(List.of("dd", "of=" + out, "status=none"),
                new RenderCommand.Stills(dir, 3, 5), frames -> { }, clock);
        assertNull(run.failure().get(20, java.util.concurrent.TimeUnit.SECONDS), "ended by the end of its input");
        assertTrue(java.util.Arrays.equals(expected.toByteArray(), Files.readAllBytes(out)),
                "stills 3 to 7, whole and in order, and neither 2 nor 8");

        // A process that stops reading ends the feed, which neither hangs nor fails the render by itself.
        RenderProcess early = RenderProcess.start(List.of("head", "-c", "10"), new RenderCommand.Stills(dir, 2, 7),
                frames -> { }, clock);
        assertNull(early.failure().get(20, java.util.concurrent.TimeUnit.SECONDS));
    }

    @Test
    void theRenderCommandReadsStandardInputAndRunsNicedWhenItCan() {
        Path out = data.resolve("video.mp4.part");
        List<String> plain = RenderCommand.of(5, 30, new int[] {641, 481}, out, null);
        assertEquals("ffmpeg", plain.get(0));
        String line = String.join(" ", plain);
        assertTrue(line.contains("-f image2pipe -framerate 30 -i pipe:0 -frames:v 5 -vf scale=640:480 "), line);
        assertTrue(line.contains("-c:v libx264 -preset veryfast -threads 2 "), line);
        assertFalse(line.contains("%"), "no image sequence pattern: " + line);
        List<String> niced = RenderCommand.of(5, 30, null, out, Path.of("/usr/bin/nice"));
        assertEquals(List.of("/usr/bin/nice", "-n", "10", "ffmpeg"), niced.subList(0, 4));
        assertFalse(String.join(" ", niced).contains("scale="), "no size, no scaling");
        assertEquals(out.toAbsolutePath().toString(), niced.get(niced.size() - 1));
    }

    @Test
    void aRunningSessionIsNotDeletedNorOneBeingRendered() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        TimelapseSession done = session(main, 2);
        TimelapseSession running = main.start(Duration.ofSeconds(1)).session();
        assertEquals(Timelapses.Deletion.RUNNING, t.deleteNow(running));
        t.renders().submit(done, 30);
        clock.runDue();
        assertEquals(Timelapses.Deletion.RENDERING, t.deleteNow(done));
        limits = new Retention.Limits(Duration.ZERO, 1, 0);
        t.sweepNow();
        assertTrue(Files.exists(done.dir()), "the retention leaves the session being rendered alone");
        t.renders().cancel(done);
        ffmpeg.runs.get(0).failure.complete("killed");
        clock.runDue();
        assertEquals(Timelapses.Deletion.DELETED, t.deleteNow(done));
        assertFalse(Files.exists(done.dir()));
    }

    // ---- names

    @Test
    void sessionNamesAreOneFixedPatternAndNothingElse() {
        for (String good : List.of("2026-12-07T10-15-30", "2026-12-07T10-15-30-2", "2026-12-07T10-15-30-99",
                "continuous-2026-12-07")) {
            assertTrue(SessionIds.valid(good), good);
        }
        for (String bad : List.of("", "..", ".", "%2e%2e", "../2026-12-07T10-15-30", "2026-12-07T10-15-30/..",
                "/etc/passwd", "2026-12-07T10-15-30%2f..", "2026-12-07T10:15:30", "2026-13-07T10-15-30",
                "2026-12-07T25-15-30", "2026-12-07T10-15-30-0", "2026-12-07T10-15-30-100", "continuous-2026-12-32",
                "continuous-", "CONTINUOUS-2026-12-07", "2026-12-07t10-15-30", "２０２６-12-07T10-15-30",
                "2026-12-07T10-15-30\u0000", "2026-12-07T10-15-30 ", "start", "stop", "render")) {
            assertFalse(SessionIds.valid(bad), bad);
        }
        assertFalse(SessionIds.validCamera("../main"));
        assertFalse(SessionIds.validCamera("Main"));
        assertTrue(SessionIds.validCamera("main-2"));
        Instant now = Instant.parse("2026-12-07T10:15:30.700Z");
        assertEquals("2026-12-07T10-15-30", SessionIds.manual(now, UTC, id -> false));
        assertEquals("2026-12-07T11-15-30", SessionIds.manual(now, ZoneId.of("Europe/Berlin"), id -> false),
                "in the server's zone");
        assertEquals("2026-12-07T10-15-30-3", SessionIds.manual(now, UTC,
                id -> id.equals("2026-12-07T10-15-30") || id.equals("2026-12-07T10-15-30-2")));
        assertNull(SessionIds.manual(now, UTC, id -> true), "at most 99 a second");
        assertEquals("continuous-2026-12-07", SessionIds.continuous(now, UTC));
        Timelapses t = timelapses(clock);
        assertNull(t.session("main", ".."));
        assertNull(t.session("..", "2026-12-07T10-15-30"));
    }

    @Test
    void twoSessionsStartedInOneSecondGetTwoNames() {
        Timelapses t = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = t.camera("main", () -> Duration.ZERO, camera.source());
        TimelapseSession a = main.start(Duration.ofSeconds(1)).session();
        main.stop();
        TimelapseSession b = main.start(Duration.ofSeconds(1)).session();
        assertEquals("2026-12-01T09-00-00", a.id());
        assertEquals("2026-12-01T09-00-00-2", b.id());
    }

    // ---- restart

    @Test
    void aRestartEndsTheSessionsThatRanAndTheContinuousOneGoesOn() throws IOException {
        Timelapses before = timelapses(clock);
        FakeCamera camera = new FakeCamera(clock, Duration.ofMillis(100));
        CameraTimelapse main = before.camera("main", () -> Duration.ofSeconds(1), camera.source());
        TimelapseSession printer = main.start(Duration.ofSeconds(1)).session();
        clock.advance(Duration.ofMillis(2_500));
        TimelapseSession day = main.running().get(1);
        assertEquals(3, printer.snapshot().stills());
        assertEquals(3, day.snapshot().stills());
        Files.write(printer.dir().resolve(SessionFiles.PARTIAL), new byte[10]); // a render the crash cut short

        // The server dies: nothing is ended. A new one starts on the same directory.
        ManualScheduler later = new ManualScheduler();
        later.advance(Duration.ofSeconds(60));
        Timelapses after = timelapses(later);
        TimelapseSession found = after.session("main", printer.id());
        assertNotNull(found);
        TimelapseSession.Snapshot s = found.snapshot();
        assertFalse(s.running());
        assertNotNull(s.end());
        assertTrue(s.endedBy().contains("server stopped"), s.endedBy());
        assertEquals(3, s.stills());
        assertEquals(1, s.firstStill());
        assertFalse(Files.exists(printer.dir().resolve(SessionFiles.PARTIAL)), "the partial render is deleted");
        assertNotNull(SessionFiles.readMeta(printer.dir()).get("end"), "and the end written");

        FakeCamera again = new FakeCamera(later, Duration.ofMillis(100));
        CameraTimelapse resumed = after.camera("main", () -> Duration.ofSeconds(1), again.source());
        TimelapseSession continuous = resumed.running().get(0);
        assertEquals(day.id(), continuous.id());
        later.advance(Duration.ofMillis(200));
        assertEquals(4, continuous.snapshot().stills(), "the continuous session goes on");
        assertTrue(Files.exists(continuous.still(4)));
        assertTrue(resumed.start(null).created(), "the printer's session is not resumed: a new one starts");
    }

    // ---- fakes

    /** A camera that delivers one live picture {@code delay} after each claim, or none when null. */
    private static final class FakeCamera {
        /** A JPEG's start: SOI and a frame header of 320x240, enough for the render's size. */
        static final byte[] JPEG = jpeg();

        final FanOut<Frame> pictures = new FanOut<>();
        final AtomicInteger held = new AtomicInteger();
        final List<Instant> acquiredAt = new ArrayList<>();
        private final ManualScheduler clock;
        private final Duration delay;
        private final AtomicLong sequence = new AtomicLong(100);

        FakeCamera(ManualScheduler clock, Duration delay) {
            this.clock = clock;
            this.delay = delay;
        }

        StillSource source() {
            return new StillSource(this::acquire, pictures, () -> 1_000_000_000L, () -> "camera restarting: device busy");
        }

        private Lease acquire() {
            held.incrementAndGet();
            acquiredAt.add(clock.now());
            if (delay != null) {
                clock.schedule(delay, () -> pictures.publish(Frame.of(JPEG.clone(), sequence.incrementAndGet(), 0,
                        nanos(clock), true)));
            }
            boolean[] closed = {false};
            return () -> {
                if (!closed[0]) {
                    closed[0] = true;
                    held.decrementAndGet();
                }
            };
        }

        private static byte[] jpeg() {
            byte[] header = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, (byte) 0xc0, 0x00, 0x11, 0x08, 0x00, (byte) 0xf0,
                    0x01, 0x40, 0x03};
            byte[] jpeg = new byte[2000];
            System.arraycopy(header, 0, jpeg, 0, header.length);
            jpeg[jpeg.length - 2] = (byte) 0xff;
            jpeg[jpeg.length - 1] = (byte) 0xd9;
            return jpeg;
        }
    }

    /** The disk, which can be made full, and whose free space can be made what a test needs. */
    private static final class TestStorage implements RecordingStorage {
        private final RecordingStorage disk = RecordingStorage.disk();
        volatile boolean failing;
        volatile long capacity = -1;
        volatile Path root;

        @Override
        public Output create(Path file) throws IOException {
            if (failing && file.getFileName().toString().endsWith(".jpg")) {
                throw new IOException("No space left on device");
            }
            return disk.create(file);
        }

        @Override
        public long usableSpace(Path directory) throws IOException {
            if (capacity < 0) {
                return Long.MAX_VALUE;
            }
            long used = 0;
            try (Stream<Path> files = Files.walk(root)) {
                for (Path file : files.filter(f -> f.toString().endsWith(".jpg")).toList()) {
                    used += Files.size(file);
                }
            }
            return capacity - used;
        }

        @Override
        public void delete(Path file) throws IOException {
            disk.delete(file);
        }
    }

    /** ffmpeg as the test says: it ends when the test completes its run, or at once when killed. */
    private static final class FakeFfmpeg implements RenderQueue.Launcher {
        final List<List<String>> commands = new ArrayList<>();
        final List<RenderCommand.Stills> stills = new ArrayList<>();
        final List<LongConsumer> frames = new ArrayList<>();
        final List<FakeRun> runs = new ArrayList<>();
        int atOnce;
        int maxAtOnce;
        volatile boolean endOnKill;

        @Override
        public RenderQueue.Run start(List<String> command, RenderCommand.Stills input, LongConsumer progress) {
            commands.add(command);
            stills.add(input);
            frames.add(progress);
            FakeRun run = new FakeRun(this);
            runs.add(run);
            atOnce++;
            maxAtOnce = Math.max(maxAtOnce, atOnce);
            run.failure.whenComplete((f, e) -> atOnce--);
            return run;
        }
    }

    private static final class FakeRun implements RenderQueue.Run {
        final CompletableFuture<String> failure = new CompletableFuture<>();
        final FakeFfmpeg ffmpeg;
        volatile boolean killed;

        FakeRun(FakeFfmpeg ffmpeg) {
            this.ffmpeg = ffmpeg;
        }

        @Override
        public CompletableFuture<String> failure() {
            return failure;
        }

        @Override
        public void kill() {
            killed = true; // the test says when it has ended, unless it asked for an end at once
            if (ffmpeg.endOnKill) {
                failure.complete("ffmpeg was killed by signal 9");
            }
        }
    }
}
