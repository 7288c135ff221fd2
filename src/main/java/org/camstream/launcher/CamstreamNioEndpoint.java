package org.camstream.launcher;

import java.nio.channels.SocketChannel;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.coyote.Processor;
import org.apache.tomcat.util.net.NioChannel;
import org.apache.tomcat.util.net.NioEndpoint;
import org.apache.tomcat.util.net.SocketWrapperBase;

/**
 * Tomcat's NIO endpoint with two timeouts Tomcat does not have.
 *
 * <ul>
 * <li>A write timeout of its own. Tomcat uses {@code connectionTimeout} both for how long a new connection may
 * take to send its request and for how long a response may wait on a socket that takes no data. camstream
 * wants the first short, so that half-sent requests give their slot back quickly, and the second longer than
 * its own stall handling, which closes a viewer that accepts nothing for 10 s.</li>
 * <li>A deadline for the whole request head. {@code connectionTimeout} restarts with every byte, so a client
 * that sends one header byte every few seconds (slowloris) would keep its connection, and a slot of
 * {@code maxConnections}, for ever. Here a request whose line and headers are not complete this long after
 * their first byte is timed out by Tomcat's own poller, exactly as an expired {@code connectionTimeout} is.</li>
 * </ul>
 */
final class CamstreamNioEndpoint extends NioEndpoint {

    private final long writeTimeoutMillis;
    private final long requestHeadNanos;
    private ScheduledFuture<?> deadlines;

    CamstreamNioEndpoint(long writeTimeoutMillis, long requestHeadMillis) {
        this.writeTimeoutMillis = writeTimeoutMillis;
        this.requestHeadNanos = TimeUnit.MILLISECONDS.toNanos(requestHeadMillis);
    }

    @Override
    protected boolean setSocketOptions(SocketChannel socket) {
        if (!super.setSocketOptions(socket)) {
            return false;
        }
        // The poller looks at the write timeout only while a write is pending, which cannot be the case yet.
        SocketWrapperBase<NioChannel> wrapper = connections.get(socket);
        if (wrapper != null) {
            wrapper.setWriteTimeout(writeTimeoutMillis);
        }
        return true;
    }

    @Override
    public void startInternal() throws Exception {
        super.startInternal();
        deadlines = getUtilityExecutor().scheduleWithFixedDelay(this::expireSlowRequestHeads, 1, 1, TimeUnit.SECONDS);
    }

    @Override
    public void stopInternal() {
        if (deadlines != null) {
            deadlines.cancel(false);
        }
        super.stopInternal();
    }

    /**
     * Gives every request whose head is still incomplete after the deadline a read timeout of 1 ms; the poller,
     * which checks timeouts about once a second, then closes the connection on its own thread, the way it closes
     * any timed-out one.
     *
     * <p>A connection has a current processor only while no thread works on it. Between requests of a keep-alive
     * connection the processor is released, so a current processor that is neither asynchronous (a stream) nor
     * upgraded (a WebSocket) waits for the rest of a request line or of the headers. (Or for a sendfile
     * transfer, which is why the connector has sendfile off.) Tomcat's stage for such a request says ENDED, not
     * PARSE, so it cannot tell this apart.
     */
    private void expireSlowRequestHeads() {
        long now = System.nanoTime();
        for (SocketWrapperBase<NioChannel> wrapper : connections.values()) {
            if (wrapper.getCurrentProcessor() instanceof Processor processor && !processor.isAsync()
                    && !processor.isUpgrade()) {
                long started = processor.getRequest().getStartTimeNanos();
                // -1: no byte of a request yet, which connectionTimeout (or keepAliveTimeout) covers.
                if (started != -1 && now - started > requestHeadNanos) {
                    wrapper.setReadTimeout(1);
                }
            }
        }
    }
}
