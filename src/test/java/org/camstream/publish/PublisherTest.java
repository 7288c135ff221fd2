package org.camstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.camstream.process.Lease;
import org.camstream.process.RestartPolicy;
import org.camstream.config.PublishUrl;
import org.camstream.stream.GopFanOut;
import org.camstream.stream.Mp4Chunk;
import org.camstream.testing.ManualScheduler;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The publisher's supervision on a virtual clock, with stand-ins for ffmpeg (small shell commands, in this
 * test only): the backoff while a relay is away, progress as health, the lease, and the stop.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class PublisherTest {

    private static final String URL = "rtmp://cam:Pa55-word@relay.lan/live/stream-key-0123456789";
    private static final Duration WAIT = Duration.ofSeconds(15);

    private final ManualScheduler scheduler = new ManualScheduler();
    private final AtomicInteger leases = new AtomicInteger();
    private final AtomicInteger released = new AtomicInteger();

    private Publisher publisher(List<String> command, Duration longest) {
        Lease lease = () -> released.incrementAndGet();
        return new Publisher(PublishUrl.parse(URL), () -> {
            leases.incrementAndGet();
            return lease;
        }, new GopFanOut<Mp4Chunk>(), scheduler, Publisher.policy(longest), () -> 30, url -> command);
    }

    @Test
    void aRelayThatIsAwayIsRetriedLessAndLessOftenUpToTheLongestWait() throws Exception {
        // What ffmpeg prints when nothing listens, URL included, and its status.
        Publisher publisher = publisher(List.of("sh", "-c", "echo '" + URL + ": Connection refused' >&2; exit 1"),
                Duration.ofSeconds(3));
        publisher.start();
        assertEquals(1, leases.get(), "the camera is claimed once, for as long as the publisher runs");
        List<Long> waits = new java.util.ArrayList<>();
        for (int attempt = 0; attempt < 4; attempt++) {
            scheduler.runDue(); // the launch
            PublisherStatus failed = Poll.until(WAIT, "attempt " + attempt + " to fail", publisher::status,
                    s -> s.state() == PublisherState.RETRYING && s.restarts() == waits.size() + 1);
            waits.add(Duration.between(scheduler.now(), failed.retryAt()).toMillis());
            assertTrue(failed.lastError().message().startsWith("ffmpeg exited with status 1"), failed.toString());
            assertTrue(failed.lastError().message().contains("rtmp://cam:***@relay.lan/live/***: Connection refused"),
                    failed.lastError().message());
            assertFalse(failed.toString().contains("Pa55-word") || failed.toString().contains("stream-key-0123"),
                    "a secret in the status: " + failed);
            scheduler.advance(Duration.ofMillis(waits.get(attempt) - 1));
            assertEquals(PublisherState.RETRYING, publisher.status().state(), "not before the wait is over");
            scheduler.advance(Duration.ofMillis(1));
            // The manual scheduler runs the launch at once, and the stand-in may already have failed again.
            PublisherStatus next = publisher.status();
            assertTrue(next.state() == PublisherState.STARTING || next.restarts() == waits.size() + 1,
                    "the next attempt began when the wait was over: " + next);
        }
        assertEquals(List.of(1000L, 2000L, 3000L, 3000L), waits);
        publisher.stop().get(10, TimeUnit.SECONDS);
        assertEquals(1, released.get());
        assertEquals(PublisherState.STOPPED, publisher.status().state());
        scheduler.advance(Duration.ofSeconds(10));
        assertEquals(PublisherState.STOPPED, publisher.status().state(), "nothing starts after the stop");
    }

    @Test
    void progressMeansPublishing() throws Exception {
        Publisher publisher = publisher(List.of("sh", "-c",
                "printf 'frame=0\\ntotal_size=N/A\\nprogress=continue\\nframe=15\\ntotal_size=48000\\nprogress=continue\\n';"
                        + " read line; exit 1"), Duration.ofSeconds(5)); // with no camera, read waits until the stop
        publisher.start();
        scheduler.runDue();
        PublisherStatus publishing = Poll.until(WAIT, "publishing", publisher::status,
                s -> s.state() == PublisherState.PUBLISHING);
        assertEquals(15, publishing.frames());
        assertEquals(48000, publishing.bytes());
        assertNull(publishing.lastError());
        assertTrue(publishing.pid() != null);
        publisher.stop().get(10, TimeUnit.SECONDS); // the end of its input ends the stand-in's read
        assertEquals(1, released.get());
    }

    @Test
    void aProcessThatGotPicturesThroughIsRetriedAfterHalfASecond() throws Exception {
        Publisher publisher = publisher(List.of("sh", "-c", "printf 'frame=3\ntotal_size=900\nprogress=continue\n';"
                + " sleep 0.2; echo 'av_interleaved_write_frame(): Broken pipe' >&2; exit 1"), Duration.ofSeconds(5));
        publisher.start();
        scheduler.runDue();
        PublisherStatus retrying = Poll.until(WAIT, "the end", publisher::status,
                s -> s.state() == PublisherState.RETRYING);
        assertEquals(500, Duration.between(scheduler.now(), retrying.retryAt()).toMillis());
        assertTrue(retrying.lastError().message().contains("Broken pipe"), retrying.lastError().message());
        publisher.stop().get(10, TimeUnit.SECONDS);
    }

    @Test
    void aStopEndsAProcessThatIgnoresTheEndOfItsInput() throws Exception {
        Publisher publisher = publisher(List.of("sh", "-c", "exec sleep 60"), Duration.ofSeconds(5));
        publisher.start();
        scheduler.runDue();
        long pid = Poll.until(WAIT, "the process", publisher::status, s -> s.pid() != null).pid();
        var stopped = publisher.stop();
        assertFalse(stopped.isDone(), "sleep does not read its input");
        scheduler.advance(PublishProcess.GRACE); // then SIGTERM
        stopped.get(10, TimeUnit.SECONDS);
        assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "the process outlived the stop");
        assertEquals(1, released.get());
    }
}
