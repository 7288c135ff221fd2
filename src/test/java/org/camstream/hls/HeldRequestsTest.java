package org.camstream.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.camstream.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

/** Held HLS requests on a virtual clock: released by the snapshot they wait for, or at their timeout. */
class HeldRequestsTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final List<Runnable> executor = new ArrayList<>();
    private final HeldRequests held = new HeldRequests(scheduler, executor::add, () -> 2);
    private final List<String> answers = new ArrayList<>();
    private HlsSnapshot latest = snapshot(-1);

    private static HlsSnapshot snapshot(long version) {
        return HlsSnapshot.of("run", version, List.of(), PartPlan.forFrameRate(30), 1);
    }

    private HeldRequests.Waiter waitingFor(long version, String name) {
        return new HeldRequests.Waiter() {
            @Override
            public boolean readyIn(HlsSnapshot s) {
                return s.version() >= version;
            }

            @Override
            public void ready(HlsSnapshot s) {
                answers.add(name + " got " + s.version());
            }

            @Override
            public void timedOut() {
                answers.add(name + " timed out");
            }
        };
    }

    private void runExecutor() {
        List<Runnable> tasks = new ArrayList<>(executor);
        executor.clear();
        tasks.forEach(Runnable::run);
    }

    @Test
    void aRequestIsHeldUntilItsVersionAndAnsweredOnTheExecutorNotOnThePublishersThread() {
        assertTrue(held.hold(waitingFor(3, "a"), () -> latest, Duration.ofSeconds(3)));
        assertEquals(1, held.size());
        held.publish(latest = snapshot(2));
        runExecutor();
        assertEquals(List.of(), answers, "not yet");
        held.publish(latest = snapshot(3));
        assertEquals(List.of(), answers, "the publisher only hands it on");
        runExecutor();
        assertEquals(List.of("a got 3"), answers);
        assertEquals(0, held.size());
        scheduler.advance(Duration.ofSeconds(5));
        runExecutor();
        assertEquals(List.of("a got 3"), answers, "its timer was called off");
        assertEquals(1, held.released());
    }

    @Test
    void aRequestThatIsAlreadySatisfiedIsAnsweredAtOnceWithoutBeingHeld() {
        latest = snapshot(7);
        assertTrue(held.hold(waitingFor(5, "b"), () -> latest, Duration.ofSeconds(3)));
        assertEquals(0, held.size());
        runExecutor();
        assertEquals(List.of("b got 7"), answers);
    }

    @Test
    void aRequestTimesOutAfterItsHoldAndNotBefore() {
        held.hold(waitingFor(9, "c"), () -> latest, Duration.ofSeconds(3));
        scheduler.advance(Duration.ofMillis(2999));
        runExecutor();
        assertEquals(List.of(), answers);
        scheduler.advance(Duration.ofMillis(1));
        runExecutor();
        assertEquals(List.of("c timed out"), answers);
        held.publish(snapshot(9));
        runExecutor();
        assertEquals(List.of("c timed out"), answers, "answered once");
        assertEquals(1, held.timedOut());
    }

    @Test
    void pastItsCapacityARequestIsRefusedAndTheHeldOnesAreUntouched() {
        assertTrue(held.hold(waitingFor(1, "d"), () -> latest, Duration.ofSeconds(3)));
        assertTrue(held.hold(waitingFor(1, "e"), () -> latest, Duration.ofSeconds(3)));
        assertFalse(held.hold(waitingFor(1, "f"), () -> latest, Duration.ofSeconds(3)));
        assertEquals(1, held.refused());
        held.publish(snapshot(1));
        runExecutor();
        assertEquals(List.of("d got 1", "e got 1"), answers);
    }

    @Test
    void closingAnswersEveryHeldRequestAndHoldsNoMore() {
        held.hold(waitingFor(1, "g"), () -> latest, Duration.ofSeconds(3));
        held.close();
        runExecutor();
        assertEquals(List.of("g timed out"), answers);
        assertFalse(held.hold(waitingFor(1, "h"), () -> latest, Duration.ofSeconds(3)));
    }
}
