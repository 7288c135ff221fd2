package org.camstream.stream;

/** Measures events per second, and the bits per second they carry, over a sliding window. Thread-safe. */
public final class RateMeter {

    private final long[] times;
    private final int[] sizes;
    private final long windowNanos;
    private int next;
    private int count;

    public RateMeter(int capacity, long windowNanos) {
        this.times = new long[capacity];
        this.sizes = new int[capacity];
        this.windowNanos = windowNanos;
    }

    /** A meter good for frame rates up to a few hundred per second, averaged over two seconds. */
    public static RateMeter forFrames() {
        return new RateMeter(512, 2_000_000_000L);
    }

    public void mark(long nanoTime) {
        mark(nanoTime, 0);
    }

    public synchronized void mark(long nanoTime, int bytes) {
        times[next] = nanoTime;
        sizes[next] = bytes;
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
            long t = times[index(k)];
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

    /** Bits per second in the window ending now; 0 when nothing arrived in it. */
    public synchronized long bitsPerSecond(long nowNanos) {
        long bytes = 0;
        long oldest = nowNanos;
        for (int k = 1; k <= count; k++) {
            int i = index(k);
            if (nowNanos - times[i] > windowNanos) {
                break;
            }
            bytes += sizes[i];
            oldest = times[i];
        }
        long span = Math.max(nowNanos - oldest, windowNanos / 4);
        return bytes == 0 ? 0 : Math.round(bytes * 8e9 / span);
    }

    public synchronized void reset() {
        count = 0;
        next = 0;
    }

    /** The k-th most recent event. */
    private int index(int k) {
        return Math.floorMod(next - k, times.length);
    }
}
