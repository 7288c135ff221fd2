package org.camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.camstream.hls.HlsCounters;
import org.camstream.stream.Chunk;

/**
 * One asynchronous HLS request, answered once: right away, or later by a held request's wake-up or timeout,
 * from whatever thread that happens on. The body is written with non-blocking I/O, one shared chunk (an fMP4
 * fragment, the playlist bytes) per write, so a slow client costs a buffer and never a thread.
 */
final class HlsExchange implements AsyncListener {

    static final String IMMUTABLE = "public, max-age=31536000, immutable";
    /** Playlists change with every part; a cache may keep one a second, the most the issue allows. */
    static final String PLAYLIST_CACHE = "public, max-age=1";

    private final AsyncContext async;
    private final boolean head;
    private final HlsCounters counters;
    private final AtomicBoolean answered = new AtomicBoolean();
    private final Runnable ended;

    /** @param ended run once when the request has ended, answered or not */
    HlsExchange(AsyncContext async, boolean head, HlsCounters counters, Runnable ended) {
        this.async = async;
        this.head = head;
        this.counters = counters;
        this.ended = ended;
        async.addListener(this);
    }

    void send(String contentType, String cacheControl, List<? extends Chunk> body) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        long length = 0;
        for (Chunk chunk : body) {
            length += chunk.size();
        }
        response.setStatus(HttpServletResponse.SC_OK);
        response.setContentType(contentType);
        response.setHeader("Cache-Control", cacheControl);
        response.setContentLengthLong(length);
        if (head) {
            async.complete();
            return;
        }
        counters.bytesSent.add(length);
        write(response, body);
    }

    void error(int status, String message, int retryAfterSeconds) {
        if (!answered.compareAndSet(false, true)) {
            return;
        }
        counters.errors.increment();
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        byte[] body = Responses.errorBody(status, message);
        response.setStatus(status);
        // Errors are never cached: a part that is not there yet will be, and a cache must ask again.
        response.setHeader("Cache-Control", "no-store");
        if (retryAfterSeconds > 0) {
            response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        }
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        if (head) {
            async.complete();
            return;
        }
        write(response, List.of(Responses.bytes(body)));
    }

    private void write(HttpServletResponse response, List<? extends Chunk> body) {
        try {
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private int next;

                @Override
                public void onWritePossible() throws IOException {
                    while (next < body.size()) {
                        if (!out.isReady()) {
                            return; // called again when the client has taken what is buffered
                        }
                        body.get(next++).writeTo(out);
                    }
                    if (out.isReady()) {
                        async.complete();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    complete();
                }
            });
        } catch (IOException | IllegalStateException e) {
            complete();
        }
    }

    private void complete() {
        try {
            async.complete();
        } catch (IllegalStateException e) {
            // already completed, by the container after an error or a timeout
        }
    }

    @Override
    public void onTimeout(AsyncEvent event) {
        answered.set(true); // a client that took nothing for this long; a late wake-up must not write
        complete();
    }

    @Override
    public void onError(AsyncEvent event) {
        answered.set(true);
        complete();
    }

    @Override
    public void onComplete(AsyncEvent event) {
        ended.run();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
    }
}
