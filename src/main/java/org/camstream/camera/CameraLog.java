package org.camstream.camera;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The camera process's recent stderr lines, for status pages, and a rate-limited copy in the server log:
 * a camera that prints a warning for every frame must not flood the log.
 */
public final class CameraLog {

    private static final Logger LOG = LoggerFactory.getLogger("org.camstream.camera.process");
    private static final int KEEP_LINES = 100;
    private static final int LOG_LINES_PER_WINDOW = 20;
    private static final long WINDOW_NANOS = 10_000_000_000L;

    private final ArrayDeque<String> recent = new ArrayDeque<>();
    private long windowStart = System.nanoTime();
    private int loggedInWindow;
    private int suppressedInWindow;

    public synchronized void add(String line) {
        if (recent.size() == KEEP_LINES) {
            recent.removeFirst();
        }
        recent.addLast(line);
        long now = System.nanoTime();
        if (now - windowStart > WINDOW_NANOS) {
            if (suppressedInWindow > 0) {
                LOG.info("camera: {} more lines not logged", suppressedInWindow);
            }
            windowStart = now;
            loggedInWindow = 0;
            suppressedInWindow = 0;
        }
        if (loggedInWindow < LOG_LINES_PER_WINDOW) {
            loggedInWindow++;
            LOG.info("camera: {}", line);
        } else {
            suppressedInWindow++;
        }
    }

    public synchronized List<String> recent(int lines) {
        List<String> all = new ArrayList<>(recent);
        return List.copyOf(all.subList(Math.max(0, all.size() - lines), all.size()));
    }

    public synchronized String last() {
        return recent.peekLast();
    }
}
