package org.camstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FanOutTest {

    @Test
    void everySubscriberGetsTheSameInstanceAndNewOnesGetTheLatestAtOnce() {
        FanOut<Frame> fanOut = new FanOut<>();
        List<Frame> first = new ArrayList<>();
        fanOut.subscribe(first::add);
        Frame frame = Frame.capturedNow(new byte[] {1, 2, 3}, 1, true);
        fanOut.publish(frame);

        List<Frame> late = new ArrayList<>();
        fanOut.subscribe(late::add);

        assertSame(frame, first.get(0));
        assertSame(frame, late.get(0), "a new subscriber does not wait for the next frame");
    }

    @Test
    void afterTheCameraStopsNobodyIsHandedAStalePicture() {
        FanOut<Frame> fanOut = new FanOut<>();
        fanOut.publish(Frame.capturedNow(new byte[] {1}, 1, true));
        fanOut.clear();
        assertNull(fanOut.latest());
        List<Frame> late = new ArrayList<>();
        fanOut.subscribe(late::add);
        assertEquals(0, late.size());
    }

    @Test
    void latestMailboxKeepsOnlyTheNewestAndCountsWhatItReplaced() {
        LatestMailbox<String> mailbox = new LatestMailbox<>();
        assertEquals(0, mailbox.put("a"));
        assertEquals(1, mailbox.put("b"));
        assertEquals("b", mailbox.take());
        assertNull(mailbox.take());
    }
}
