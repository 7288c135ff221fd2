package org.camstream.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.camstream.config.CameraSettings;
import org.camstream.process.ChildProcess;
import org.camstream.process.Launcher;
import org.camstream.process.Lease;
import org.camstream.process.ProcessState;
import org.camstream.process.RestartPolicy;
import org.camstream.process.SampleListener;
import org.camstream.process.StartException;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

/**
 * The supervisor's state machine on a virtual clock, with captures that are plain objects the test drives:
 * start, idle stop, crash and restart, backoff, a busy camera, and stops that come while a start is under way.
 */
class CaptureSupervisorTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final FakeCaptures factory = new FakeCaptures();
    private final RecordingSink sink = new RecordingSink();
    private final AtomicReference<CameraSettings> settings = new AtomicReference<>(CameraSettings.builder().build());
    private final AtomicReference<Duration> idleStop = new AtomicReference<>(Duration.ofSeconds(10));
    private final CaptureSupervisor supervisor = new CaptureSupervisor("camera", factory, settings::get, idleStop::get, sink,
            scheduler, RestartPolicy.standard(), new AtomicLong());

    @Test
    void theFirstLeaseStartsTheProcessOnTheSchedulerAndTheFirstPictureMakesItRunning() {
        assertEquals(ProcessState.IDLE, supervisor.state());
        Lease lease = supervisor.acquire();
        assertEquals(ProcessState.STARTING, supervisor.state());
        assertEquals(0, factory.starts.size(), "the process starts on the scheduler, not on the viewer's thread");

        scheduler.runDue();
        assertEquals(1, factory.starts.size());
        assertEquals(ProcessState.STARTING, supervisor.state());

        factory.last().picture(true);
        assertEquals(ProcessState.RUNNING, supervisor.state());
        assertEquals(1, sink.frames.size());
        assertEquals(scheduler.now(), supervisor.status().since());

        supervisor.acquire();
        scheduler.runDue();
        assertEquals(1, factory.starts.size(), "a second viewer shares the process");
        lease.close();
        lease.close();
        assertEquals(1, supervisor.leases(), "closing a lease twice releases it once");
    }

    @Test
    void theProcessStopsTheIdleTimeAfterTheLastViewerLeftAndNotBefore() {
        Lease lease = runningWithOneViewer();
        FakeCapture capture = factory.last();
        lease.close();

        scheduler.advance(Duration.ofMillis(9_900));
        assertFalse(capture.stopRequested, "still within the idle time");

        Lease back = supervisor.acquire();
        scheduler.advance(Duration.ofSeconds(20));
        assertFalse(capture.stopRequested, "a viewer who came back called the stop off");

        back.close();
        scheduler.advance(Duration.ofSeconds(10));
        assertTrue(capture.stopRequested);
        assertEquals(ProcessState.STOPPING, supervisor.state());
        capture.end("ffmpeg exited with status 0");
        assertEquals(ProcessState.IDLE, supervisor.state());
        assertEquals(1, sink.stops.get(), "the sink forgets the last picture");
        assertNull(supervisor.status().lastError(), "a stop on purpose is no error");
    }

    @Test
    void aProcessThatDeliveredPicturesIsRestartedSoonEveryTime() {
        runningWithOneViewer();
        for (int crash = 1; crash <= 8; crash++) {
            factory.last().end("ffmpeg was killed by signal 9");
            CaptureStatus status = supervisor.status();
            assertEquals(ProcessState.RESTARTING, status.state());
            assertEquals(Duration.ofMillis(500), Duration.between(scheduler.now(), status.retryAt()),
                    "crash " + crash + " waits as long as the first");
            assertTrue(status.lastError().message().contains("killed by signal 9"), status.lastError().message());
            scheduler.advance(Duration.ofMillis(500));
            assertEquals(crash + 1, factory.starts.size());
            factory.last().picture(true);
            assertEquals(ProcessState.RUNNING, supervisor.state());
        }
        assertEquals(8, supervisor.status().restarts());
    }

    @Test
    void aProcessThatFailsBeforeItsFirstPictureBacksOffUpToThirtySeconds() {
        supervisor.acquire();
        scheduler.runDue();
        List<Long> delays = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            factory.last().end("ffmpeg exited with status 1");
            Instant retry = supervisor.status().retryAt();
            delays.add(Duration.between(scheduler.now(), retry).toMillis());
            scheduler.advance(Duration.between(scheduler.now(), retry));
        }
        assertEquals(List.of(1_000L, 2_000L, 4_000L, 8_000L, 16_000L, 30_000L, 30_000L, 30_000L), delays);

        factory.last().picture(true);
        factory.last().end("ffmpeg exited with status 1");
        assertEquals(Duration.ofMillis(500), Duration.between(scheduler.now(), supervisor.status().retryAt()),
                "pictures end the backoff");
        scheduler.advance(Duration.ofMillis(500));
        factory.last().end("ffmpeg exited with status 1");
        assertEquals(Duration.ofSeconds(1), Duration.between(scheduler.now(), supervisor.status().retryAt()),
                "and a failure after that starts it afresh");
    }

    @Test
    void aBusyCameraWaitsTheLongestAtOnce() {
        supervisor.acquire();
        scheduler.runDue();
        FakeCapture busy = factory.last();
        busy.persistent = true;
        busy.end("rpicam-vid exited with status 255: the camera is in use by another process");
        assertEquals(Duration.ofSeconds(30), Duration.between(scheduler.now(), supervisor.status().retryAt()));
        scheduler.advance(Duration.ofSeconds(29));
        assertEquals(1, factory.starts.size(), "no restart storm");
        scheduler.advance(Duration.ofSeconds(1));
        assertEquals(2, factory.starts.size());
    }

    @Test
    void settingsThatCannotMakeAProcessAreReportedAndRetriedSlowly() {
        factory.refusal = "the input file /nope.mp4 does not exist";
        supervisor.acquire();
        scheduler.runDue();
        CaptureStatus status = supervisor.status();
        assertEquals(ProcessState.RESTARTING, status.state());
        assertEquals("the input file /nope.mp4 does not exist", status.lastError().message());
        assertEquals(scheduler.now(), status.lastError().at());
        assertEquals(Duration.ofSeconds(30), Duration.between(scheduler.now(), status.retryAt()));
    }

    @Test
    void theErrorIsHistoryOnceTheCameraRunsAgain() {
        runningWithOneViewer();
        Instant crashedAt = scheduler.now();
        factory.last().end("ffmpeg was killed by signal 9");
        scheduler.advance(Duration.ofMillis(500));
        assertNotNull(supervisor.status().lastError(), "still current while the new process starts");
        Instant backAt = scheduler.now();
        factory.last().picture(true);
        CaptureStatus status = supervisor.status();
        assertNull(status.lastError());
        assertEquals("ffmpeg was killed by signal 9", status.previousError().message());
        assertEquals(crashedAt, status.previousError().at());
        assertEquals(backAt, status.previousError().recoveredAt(), "the error says when the camera came back");
        assertTrue(backAt.isAfter(crashedAt));
    }

    @Test
    void anIdleStopThatComesWhileTheProcessIsStillBeingStartedStopsItOnceItExists() {
        idleStop.set(Duration.ZERO);
        supervisor.acquire().close(); // the viewer leaves before the process was even launched
        scheduler.runDue();
        assertEquals(1, factory.starts.size());
        FakeCapture capture = factory.last();
        assertTrue(capture.stopRequested, "stopped as soon as it was started");
        capture.end("ffmpeg exited with status 255");
        assertEquals(ProcessState.IDLE, supervisor.state());
        assertNull(supervisor.status().lastError());
    }

    @Test
    void closingWhileAStartIsDueStartsNothingAndLeavesNoProcess() {
        supervisor.acquire();
        supervisor.close();
        scheduler.runDue();
        assertEquals(0, factory.starts.size());
        assertEquals(ProcessState.CLOSED, supervisor.state());
    }

    @Test
    void closingStopsTheRunningProcessAndWaitsForIt() throws Exception {
        runningWithOneViewer();
        FakeCapture capture = factory.last();
        capture.endOnStop = true;
        supervisor.close();
        assertTrue(capture.stopRequested);
        assertTrue(capture.exit.isDone());
        assertEquals(ProcessState.CLOSED, supervisor.state());
    }

    @Test
    void newSettingsRestartTheProcessWithThemAndViewersStay() {
        runningWithOneViewer();
        FakeCapture old = factory.last();
        settings.set(settings.get().toBuilder().size(640, 480).build());
        supervisor.restart();
        assertTrue(old.stopRequested);
        old.end("ffmpeg exited with status 255");
        scheduler.runDue();
        assertEquals(2, factory.starts.size());
        assertEquals(640, factory.startedWith.get(1).width());
        assertNull(supervisor.status().lastError(), "a restart on purpose is no error");
        assertEquals(0, supervisor.status().restarts());
    }

    @Test
    void anOldProcessCannotPublishOrEndTheNewOne() {
        runningWithOneViewer();
        FakeCapture old = factory.last();
        supervisor.restart();
        old.end("ffmpeg exited with status 255");
        scheduler.runDue();
        int frames = sink.frames.size();
        old.picture(true);
        assertEquals(frames, sink.frames.size(), "a late picture of the old process is dropped");
        old.end("again");
        assertEquals(ProcessState.STARTING, supervisor.state());
    }

    /**
     * The rule of the package: nothing is called while the supervisor holds its lock. A sink that, when told
     * the camera stopped, asks the supervisor something from another thread and waits for the answer would
     * deadlock if it were called with the lock held (as it once was).
     */
    @Test
    void theSinkIsToldOfAStopWithoutTheSupervisorsLockHeld() {
        AtomicBoolean answered = new AtomicBoolean(true);
        sink.onStop = () -> answered.set(askFromAnotherThread(supervisor::leases));
        runningWithOneViewer();
        factory.last().end("ffmpeg was killed by signal 9");
        assertEquals(1, sink.stops.get());
        assertTrue(answered.get(), "another thread could use the supervisor while the sink was called");
    }

    @Test
    void aViewerMayLeaveFromInsideAFrameCallback() {
        Lease lease = runningWithOneViewer();
        AtomicBoolean answered = new AtomicBoolean();
        sink.onFrame = () -> {
            lease.close(); // as a viewer whose socket failed while being offered a picture
            answered.set(askFromAnotherThread(supervisor::status));
        };
        factory.last().picture(false);
        assertTrue(answered.get());
        assertEquals(0, supervisor.leases());
    }

    private Lease runningWithOneViewer() {
        Lease lease = supervisor.acquire();
        scheduler.runDue();
        factory.last().picture(true);
        assertEquals(ProcessState.RUNNING, supervisor.state());
        return lease;
    }

    /** Whether another thread gets an answer within a second; false means a lock was held. */
    private static boolean askFromAnotherThread(java.util.function.Supplier<?> question) {
        CompletableFuture<Object> answer = CompletableFuture.supplyAsync(question::get);
        try {
            answer.get(1, TimeUnit.SECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    private static final class FakeCaptures implements Launcher {
        final List<FakeCapture> starts = new CopyOnWriteArrayList<>();
        final List<CameraSettings> startedWith = new CopyOnWriteArrayList<>();
        String refusal;

        @Override
        public ChildProcess start(CameraSettings settings, SampleListener listener) throws StartException {
            if (refusal != null) {
                throw new StartException(refusal);
            }
            FakeCapture capture = new FakeCapture(listener);
            starts.add(capture);
            startedWith.add(settings);
            return capture;
        }

        FakeCapture last() {
            return starts.get(starts.size() - 1);
        }
    }

    private static final class FakeCapture implements ChildProcess {
        final SampleListener listener;
        final CompletableFuture<String> exit = new CompletableFuture<>();
        volatile boolean stopRequested;
        volatile boolean endOnStop;
        volatile boolean persistent;

        FakeCapture(SampleListener listener) {
            this.listener = listener;
        }

        void picture(boolean keyframe) {
            listener.onSample(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xD9}, keyframe);
        }

        void end(String how) {
            exit.complete(how);
        }

        @Override
        public void stop() {
            stopRequested = true;
            if (endOnStop) {
                exit.complete("stopped");
            }
        }

        @Override
        public CompletableFuture<String> exit() {
            return exit;
        }

        @Override
        public void kill() {
            exit.complete("killed");
        }

        @Override
        public OptionalLong pid() {
            return OptionalLong.of(4242);
        }

        @Override
        public boolean failedPersistently() {
            return persistent;
        }
    }

    private static final class RecordingSink implements FrameSink {
        final List<Frame> frames = new CopyOnWriteArrayList<>();
        final java.util.concurrent.atomic.AtomicInteger stops = new java.util.concurrent.atomic.AtomicInteger();
        volatile Runnable onStop = () -> { };
        volatile Runnable onFrame = () -> { };

        @Override
        public void onFrame(Frame frame) {
            frames.add(frame);
            onFrame.run();
        }

        @Override
        public void onCameraStopped() {
            stops.incrementAndGet();
            onStop.run();
        }
    }
}
