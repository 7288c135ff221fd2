package org.camstream.web;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.WebConnection;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.CompletionHandler;
import java.util.Arrays;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Predicate;
import org.apache.coyote.http11.upgrade.InternalHttpUpgradeHandler;
import org.apache.coyote.http11.upgrade.UpgradeInfo;
import org.apache.tomcat.util.net.AbstractEndpoint.Handler.SocketState;
import org.apache.tomcat.util.net.SSLSupport;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.camstream.process.Lease;
import org.camstream.camera.Camera;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Chunk;
import org.camstream.stream.Mailbox;
import org.camstream.stream.Preamble;
import org.camstream.stream.SequenceGate;
import org.camstream.stream.StreamStats;
import org.camstream.stream.Subscriber;
import org.camstream.stream.WriteLoop;

/**
 * One viewer's never-ending HTTP response, written straight to Tomcat's socket: a viewer costs its mailbox,
 * not a thread, and a picture costs one system call per viewer, from the one array every viewer shares.
 *
 * <p>Why not the Servlet API's non-blocking output: Tomcat 10.1 copies every write into the connection's
 * buffer (8 KB, one system call each), keeps the last bytes of every write back until a flush, and once data
 * waits in its buffer, {@code isReady()} is false until its poller has handed the connection to a container
 * thread, which flushes and calls {@code onWritePossible}. That is three to five writes and a thread hand-off
 * per picture per viewer, and a picture's end one frame late unless flushed. So the response is committed
 * (status and headers, {@code Connection: close}, so no chunked framing: the stream ends only with the
 * connection anyway), and then the connection is taken over through Tomcat's
 * {@link InternalHttpUpgradeHandler}, the interface Tomcat's own WebSocket uses for the same reason. The bytes
 * after the headers are the same as before; only the way they are written changed.
 *
 * <p>The producer {@link #offer offers} chunks. If no write is under way, the producer's own thread writes at
 * once ({@link WriteLoop}), gathering what the mailbox holds into one vectored, non-blocking write: it never
 * waits. A write the socket cannot take whole completes later, on a container thread, when the socket drains;
 * meanwhile chunks wait in the mailbox, which drops what a slow viewer cannot take.
 *
 * <p>Closing (which releases the lease and may stop the camera) never runs on the producer's thread: it goes to
 * camstream's writer pool.
 */
