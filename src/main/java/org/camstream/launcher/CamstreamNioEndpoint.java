package org.camstream.launcher;

import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Lock;
import org.apache.coyote.Processor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SecureNioChannel;
import org.apache.tomcat.util.net.SocketEvent;
import org.apache.tomcat.util.net.SocketWrapperBase;
import org.camstream.launcher.HeadDeadlines.Waiting;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tomcat's NIO endpoint with two timeouts Tomcat does not have.
 *
 * <ul>
 * <li>A write timeout of its own. Tomcat uses {@code connectionTimeout} both for how long a new connection may
 * take to send its request and for how long a response may wait on a socket that takes no data. camstream
 * wants the first short, so that half-sent requests give their slot back quickly, and the second longer than
 * its own stall handling, which closes a viewer that accepts nothing for 10 s.</li>
 * <li>Deadlines for connections that have not sent their whole request head ({@link HeadDeadlines}).
 * {@code connectionTimeout} restarts with every byte, so a client that sends one header byte every few
 * seconds (slowloris) would keep its connection, and a slot of {@code maxConnections}, for ever; and even
 * 5 s of silence per connection lets a few hundred of them, replaced as they close, keep a server full.</li>
 * </ul>
 *
 * <p>A connection waits for its request head when Tomcat has parked it with a processor that is neither
 * asynchronous (a stream) nor upgraded (a WebSocket): between requests of a keep-alive connection the processor
 * is released, and while a thread works on a request the connection has none. (A sendfile transfer would look
 * the same, which is why the connector has sendfile off.) Or when it has not been handed to a thread at all
 * since its accept: nothing came; over TLS, until its handshake is complete.
 */
final class CamstreamNioEndpoint extends NioEndpoint {

    private static final Logger LOG = LoggerFactory.getLogger(CamstreamNioEndpoint.class);
    private static final long SWEEP_MILLIS = 100;
    /** Not crowded, only the 10 s deadline is looked at, so once a second is soon enough. */
    private static final int SWEEPS_PER_CALM_SCAN = 10;

    private final long writeTimeoutMillis;
    private final HeadDeadlines deadlines;
    /**
     * Accepted connections with their accept time, until they are first handed to a thread (over TLS, until
     * their handshake is complete) or closed. Keyed by channel, as Tomcat's own map, so that a connection is in
     * it before the poller can hand it over. At most the open connections, and those closed since the last scan.
     */
    private final Map<SocketChannel, Long> unheard = new ConcurrentHashMap<>();
    private final AtomicLong closedWaiting = new AtomicLong();
    private ScheduledFuture<?> sweeps;
    private int sweep;
    private boolean wasCrowded;
    private long closedWhenCrowded;

    CamstreamNioEndpoint(long writeTimeoutMillis, HeadDeadlines deadlines) {
        this.writeTimeoutMillis = writeTimeoutMillis;
        this.deadlines = deadlines;
    }

    @Override
    protected boolean setSocketOptions(SocketChannel socket) {
        unheard.put(socket, System.nanoTime());
        if (!super.setSocketOptions(socket)) {
            unheard.remove(socket);
            return false;
        }
        SocketWrapperBase<NioChannel> wrapper = connections.get(socket);
        if (wrapper != null) {
            // The poller looks at the write timeout only while a write is pending, which cannot be the case yet.
            wrapper.setWriteTimeout(writeTimeoutMillis);
        }
        return true;
    }

    @Override
    public boolean processSocket(SocketWrapperBase<NioChannel> wrapper, SocketEvent event, boolean dispatch) {
        NioChannel socket = wrapper == null ? null : wrapper.getSocket();
        if (socket != null && !(socket instanceof SecureNioChannel) && socket.getIOChannel() != null) {
            unheard.remove(socket.getIOChannel());
        }
        return super.processSocket(wrapper, event, dispatch);
    }

    /** Makes room for a new connection, when every slot is taken, before Tomcat's acceptor waits for one. */
    @Override
    protected void countUpOrAwaitConnection() throws InterruptedException {
        if (getMaxConnections() != -1 && getConnectionCount() >= getMaxConnections()) {
            try {
                deadlines.evictable(waiting(), System.nanoTime()).ifPresent(this::closeIfStillWaiting);
            } catch (RuntimeException e) {
                // The acceptor would count this as an accept failure and pause; the sweep frees a slot soon.
                LOG.error("Could not look for a connection to make room for a new one", e);
            }
        }
        super.countUpOrAwaitConnection();
    }

