package org.camstream.hls;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.camstream.process.Lease;
import org.camstream.stream.GopFanOut;
import org.camstream.stream.Mp4Chunk;
import org.camstream.testing.ManualScheduler;
import org.junit.jupiter.api.Test;

/** The HLS muxer on demand: started by a playlist request, kept by every request, stopped after the idle time. */
class HlsServiceTest {

    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final AtomicInteger leases = new AtomicInteger();
    private final GopFanOut<Mp4Chunk> source = new GopFanOut<>();
    private final HlsService service = new HlsService(() -> {
        leases.incrementAndGet();
        return leases::decrementAndGet;
    }, source, () -> 30, scheduler, new HeldRequests(scheduler, Runnable::run, () -> 10), () -> Duration.ofSeconds(5),
            nanos::get);

    private void pass(Duration time) {
        nanos.addAndGet(time.toNanos());
        scheduler.advance(time);
    }

    @Test
    void theFirstPlaylistRequestStartsARunThatHoldsTheCameraAndFeedsOnTheSharedFragments() {
        assertNull(service.peek());
        assertEquals(0, leases.get());
        Segmenter segmenter = service.start();
        assertEquals(1, leases.get(), "a claim on the camera, like a viewer's");
        assertEquals(1, source.subscriberCount());
        assertSame(segmenter, service.start(), "the same run for every request");
        assertSame(segmenter, service.running(segmenter.runId()));
        assertNull(service.running("another"), "media of another run");
        assertEquals(1, leases.get());
    }

    @Test
    void everyRequestKeepsItGoingAndItStopsTheIdleTimeAfterTheLast() {
        Segmenter segmenter = service.start();
        for (int i = 0; i < 5; i++) {
            pass(Duration.ofSeconds(4));
            assertSame(segmenter, service.running(segmenter.runId()), "a part request keeps the run");
        }
        pass(Duration.ofMillis(4999));
        assertSame(segmenter, service.peek());
        pass(Duration.ofMillis(1));
        assertNull(service.peek(), "5 s after the last request");
        assertEquals(0, leases.get(), "the camera's claim given back");
        assertEquals(0, source.subscriberCount());
        assertNull(service.running(segmenter.runId()), "its files are gone");

        Segmenter next = service.start();
        assertNotSame(segmenter, next);
        org.junit.jupiter.api.Assertions.assertNotEquals(segmenter.runId(), next.runId(), "a new run id");
        assertEquals(2, service.runsStarted());
        service.close();
        assertEquals(0, leases.get());
    }
}
