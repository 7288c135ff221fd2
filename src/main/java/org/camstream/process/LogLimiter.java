package org.camstream.process;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Lets each kind of log line through a few times a minute, and says how many like it were held back. Lines
 * are of a kind when they differ only in their numbers (times, addresses, counts), which is how a damaged
 * stream or a restart loop repeats itself. Bounded: it keeps at most {@value #MAX_KINDS} kinds, and at most
 * {@code perWindow} times as many lines in all per window, whatever their kinds. Thread-safe.
 */
public final class LogLimiter {

    private static final int MAX_KINDS = 64;
    /** All kinds together may log this many times what one kind may. */
    private static final int TOTAL_FACTOR = 10;

    private final int perWindow;
    private final long windowNanos;
    private final LongSupplier nanoTime;
    private final Map<String, Kind> kinds = new LinkedHashMap<>(16, 0.75f, true);
    private long totalWindowStart;
    private int totalInWindow;

    private static final class Kind {
        long windowStart;
        int logged;
        int heldBack;
    }

    public LogLimiter(int perWindow, long windowNanos, LongSupplier nanoTime) {
        this.perWindow = perWindow;
        this.windowNanos = windowNanos;
        this.nanoTime = nanoTime;
        this.totalWindowStart = nanoTime.getAsLong();
    }

    /** Three of a kind a minute. */
    public static LogLimiter standard() {
        return new LogLimiter(3, 60_000_000_000L, System::nanoTime);
    }

    /**
     * The line to log now, with the count of those held back since the last one of its kind, or null when this
     * one must be held back.
     */
    public synchronized String admit(String line) {
        long now = nanoTime.getAsLong();
        if (now - totalWindowStart >= windowNanos) {
            totalWindowStart = now;
            totalInWindow = 0;
        }
        String key = kindOf(line);
        Kind kind = kinds.get(key);
        if (kind == null) {
            kind = new Kind();
            kind.windowStart = now;
            kinds.put(key, kind);
            if (kinds.size() > MAX_KINDS) {
                Iterator<String> eldest = kinds.keySet().iterator();
                eldest.next();
                eldest.remove();
            }
        } else if (now - kind.windowStart >= windowNanos) {
            kind.windowStart = now;
            kind.logged = 0;
        }
        if (kind.logged >= perWindow || totalInWindow >= perWindow * TOTAL_FACTOR) {
            kind.heldBack++;
            return null;
        }
        kind.logged++;
        totalInWindow++;
        if (kind.heldBack == 0) {
            return line;
        }
        String counted = line + " (" + kind.heldBack + " more like this were not logged)";
        kind.heldBack = 0;
        return counted;
    }

    /** The line with each run of digits replaced, so that lines differing only in numbers are one kind. */
    static String kindOf(String line) {
        StringBuilder key = new StringBuilder(Math.min(line.length(), 200));
        boolean inNumber = false;
        for (int i = 0; i < line.length() && key.length() < 200; i++) {
            char c = line.charAt(i);
            boolean digit = (c >= '0' && c <= '9') || (inNumber && (c == 'x' || c == '.' || isHexLetter(c)));
            if (digit) {
                if (!inNumber) {
                    key.append('#');
                    inNumber = true;
                }
            } else {
                inNumber = false;
                key.append(c);
            }
        }
        return key.toString();
    }

    private static boolean isHexLetter(char c) {
        return (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
    }
}