    @Override
    public void startInternal() throws Exception {
        super.startInternal();
        sweeps = getUtilityExecutor().scheduleWithFixedDelay(this::sweep, SWEEP_MILLIS, SWEEP_MILLIS,
                TimeUnit.MILLISECONDS);
    }

    @Override
    public void stopInternal() {
        if (sweeps != null) {
            sweeps.cancel(false);
        }
        super.stopInternal();
        unheard.clear();
    }

    /** A failure is logged and the next sweep tried: an exception would end the schedule for good. */
    private void sweep() {
        try {
            sweepOnce();
        } catch (RuntimeException e) {
            LOG.error("Could not look for connections that have not sent their request", e);
        }
    }

    private void sweepOnce() {
        long open = getConnectionCount();
        boolean crowded = deadlines.crowded(open);
        if (crowded || ++sweep % SWEEPS_PER_CALM_SCAN == 0) {
            for (SocketWrapperBase<NioChannel> wrapper : deadlines.expired(waiting(), open, System.nanoTime())) {
                closeIfStillWaiting(wrapper);
            }
        }
        if (crowded != wasCrowded) {
            wasCrowded = crowded;
            long closed = closedWaiting.get();
            if (crowded) {
                closedWhenCrowded = closed;
                LOG.warn("{} of {} connections open: connections that have not sent their request within half a"
                        + " second are closed", open, getMaxConnections());
            } else {
                LOG.info("{} of {} connections open again; {} that had not sent their request were closed", open,
                        getMaxConnections(), closed - closedWhenCrowded);
            }
        }
    }

    /** Every connection waiting for its request head, and since when; forgets those heard from or closed. */
    private List<Waiting<SocketWrapperBase<NioChannel>>> waiting() {
        List<Waiting<SocketWrapperBase<NioChannel>>> waiting = new ArrayList<>();
        for (SocketWrapperBase<NioChannel> wrapper : connections.values()) {
            Waiting<SocketWrapperBase<NioChannel>> w = waiting(wrapper);
            if (w != null) {
                waiting.add(w);
            }
        }
        unheard.keySet().removeIf(channel -> !channel.isOpen());
        return waiting;
    }

    private Waiting<SocketWrapperBase<NioChannel>> waiting(SocketWrapperBase<NioChannel> wrapper) {
        Object current = wrapper.getCurrentProcessor();
        if (current instanceof Processor processor) {
            // An upgraded processor (a WebSocket, or a stream StreamingResponse has taken over) has no request.
            if (processor.isAsync() || processor.isUpgrade() || processor.getRequest() == null) {
                return null;
            }
            long started = processor.getRequest().getStartTimeNanos();
            // -1: no byte of a request yet, which keepAliveTimeout covers.
            return started == -1 ? null : new Waiting<>(wrapper, started, false);
        }
        NioChannel socket = wrapper.getSocket();
        // A wrapper being closed gives its channel back: none, none waiting.
        SocketChannel channel = socket == null ? null : socket.getIOChannel();
        Long accepted = channel == null ? null : unheard.get(channel);
        if (accepted == null || current != null) {
            return null;
        }
        if (socket instanceof SecureNioChannel tls && tls.isHandshakeComplete()) {
            unheard.remove(channel);
            return null;
        }
        return wrapper instanceof NioSocketWrapper nio && nio.interestOpsHas(SelectionKey.OP_READ)
                ? new Waiting<>(wrapper, accepted, true) : null;
    }

    /**
     * Closes a connection found waiting, unless a thread has taken it up since; with the connection's lock, as
     * Tomcat's own threads close one, so that nothing works on it meanwhile.
     */
    private void closeIfStillWaiting(SocketWrapperBase<NioChannel> wrapper) {
        Lock lock = wrapper.getLock();
        if (!lock.tryLock()) {
            return; // a thread is on it: it is no longer waiting
        }
        try {
            if (wrapper.isClosed() || waiting(wrapper) == null) {
                return;
            }
            wrapper.close();
        } finally {
            lock.unlock();
        }
        closedWaiting.incrementAndGet();
    }
}
