package org.camstream.web;

import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.camstream.stream.GopMailbox;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.StreamStats;
import org.camstream.stream.Subscriber;
import org.camstream.stream.SequenceGate;
import org.camstream.stream.VideoTrack;
import org.camstream.stream.WriteLoop;

/**
 * One WebSocket viewer of the fMP4 stream. Messages: a JSON {@code init} and the binary init segment
 * whenever the track changes (the first time, and at each new generation), then one binary message per
 * fragment, JSON {@code status} messages when the camera's state changes, and a JSON {@code clock} answer
 * to each {@link ClockProbe} the client sends.
 *
 * <p>Tomcat allows one asynchronous send in flight per session, so sends are chained by a {@link WriteLoop}:
 * each one's completion starts the next. A send starts on the thread that offers a fragment, the camera's
 * reader, which holds no lock then (the fan-out runs its subscribers through a SerialRunner): Tomcat's
 * asynchronous send never waits for the socket, and handing every fragment of every viewer to a pool first cost
 * more than the send. Anything that goes wrong in a send closes the
 * viewer, on the pool, since closing gives back the camera's lease: it never stays half alive.
 *
 * <p>A send in flight is timed by {@link OpenViewers}, which closes the viewer when it takes too long.
 * Closing sends a close frame, which must wait for the message in flight; the session's blocking-send timeout
 * is kept short so that it gives up quickly and drops the connection, and the close runs on the pool.
 */
final class WebSocketViewer implements Subscriber<Mp4Chunk>, OpenViewers.Viewer, WriteLoop.Writer {

    private static final int MAX_CONTROL_MESSAGES = 16;
    /** Tomcat's property for how long a blocking send (the close frame) may wait; its default is 20 s. */
    static final String BLOCKING_SEND_TIMEOUT = "org.apache.tomcat.websocket.BLOCKING_SEND_TIMEOUT";
    /** Tomcat's property for how long a closed session waits for the client's close frame; its default is 30 s. */
    static final String SESSION_CLOSE_TIMEOUT = "org.apache.tomcat.websocket.SESSION_CLOSE_TIMEOUT";
    static final long CLOSE_WAIT_MILLIS = 2_000;

    private final Executor executor;
    private final Session session;
    private final RemoteEndpoint.Async remote;
    private final GopMailbox<Mp4Chunk> mailbox;
    private final StreamStats stats;
    private final Consumer<WebSocketViewer> onClose;
    private final ArrayDeque<Control> control = new ArrayDeque<>();
    private final AtomicBoolean closed = new AtomicBoolean();
    private final WriteLoop loop = new WriteLoop(this, false);
    private final SequenceGate order = new SequenceGate();
    private final SendHandler completion = this::onSent;
    /** When the send in flight started, or 0. */
    private volatile long sendStartedNanos;

    // Touched only by the sender, one send at a time.
    private VideoTrack sentTrack;
    private Mp4Chunk afterInit;
    private boolean initSegmentDue;

    WebSocketViewer(Session session, GopMailbox<Mp4Chunk> mailbox, StreamStats stats, long sendTimeoutMillis,
            Executor executor, Consumer<WebSocketViewer> onClose) {
        this.executor = executor;
        this.session = session;
        this.remote = session.getAsyncRemote();
        this.remote.setSendTimeout(sendTimeoutMillis);
        session.getUserProperties().put(BLOCKING_SEND_TIMEOUT, CLOSE_WAIT_MILLIS);
        // After our close frame, how long Tomcat waits for the client's before it drops the connection; its
        // default is 30 s, for a client that is most likely gone.
        session.getUserProperties().put(SESSION_CLOSE_TIMEOUT, CLOSE_WAIT_MILLIS);
        this.mailbox = mailbox;
        this.stats = stats;
        this.onClose = onClose;
    }

    @Override
    public void offer(Mp4Chunk chunk) {
        if (closed.get() || !order.admit(chunk.sequence())) {
            return;
        }
        int dropped = mailbox.put(chunk);
        for (int i = 0; i < dropped; i++) {
            stats.dropped();
        }
        pump();
    }

    /**
     * A text message other than init: it may go out before the first init only when {@code early}. A clock
     * answer is written when it is sent, so that the time it carries is the time it left.
     */
    private record Control(String text, boolean early, ClockProbe probe) {

        String textNow() {
            return probe == null ? text : probe.answerJson();
        }
    }

    /**
     * Queues a JSON status message, ahead of media. Status messages wait for the first init, so that a player
     * starts with it, unless {@code early}: news of trouble that a viewer waiting for its first picture needs.
     * At most {@value #MAX_CONTROL_MESSAGES} wait; the oldest is dropped for a newer one.
     */
    void sendStatus(String json, boolean early) {
        queueControl(new Control(json, early, null));
    }

