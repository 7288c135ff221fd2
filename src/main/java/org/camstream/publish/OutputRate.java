package org.camstream.publish;

/**
 * Bits per second reaching the relay, from ffmpeg's running byte count: the growth of the count over the
 * reports of the last two seconds. Bounded: it keeps the last {@value #KEEP} reports, plenty at two a second.
 * Thread-safe.
 */
final class OutputRate {

    static final long WINDOW_NANOS = 2_000_000_000L;
    private static final int KEEP = 16;

    private final long[] times = new long[KEEP];
    private final long[] totals = new long[KEEP];
    private int next;
    private int count;

    /** ffmpeg had written {@code totalBytes} in all at {@code nanoTime}. */
    synchronized void report(long nanoTime, long totalBytes) {
        if (count > 0 && totalBytes < totals[index(1)]) {
            count = 0; // a new process counts from zero
        }
        times[next] = nanoTime;
        totals[next] = totalBytes;
        next = (next + 1) % KEEP;
        count = Math.min(count + 1, KEEP);
    }

    /** 0 without two reports in the window, or when the newest is older than the window (ffmpeg stalled or ended). */
    synchronized long bitsPerSecond(long nowNanos) {
        if (count < 2 || nowNanos - times[index(1)] > WINDOW_NANOS) {
            return 0;
        }
        int oldest = 1;
        for (int k = 2; k <= count && nowNanos - times[index(k)] <= WINDOW_NANOS; k++) {
            oldest = k;
        }
        if (oldest == 1) {
            return 0;
        }
        long span = times[index(1)] - times[index(oldest)];
        long bytes = totals[index(1)] - totals[index(oldest)];
        return span <= 0 ? 0 : Math.round(bytes * 8e9 / span);
    }

    synchronized void reset() {
        count = 0;
        next = 0;
    }

    /** The k-th most recent report. */
    private int index(int k) {
        return Math.floorMod(next - k, KEEP);
    }
}
