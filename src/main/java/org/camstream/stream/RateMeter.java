package org.camstream.stream;

/** Measures events per second over a sliding window of recent events. Thread-safe. */
public final class RateMeter {

    private final long[] times;
    private final long windowNanos;
    private int next;
    private int count;

    public RateMeter(int capacity, long windowNanos) {
        this.times = new long[capacity];
        this.windowNanos = windowNanos;
    }

    /** A meter good for frame rates up to a few hundred per second, averaged over two seconds. */
    public static RateMeter forFrames() {
        return new RateMeter(512, 2_000_000_000L);
    }

    public synchronized void mark(long nanoTime) {
        times[next] = nanoTime;
        next = (next + 1) % times.length;
        if (count < times.length) {
            count++;
        }
    }

    /** Events per second in the window ending now; 0 when fewer than two events are in it. */
    public synchronized double perSecond(long nowNanos) {
        int inWindow = 0;
        long oldest = nowNanos;
        long newest = Long.MIN_VALUE;
        for (int k = 1; k <= count; k++) {
            long t = times[Math.floorMod(next - k, times.length)];
            if (nowNanos - t > windowNanos) {
                break;
            }
            inWindow++;
            oldest = t;
            newest = Math.max(newest, t);
        }
        if (inWindow < 2 || newest == oldest) {
            return 0;
        }
        return (inWindow - 1) * 1e9 / (newest - oldest);
    }

    public synchronized void reset() {
        count = 0;
        next = 0;
    }
}
