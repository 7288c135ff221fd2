package org.camstream.camera;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.camstream.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

/** The charts' history on a virtual clock: minutes of sampling in microseconds. */
class StatusHistoryTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicInteger taken = new AtomicInteger();

    private StatusSample numbered() {
        int n = taken.incrementAndGet();
        return new StatusSample(scheduler.now(), "running", n, 30.0, null, null, n % 3);
    }

    @Test
    void itKeepsTheLastFiveMinutesAtOneSampleASecondAndForgetsTheOldestFirst() {
        StatusHistory history = new StatusHistory(scheduler, StatusHistory.INTERVAL, StatusHistory.CAPACITY,
                this::numbered);
        Instant start = scheduler.now();
        history.start();
        scheduler.advance(Duration.ofSeconds(399));

        assertEquals(400, taken.get(), "one at the start and one a second for 399 s");
        List<StatusSample> samples = history.samples();
        assertEquals(300, samples.size(), "bounded at five minutes' worth");
        assertEquals(101.0, samples.get(0).fps(), "the first hundred were overwritten, oldest first");
        assertEquals(400.0, samples.get(299).fps());
        assertEquals(start.plusSeconds(100), samples.get(0).at());
        for (int i = 1; i < samples.size(); i++) {
            assertEquals(Duration.ofSeconds(1), Duration.between(samples.get(i - 1).at(), samples.get(i).at()),
                    "a fixed interval at sample " + i);
        }
    }

    @Test
    void theSamplerIsCalledWithoutTheHistorysLock() {
        AtomicReference<StatusHistory> self = new AtomicReference<>();
        AtomicInteger lockedCalls = new AtomicInteger();
        StatusHistory history = new StatusHistory(scheduler, Duration.ofSeconds(1), 10, () -> {
            if (Thread.holdsLock(self.get())) {
                lockedCalls.incrementAndGet();
            }
            return numbered();
        });
        self.set(history);
        history.start();
        scheduler.advance(Duration.ofSeconds(5));
        assertEquals(6, taken.get());
        assertEquals(0, lockedCalls.get(), "no sample was taken under the lock");
    }

    @Test
    void aFailingSampleIsAGapAndSamplingGoesOn() {
        StatusHistory history = new StatusHistory(scheduler, Duration.ofSeconds(1), 10, () -> {
            StatusSample sample = numbered();
            if (sample.fps() == 2) {
                throw new IllegalStateException("the camera was being replaced");
            }
            return sample;
        });
        history.start();
        scheduler.advance(Duration.ofSeconds(3));
        assertEquals(List.of(1.0, 3.0, 4.0), history.samples().stream().map(StatusSample::fps).toList());
    }

    @Test
    void closingStopsTheSampling() {
        StatusHistory history = new StatusHistory(scheduler, Duration.ofSeconds(1), 10, this::numbered);
        history.start();
        scheduler.advance(Duration.ofSeconds(2));
        history.close();
        scheduler.advance(Duration.ofSeconds(10));
        assertEquals(3, taken.get());
        assertFalse(history.samples().isEmpty(), "what was taken stays readable");
        assertTrue(history.samples().size() <= history.capacity());
    }
}
