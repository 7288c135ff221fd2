package org.camstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class GopTest {

    private long sequence;

    private Frame frame(boolean key, int size) {
        return Frame.capturedNow(new byte[size], ++sequence, key);
    }

    @Test
    void aNewSubscriberGetsTheGopSinceTheLastKeyframeThenLiveFrames() {
        GopFanOut<Frame> fanOut = new GopFanOut<>();
        fanOut.publish(frame(false, 10)); // before any keyframe: useless to a decoder
        Frame key1 = frame(true, 100);
        fanOut.publish(key1);
        fanOut.publish(frame(false, 10));
        Frame key2 = frame(true, 100);
        fanOut.publish(key2);
        Frame p1 = frame(false, 10);
        fanOut.publish(p1);

        List<Frame> got = new ArrayList<>();
        fanOut.subscribe(got::add);
        Frame live = frame(false, 10);
        fanOut.publish(live);

        assertEquals(List.of(key2, p1, live), got);
    }

    @Test
    void anOversizeGopIsAbandonedUntilTheNextKeyframe() {
        GopFanOut<Frame> fanOut = new GopFanOut<>(3, 1_000);
        fanOut.publish(frame(true, 10));
        for (int i = 0; i < 3; i++) {
            fanOut.publish(frame(false, 10));
        }
        assertTrue(fanOut.gop().isEmpty(), "over 3 chunks: nothing cached");
        Frame key = frame(true, 10);
        fanOut.publish(key);
        assertEquals(List.of(key), fanOut.gop());
        fanOut.publish(frame(false, 2_000));
        assertTrue(fanOut.gop().isEmpty(), "over 1000 bytes: nothing cached");
        assertEquals(0, fanOut.cachedBytes());
    }

    @Test
    void aLaggingViewerSkipsToTheNextKeyframeAndNeverGetsABrokenChain() {
        GopMailbox<Frame> mailbox = new GopMailbox<>(3, 100, 1_000_000);
        assertEquals(1, mailbox.put(frame(false, 10)), "nothing before the first keyframe");
        Frame key = frame(true, 10);
        assertEquals(0, mailbox.put(key));
        for (int i = 0; i < 4; i++) {
            assertEquals(0, mailbox.put(frame(false, 10)));
        }
        Frame nextKey = frame(true, 10);
        assertEquals(5, mailbox.put(nextKey), "a 5-frame backlog is dropped when the next keyframe comes");
        assertEquals(nextKey, mailbox.take());
        assertNull(mailbox.take());
    }

    @Test
    void hittingTheHardBoundSkipsEverythingUntilAKeyframe() {
        GopMailbox<Frame> mailbox = new GopMailbox<>(100, 3, 1_000_000);
        mailbox.put(frame(true, 10));
        mailbox.put(frame(false, 10));
        mailbox.put(frame(false, 10));
        assertEquals(4, mailbox.put(frame(false, 10)), "the whole backlog and the new frame");
        assertEquals(1, mailbox.put(frame(false, 10)), "still skipping: would break the reference chain");
        assertTrue(mailbox.isEmpty());
        Frame key = frame(true, 10);
        mailbox.put(key);
        assertEquals(key, mailbox.take());
    }

    /**
     * Subscribers are offered chunks with no lock of the fan-out held: one that, while being offered a chunk,
     * waits for another thread that uses the fan-out (as a closing viewer's lease release once did, through the
     * camera supervisor) does not deadlock, and a subscriber that joins meanwhile still gets the GOP in order.
     */
    @Test
    void subscribersAreOfferedChunksWithoutTheFanOutsLockHeld() throws Exception {
        GopFanOut<Frame> fanOut = new GopFanOut<>();
        Frame key = frame(true, 100);
        fanOut.publish(key);
        List<Boolean> answered = new ArrayList<>();
        List<Frame> late = new java.util.concurrent.CopyOnWriteArrayList<>();
        fanOut.subscribe(chunk -> {
            java.util.concurrent.CompletableFuture<Long> other = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
                fanOut.clear();
                fanOut.subscribe(late::add);
                return fanOut.cachedBytes();
            });
            try {
                other.get(2, java.util.concurrent.TimeUnit.SECONDS);
                answered.add(true);
            } catch (Exception e) {
                answered.add(false);
            }
        });
        assertEquals(List.of(true), answered, "another thread could use the fan-out during an offer");
        Frame next = frame(true, 100);
        fanOut.publish(next);
        assertEquals(List.of(next), late, "the subscriber that joined after the clear starts at the next keyframe");
    }

    @Test
    void aSubscriberThatLeavesBeforeItsQueuedSubscriptionRanIsNotAddedAfterwards() throws Exception {
        GopFanOut<Frame> fanOut = new GopFanOut<>();
        java.util.concurrent.CountDownLatch publishing = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        fanOut.subscribe(chunk -> {
            publishing.countDown();
            try {
                release.await(); // a publish in progress: what comes in meanwhile is queued
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Thread publisher = new Thread(() -> fanOut.publish(frame(true, 100)));
        publisher.start();
        publishing.await();
        Subscriber<Frame> leaver = chunk -> { };
        fanOut.subscribe(leaver); // queued behind the publish
        fanOut.unsubscribe(leaver); // it left at once
        release.countDown();
        publisher.join(5_000);
        assertEquals(1, fanOut.subscriberCount(), "only the first subscriber is left");
    }
}
