package org.camstream.stream;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/** Counters for one output format, updated by its viewers. */
public final class StreamStats {

    private final String format;
    private final AtomicInteger viewers = new AtomicInteger();
    private final LongAdder framesSent = new LongAdder();
    private final LongAdder bytesSent = new LongAdder();
    private final LongAdder framesDropped = new LongAdder();

    public StreamStats(String format) {
        this.format = format;
    }

    public String format() {
        return format;
    }

    public void viewerJoined() {
        viewers.incrementAndGet();
    }

    public void viewerLeft() {
        viewers.decrementAndGet();
    }

    public void sent(long bytes) {
        framesSent.increment();
        bytesSent.add(bytes);
    }

    /** A frame a viewer never got because a newer one replaced it while the viewer was still busy. */
    public void dropped() {
        framesDropped.increment();
    }

    public int viewers() {
        return viewers.get();
    }

    public long framesSent() {
        return framesSent.sum();
    }

    public long bytesSent() {
        return bytesSent.sum();
    }

    public long framesDropped() {
        return framesDropped.sum();
    }
}
