package org.camstream.stream;

/** Measures bits per second over a sliding window of recent chunks. Thread-safe. */
public final class ThroughputMeter {

    private final long[] times;
    private final int[] sizes;
    private final long windowNanos;
    private int next;
    private int count;

    public ThroughputMeter(int capacity, long windowNanos) {
        this.times = new long[capacity];
        this.sizes = new int[capacity];
        this.windowNanos = windowNanos;
    }

    public static ThroughputMeter forFrames() {
        return new ThroughputMeter(512, 2_000_000_000L);
    }

    public synchronized void mark(long nanoTime, int bytes) {
        times[next] = nanoTime;
        sizes[next] = bytes;
        next = (next + 1) % times.length;
        if (count < times.length) {
            count++;
        }
    }

    /** Bits per second over the window ending now; 0 when nothing arrived in it. */
    public synchronized long bitsPerSecond(long nowNanos) {
        long bytes = 0;
        long oldest = nowNanos;
        for (int k = 1; k <= count; k++) {
            int i = Math.floorMod(next - k, times.length);
            if (nowNanos - times[i] > windowNanos) {
                break;
            }
            bytes += sizes[i];
            oldest = times[i];
        }
        long span = Math.max(nowNanos - oldest, windowNanos / 4);
        return bytes == 0 ? 0 : Math.round(bytes * 8e9 / span);
    }
}