    /** Answers a client's clock probe, ahead of media and before the first init too. */
    void sendClockAnswer(ClockProbe probe) {
        queueControl(new Control(null, true, probe));
    }

    private void queueControl(Control message) {
        if (closed.get()) {
            return;
        }
        synchronized (control) {
            if (control.size() == MAX_CONTROL_MESSAGES) {
                control.pollFirst();
            }
            control.addLast(message);
        }
        pump();
    }

    /** Starts sending on this thread, unless a send is already under way. */
    private void pump() {
        loop.pump();
    }

    @Override
    public boolean isOver() {
        return closed.get();
    }

    @Override
    public boolean hasMore() {
        synchronized (control) {
            Control head = control.peekFirst();
            if (head != null && (sentTrack != null || head.early())) {
                return true;
            }
        }
        return !mailbox.isEmpty();
    }

    @Override
    public boolean writeNext() {
        try {
            return sendNext();
        } catch (RuntimeException e) {
            // A send refused by the container (the session closed under us, a second send in flight...)
            closeOnPool(new CloseReason(CloseReason.CloseCodes.UNEXPECTED_CONDITION, "send failed"));
            return true;
        }
    }

    /** Starts the next send; false when there is nothing to send. */
    private boolean sendNext() {
        if (initSegmentDue) {
            initSegmentDue = false;
            ByteBuffer init = sentTrack.init().asByteBuffer();
            sendBinary(init, init.remaining());
            return true;
        }
        if (afterInit != null) {
            Mp4Chunk chunk = afterInit;
            afterInit = null;
            sendBinary(chunk.asByteBuffer(), chunk.size());
            return true;
        }
        Control message;
        synchronized (control) {
            Control head = control.peekFirst();
            message = head != null && (sentTrack != null || head.early()) ? control.pollFirst() : null;
        }
        if (message != null) {
            sendText(message.textNow());
            return true;
        }
        Mp4Chunk chunk = mailbox.take();
        if (chunk == null) {
            return false;
        }
        if (sentTrack == null || chunk.track().generation() != sentTrack.generation()) {
            sentTrack = chunk.track();
            initSegmentDue = true;
            afterInit = chunk;
            sendText(initMessage(sentTrack));
            return true;
        }
        sendBinary(chunk.asByteBuffer(), chunk.size());
        return true;
    }

    private void sendBinary(ByteBuffer data, int size) {
        stats.sent(size);
        sendStartedNanos = System.nanoTime();
        remote.sendBinary(data, completion);
    }

    private void sendText(String text) {
        sendStartedNanos = System.nanoTime();
        remote.sendText(text, completion);
    }

    /** How long the send in flight has taken so far, or 0 when none is. */
    @Override
    public long blockedNanos(long now) {
        long started = sendStartedNanos;
        return started == 0 ? 0 : now - started;
    }

    private void onSent(SendResult result) {
        sendStartedNanos = 0;
        if (!result.isOK()) {
            loop.failed();
            closeOnPool(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, "send failed or timed out"));
            return;
        }
        loop.completed(); // inline, the sending loop goes on; later, this completion thread does
    }

    static String initMessage(VideoTrack track) {
        Map<String, Object> init = new LinkedHashMap<>();
        init.put("type", "init");
        init.put("codec", track.init().codecs());
        init.put("audio", track.init().audio() != null);
        init.put("width", track.width());
        init.put("height", track.height());
        init.put("generation", track.generation());
        init.put("serverTime", System.currentTimeMillis());
        return Responses.json(init);
    }

    /** Closes from a sending thread, which may be the camera's: closing may stop the camera. */
    private void closeOnPool(CloseReason reason) {
        WriteLoop.runOff(executor, () -> close(reason));
    }

    /** Ends the viewer: a camera removed, the server stopping, a send that took too long. */
    @Override
    public void end(String reason) {
        close(new CloseReason(CloseReason.CloseCodes.GOING_AWAY, reason));
    }

    /** Ends the viewer and releases what it held, once; the session is closed on the pool. */
    void close(CloseReason reason) {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        // Tomcat may hold on to the session for its close timeout, or for good (its waitingProcessors can keep
        // an upgraded connection's processor after the socket closed): not with a GOP inside.
        mailbox.clear();
        synchronized (control) {
            control.clear();
        }
        try {
            onClose.accept(this);
        } finally {
            WriteLoop.runOff(executor, () -> closeSession(reason));
        }
    }

    private void closeSession(CloseReason reason) {
        try {
            if (session.isOpen()) {
                session.close(reason);
            }
        } catch (IOException | RuntimeException e) {
            // already closing, or the close frame could not be sent: the container drops the connection
        }
    }

    boolean isClosed() {
        return closed.get();
    }
}
