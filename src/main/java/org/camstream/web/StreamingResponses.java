package org.camstream.web;

import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every open streaming HTTP response, so that a viewer whose connection accepts nothing for the
 * {@code viewer-timeout} is closed, and all of them are ended at shutdown. Bounded by {@link ViewerLimit}.
 */
final class StreamingResponses implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(StreamingResponses.class);

    private final Set<StreamingResponse<?>> open = ConcurrentHashMap.newKeySet();
    private final Supplier<Duration> timeout;
    private final ScheduledFuture<?> sweep;

    StreamingResponses(ScheduledExecutorService scheduler, Supplier<Duration> timeout) {
        this.timeout = timeout;
        long period = Math.max(100, timeout.get().toMillis() / 10);
        this.sweep = scheduler.scheduleWithFixedDelay(this::closeStalled, period, period, TimeUnit.MILLISECONDS);
    }

    void add(StreamingResponse<?> response) {
        open.add(response);
    }

    void remove(StreamingResponse<?> response) {
        open.remove(response);
    }

    int size() {
        return open.size();
    }

    private void closeStalled() {
        long now = System.nanoTime();
        long limit = timeout.get().toNanos();
        for (StreamingResponse<?> response : open) {
            if (response.blockedNanos(now) > limit) {
                LOG.info("Closing a viewer whose connection accepted nothing for {} s", limit / 1e9);
                response.close();
            }
        }
    }

    @Override
    public void close() {
        sweep.cancel(false);
        for (StreamingResponse<?> response : open) {
            response.close();
        }
    }
}
