package org.camstream.process;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.camstream.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A capture process's recent output lines, for status pages, and a rate-limited copy in the server log: a
 * camera that prints an error for every damaged frame must not flood the log. Lines are labelled with the
 * process's role ("camera", "transcoder"), have their secrets masked, and are cut at {@value #MAX_LINE_CHARS}
 * characters. Bounded: the last {@value #KEEP_LINES} lines are kept.
 */
public final class ProcessLog {

    private static final Logger LOG = LoggerFactory.getLogger("org.camstream.process");
    static final int KEEP_LINES = 100;
    static final int MAX_LINE_CHARS = 500;

    private final String role;
    private final LogLimiter limiter;
    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private final java.util.concurrent.atomic.AtomicLong lines = new java.util.concurrent.atomic.AtomicLong();

    public ProcessLog(String role, LogLimiter limiter) {
        this.role = role;
        this.limiter = limiter;
    }

    public void add(String line) {
        lines.incrementAndGet();
        String shown = Secrets.mask(line.length() > MAX_LINE_CHARS ? line.substring(0, MAX_LINE_CHARS) + "…" : line);
        synchronized (recent) {
            if (recent.size() == KEEP_LINES) {
                recent.removeFirst();
            }
            recent.addLast(shown);
        }
        String admitted = limiter.admit(shown);
        if (admitted != null) {
            LOG.info("{}: {}", role, admitted);
        }
    }

    public List<String> recent(int lines) {
        List<String> all;
        synchronized (recent) {
            all = new ArrayList<>(recent);
        }
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    /** How many lines the process printed in all, logged or not. */
    public long lines() {
        return lines.get();
    }

    public String last() {
        synchronized (recent) {
            return recent.peekLast();
        }
    }

    public void clear() {
        synchronized (recent) {
            recent.clear();
        }
    }
}