public final class StreamingResponse<T extends Chunk>
        implements InternalHttpUpgradeHandler, Subscriber<T>, OpenViewers.Viewer, WriteLoop.Writer {

    /** Chunks gathered into one write: a keyframe catching up with its GOP can be dozens. */
    static final int MAX_GATHERED = 16;

    private final AtomicBoolean closed = new AtomicBoolean();
    /** Held until the connection is ours; then the first drain writes what the mailbox gathered meanwhile. */
    private final WriteLoop loop = new WriteLoop(this, true);
    private final SequenceGate order = new SequenceGate();
    private final UpgradeInfo upgradeInfo = new UpgradeInfo();
    private final CompletionHandler<Long, Void> completion = new Completion();

    private Mailbox<T> mailbox;
    private StreamStats stats;
    private Predicate<T> admit;
    private Preamble<T> preamble;
    private Executor writers;
    private Consumer<StreamingResponse<T>> onClose;
    private volatile SocketWrapperBase<?> socket;
    /** Tomcat's upgraded connection; closed once, in {@link #destroy}. */
    private final AtomicReference<WebConnection> connection = new AtomicReference<>();

    /** When the pending write started, or 0 while none is pending. */
    private volatile long blockedSinceNanos;
    /** A chunk taken from the mailbox that waits behind the preamble's chunk; only the writing thread touches it. */
    private T deferred;
    /** The size of the write under way, for the statistics when it completes. */
    private long writing;
    /** A write failed or the stream must end: nothing more is written while the close is on its way. */
    private volatile boolean broken;

    /** For Tomcat, which creates the handler in {@link HttpServletRequest#upgrade}; {@link #open} configures it. */
    public StreamingResponse() {
    }

    /**
     * Sends the response's status and headers (set by the caller), then turns the connection into an endless
     * stream fed by {@code source}, and returns at once: from here on the viewer holds no thread. {@code lease}
     * keeps the camera (and the viewer's place) until the stream ends, however it ends; if this throws,
     * everything it took is given back, except the lease when the headers could not be sent.
     */
    @SuppressWarnings("unchecked")
    static <T extends Chunk> void open(HttpServletRequest request, HttpServletResponse response, Viewers viewers,
            Camera camera, Lease lease, Broadcast<T> source, Mailbox<T> mailbox, StreamStats stats, Predicate<T> admit,
            Preamble<T> preamble) throws IOException {
        response.setHeader("Connection", "close");
        response.flushBuffer(); // commits the headers now: after the upgrade, Tomcat would answer 101 instead
        StreamingResponse<T> viewer;
        try {
            viewer = request.upgrade(StreamingResponse.class);
        } catch (jakarta.servlet.ServletException e) {
            throw new IOException("the container cannot hand over the connection", e);
        }
        OpenViewers<StreamingResponse<?>> registry = viewers.streams();
        viewer.mailbox = mailbox;
        viewer.stats = stats;
        viewer.admit = admit;
        viewer.preamble = preamble;
        viewer.writers = viewers.writers();
        viewer.onClose = closed -> {
            source.unsubscribe(closed);
            registry.remove(closed);
            stats.viewerLeft();
            lease.close();
        };
        stats.viewerJoined();
        registry.add(viewer, camera);
        try {
            source.subscribe(viewer);
        } catch (RuntimeException e) {
            viewer.close();
            throw e;
        }
        if (viewer.closed.get()) {
            source.unsubscribe(viewer); // closed before it subscribed: its close could not undo the subscription
        }
    }

    /** Never blocks and takes no lock but the gate's: the pacer and the mailbox are asked after it. */
    @Override
    public void offer(T chunk) {
        if (closed.get() || !order.admit(chunk.sequence()) || !admit.test(chunk)) {
            return;
        }
        int dropped = mailbox.put(chunk);
        for (int i = 0; i < dropped; i++) {
            stats.dropped();
        }
        loop.pump();
    }

    @Override
    public boolean isOver() {
        return closed.get() || broken;
    }

    @Override
    public boolean hasMore() {
        return !mailbox.isEmpty();
    }

    /** Starts one vectored, non-blocking write of what the mailbox holds; false when it holds nothing. */
    @Override
    public boolean writeNext() {
        ByteBuffer[] buffers;
        try {
            buffers = gather();
        } catch (Preamble.EndOfStream | RuntimeException e) {
            broken = true;
            closeOffThisThread();
            return false;
        }
        if (buffers == null) {
            return false;
        }
        blockedSinceNanos = System.nanoTime();
        try {
            socket.write(SocketWrapperBase.BlockingMode.NON_BLOCK, -1, TimeUnit.MILLISECONDS, null,
                    SocketWrapperBase.COMPLETE_WRITE_WITH_COMPLETION, completion, buffers);
        } catch (RuntimeException e) {
            broken = true;
            closeOffThisThread();
        }
        return true;
    }

    /** The next chunks to write as buffers of their own, the preamble's first; null when there are none. */
    private ByteBuffer[] gather() throws Preamble.EndOfStream {
        Chunk first = next();
        if (first == null) {
            return null;
        }
        writing = first.size();
        if (deferred == null && mailbox.isEmpty()) {
            return new ByteBuffer[] {first.asByteBuffer()}; // the usual case: one picture
        }
        ByteBuffer[] buffers = new ByteBuffer[MAX_GATHERED];
        buffers[0] = first.asByteBuffer();
        int count = 1;
        for (Chunk next; count < MAX_GATHERED && (next = next()) != null; count++) {
            buffers[count] = next.asByteBuffer();
            writing += next.size();
        }
        return count == MAX_GATHERED ? buffers : Arrays.copyOf(buffers, count);
    }

    private Chunk next() throws Preamble.EndOfStream {
        if (deferred != null) {
            Chunk next = deferred;
            deferred = null;
            return next;
        }
        T chunk = mailbox.take();
        if (chunk == null) {
            return null;
        }
        Chunk before = preamble.before(chunk);
        if (before != null) {
            deferred = chunk;
            return before;
        }
        return chunk;
    }

    /** A write finished: inline, the writing thread goes on; later, this container thread does. */
    private final class Completion implements CompletionHandler<Long, Void> {
        @Override
        public void completed(Long written, Void attachment) {
            blockedSinceNanos = 0;
            stats.sent(writing);
            loop.completed();
        }

        @Override
        public void failed(Throwable error, Void attachment) {
            broken = true; // before the hand-off: a writing thread that goes on finds it and stops
            blockedSinceNanos = 0;
            loop.failed();
            closeOffThisThread();
        }
    }

    /** Nanoseconds the pending write has waited for the socket, or 0. */
    @Override
    public long blockedNanos(long now) {
        long since = blockedSinceNanos;
        return since == 0 ? 0 : now - since;
    }

    boolean isClosed() {
        return closed.get();
    }

    @Override
    public void end(String reason) {
        close();
    }

    /** Ends the stream and releases everything it held. Safe to call more than once, from any thread. */
    void close() {
        if (release()) {
            disconnect();
        }
    }

    /** Gives back what the viewer holds, once; true the first time. */
    private boolean release() {
        if (!closed.compareAndSet(false, true)) {
            return false;
        }
        if (mailbox != null) {
            mailbox.clear();
        }
        if (onClose != null) {
            onClose.accept(this);
        }
        return true;
    }

    /**
     * Has Tomcat close the connection on one of its threads, in turn with its own processing of it. Closing the
     * socket from here instead can race Tomcat parking the connection after an event, and a parked connection
     * whose socket is closed stays in Tomcat's waitingProcessors for good, and this viewer with it (the cause of
     * apache/tomcat#683 for WebSockets).
     */
    private void disconnect() {
        SocketWrapperBase<?> current = socket;
        if (current != null && !current.isClosed()) {
            current.processSocket(SocketEvent.DISCONNECT, true);
        }
    }

    /** Closes on the writer pool: the write may be running on the camera's thread, which closing may stop. */
    private void closeOffThisThread() {
        WriteLoop.runOff(writers, this::close);
    }

    @Override
    public void setSocketWrapper(SocketWrapperBase<?> wrapper) {
        this.socket = wrapper;
    }

    /** The connection is ours: the first drain writes what the mailbox gathered meanwhile. */
    @Override
    public void init(WebConnection connection) {
        this.connection.set(connection);
        if (!closed.get()) {
            loop.release();
        } // else the dispatch that follows init finds it closed, and Tomcat closes the connection
    }

    /**
     * Tomcat's events for the connection. A viewer sends nothing after its request, so a read event is the
     * viewer closing its end (or stray bytes, which are dropped); the end of the connection ends the stream.
     */
    @Override
    public SocketState upgradeDispatch(SocketEvent status) {
        switch (status) {
            case OPEN_READ:
                if (readUntilNothingLeft() && !closed.get()) {
                    return SocketState.UPGRADED;
                }
                break;
            case OPEN_WRITE:
                return SocketState.UPGRADED; // writes complete through their completion handler
            default: // STOP, DISCONNECT, ERROR, TIMEOUT, CONNECT_FAIL
                break;
        }
        release();
        return SocketState.CLOSED; // Tomcat closes the connection, on this thread
    }

    /** Reads and drops what the viewer sent; false when it has closed its end or the connection broke. */
    private boolean readUntilNothingLeft() {
        try {
            ByteBuffer discard = ByteBuffer.allocate(256);
            int n;
            while ((n = socket.read(false, discard)) > 0) {
                discard.clear();
            }
            return n == 0;
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Tomcat releases the connection, whoever closed it. The handler must close Tomcat's side of the upgrade,
     * as Tomcat's WebSocket does: that takes the connection's statistics out of the protocol's group, which
     * otherwise keeps them, some 100 bytes a viewer, for as long as the server runs (a soak found this).
     * Closing it calls this again, which then finds nothing left to do.
     */
    @Override
    public void destroy() {
        release();
        WebConnection upgraded = connection.getAndSet(null);
        if (upgraded != null) {
            try {
                upgraded.close();
            } catch (Exception e) {
                // the connection is gone either way
            }
        }
    }

    @Override
    public void timeoutAsync(long now) {
        // stalls are OpenViewers' job, with camstream's viewer-timeout
    }

    @Override
    public void setSslSupport(SSLSupport sslSupport) {
        // plain HTTP
    }

    @Override
    public void pause() {
        // the connector is pausing for shutdown; CamstreamLifecycle ends the streams
    }

    @Override
    public UpgradeInfo getUpgradeInfo() {
        return upgradeInfo;
    }
}
