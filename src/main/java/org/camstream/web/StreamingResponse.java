package org.camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.camstream.camera.Lease;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Chunk;
import org.camstream.stream.Mailbox;
import org.camstream.stream.StreamStats;
import org.camstream.stream.Subscriber;

/**
 * One viewer's never-ending response, written with non-blocking I/O: a viewer costs its mailbox, not a
 * thread.
 *
 * <p>The producer {@link #offer offers} chunks; they wait in the mailbox, and a drain task on camstream's
 * writer pool (not the container's request threads, which a flood of requests may keep busy) writes them
 * while the socket is ready. When it is not, the drain returns, and the container calls
 * {@link #onWritePossible} on one of its threads once the socket has taken everything. At most one drain runs
 * at a time: {@code busy} is true from the moment one is scheduled until it finds the mailbox empty, and
 * also while the container owes an {@code onWritePossible}. The headers go out at once, before the first
 * chunk, so a viewer knows it is connected even while the camera starts or fails.
 */
final class StreamingResponse<T extends Chunk> implements Subscriber<T>, WriteListener, AsyncListener {

    private final AsyncContext async;
    private final ServletOutputStream out;
    private final Mailbox<T> mailbox;
    private final StreamStats stats;
    private final Predicate<T> admit;
    private final Preamble<T> preamble;
    private final Consumer<StreamingResponse<T>> onClose;
    private final Runnable drainTask = this::drain;
    private final Executor writers;

    /** True until the container's first onWritePossible, which starts the stream. */
    private final AtomicBoolean busy = new AtomicBoolean(true);
    private final AtomicBoolean closed = new AtomicBoolean();
    /** When the socket last refused data without having taken it since; 0 while it accepts. */
    private volatile long blockedSinceNanos;
    private long lastSequence = Long.MIN_VALUE;
    /** A chunk taken from the mailbox that waits behind the preamble's chunk; only the drain touches it. */
    private T deferred;
    /** Whether the headers were sent; only the drain touches it. */
    private boolean headersSent;

    /**
     * @param admit decides, on the producer's thread, which chunks this viewer wants (pacing)
     * @param onClose runs once when the response ends, however it ends
     */
    StreamingResponse(AsyncContext async, ServletOutputStream out, Mailbox<T> mailbox, StreamStats stats,
            Predicate<T> admit, Preamble<T> preamble, Executor writers, Consumer<StreamingResponse<T>> onClose) {
        this.async = async;
        this.out = out;
        this.mailbox = mailbox;
        this.stats = stats;
        this.admit = admit;
        this.preamble = preamble;
        this.writers = writers;
        this.onClose = onClose;
    }

    /**
     * Turns the request into an endless response fed by {@code source}, and returns at once: from here on the
     * viewer holds no thread. {@code lease} keeps the camera (and the viewer's place) until the response ends,
     * however it ends; if this throws, everything it took is given back.
     */
    static <T extends Chunk> void open(HttpServletRequest request, StreamingResponses registry, Executor writers,
            Lease lease, Broadcast<T> source, Mailbox<T> mailbox, StreamStats stats, Predicate<T> admit,
            Preamble<T> preamble) throws IOException {
        AsyncContext async = request.startAsync();
        async.setTimeout(0); // streams are endless; stalled viewers are closed by StreamingResponses
        ServletOutputStream out = async.getResponse().getOutputStream();
        StreamingResponse<T> viewer = new StreamingResponse<>(async, out, mailbox, stats, admit, preamble, writers,
                closed -> {
                    source.unsubscribe(closed);
                    registry.remove(closed);
                    stats.viewerLeft();
                    lease.close();
                });
        stats.viewerJoined();
        registry.add(viewer);
        try {
            async.addListener(viewer);
            out.setWriteListener(viewer);
            source.subscribe(viewer);
        } catch (RuntimeException e) {
            viewer.close();
            throw e;
        }
        if (viewer.closed.get()) {
            source.unsubscribe(viewer); // closed before it subscribed: its close could not undo the subscription
        }
    }

    @Override
    public void offer(T chunk) {
        if (closed.get()) {
            return;
        }
        synchronized (this) {
            // The latest chunk is offered on subscribe, possibly racing the producer's next one.
            if (chunk.sequence() <= lastSequence || !admit.test(chunk)) {
                return;
            }
            lastSequence = chunk.sequence();
        }
        int dropped = mailbox.put(chunk);
        for (int i = 0; i < dropped; i++) {
            stats.dropped();
        }
        if (busy.compareAndSet(false, true)) {
            try {
                writers.execute(drainTask);
            } catch (RejectedExecutionException e) {
                close(); // shutting down
            }
        }
    }

    @Override
    public void onWritePossible() {
        drain();
    }

    private void drain() {
        try {
            while (!closed.get()) {
                blockedSinceNanos = System.nanoTime();
                if (!out.isReady()) {
                    return; // still busy: the container calls onWritePossible when the socket drains
                }
                blockedSinceNanos = 0;
                Chunk next;
                if (deferred != null) {
                    next = deferred;
                    deferred = null;
                } else {
                    T chunk = mailbox.take();
                    if (chunk == null) {
                        if (!headersSent) {
                            headersSent = true;
                            out.flush(); // commits the headers; the loop then waits for the socket to take them
                            continue;
                        }
                        busy.set(false);
                        // A chunk offered between take() and here saw busy == true and left it to us.
                        if (mailbox.isEmpty() || !busy.compareAndSet(false, true)) {
                            return;
                        }
                        continue;
                    }
                    Chunk before = preamble.before(chunk);
                    if (before != null) {
                        deferred = chunk;
                        next = before;
                    } else {
                        next = chunk;
                    }
                }
                headersSent = true;
                next.writeTo(out);
                stats.sent(next.size());
            }
        } catch (Preamble.EndOfStream e) {
            close();
        } catch (IOException | RuntimeException e) {
            close();
        }
    }

    /** Nanoseconds the socket has refused data for, or 0. */
    long blockedNanos(long now) {
        long since = blockedSinceNanos;
        return since == 0 ? 0 : now - since;
    }

    boolean isClosed() {
        return closed.get();
    }

    /** Ends the response and releases everything it held. Safe to call more than once, from any thread. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        mailbox.clear();
        try {
            onClose.accept(this);
        } finally {
            try {
                async.complete();
            } catch (IllegalStateException e) {
                // already completed by the container
            }
        }
    }

    @Override
    public void onError(Throwable t) {
        close();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        close();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        close();
    }

    @Override
    public void onError(AsyncEvent event) {
        close();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
        // not re-dispatched
    }
}
