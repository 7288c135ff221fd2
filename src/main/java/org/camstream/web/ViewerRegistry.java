package org.camstream.web;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every open streaming response, so that stalled viewers can be closed and all of them ended at shutdown. */
final class ViewerRegistry implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(ViewerRegistry.class);

    private final Set<StreamingResponse<?>> open = ConcurrentHashMap.newKeySet();
    private final long stallNanos;
    private final ScheduledFuture<?> sweep;

    ViewerRegistry(ScheduledExecutorService scheduler, long stallMillis) {
        this.stallNanos = TimeUnit.MILLISECONDS.toNanos(stallMillis);
        long period = Math.max(100, stallMillis / 10);
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
        for (StreamingResponse<?> response : open) {
            if (response.blockedNanos(now) > stallNanos) {
                LOG.info("Closing a viewer whose connection accepted nothing for {} s",
                        TimeUnit.NANOSECONDS.toSeconds(stallNanos));
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
