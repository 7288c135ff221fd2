package org.camstream.audio;

/**
 * The loudness of the sound being captured, as the audio process reports it: the peak of the last tenth of a
 * second in dBFS (0 is full scale), from ffmpeg's astats filter. Thread-safe; written by the process's log
 * reader, read by the status.
 */
public final class AudioLevel {

    static final String KEY = "lavfi.astats.Overall.Peak_level=";

    private volatile double peakDb = Double.NEGATIVE_INFINITY;
    private volatile long atNanos;

    /**
     * Reads a line of the audio process's log, which ffmpeg prints at level info with its level named
     * ({@code -loglevel level+info}). Returns true for a line at info, the level reports among them: they are
     * not for the log, which keeps warnings and errors as the camera's does.
     */
    public boolean offer(String line, long nowNanos) {
        int at = line.indexOf(KEY);
        if (at >= 0) {
            try {
                double value = Double.parseDouble(line.substring(at + KEY.length()).trim());
                peakDb = Double.isNaN(value) ? Double.NEGATIVE_INFINITY : value;
                atNanos = nowNanos;
            } catch (NumberFormatException e) {
                peakDb = Double.NEGATIVE_INFINITY; // "-inf": digital silence
                atNanos = nowNanos;
            }
            return true;
        }
        return line.contains("[info] ");
    }

    /** The last peak in dBFS, or null when none was reported in the last second (no sound is coming). */
    public Double peakDb(long nowNanos) {
        long at = atNanos;
        if (at == 0 || nowNanos - at > 1_000_000_000L) {
            return null;
        }
        return Math.max(-120, peakDb);
    }
}
