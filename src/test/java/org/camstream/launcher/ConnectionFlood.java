package org.camstream.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * Many raw connections to one server, all served by one NIO thread: half-sent requests (silent or dripping a
 * header byte at a time, as in a slowloris attack), MJPEG viewers that read and discard everything, and
 * viewers that never read. It notices when the server closes a connection.
 */
final class ConnectionFlood implements AutoCloseable {

    enum Kind {
        /** The request line and one header, then nothing. */
        SILENT,
        /** The request line and one header, then one more header byte per connection every drip interval. */
        DRIP,
        /** A whole GET whose response is read and thrown away as fast as it comes. */
        READER,
        /** A whole GET, with a small receive buffer, whose response is never read. */
        STALLED
    }

    static final String PARTIAL_REQUEST = "GET /stream.mjpeg HTTP/1.1\r\nHost: x\r\n";
    /** What a dripping connection sends, one byte at a time, over and over: valid header lines. */
    private static final byte[] DRIP_BYTES = "X-a: b\r\n".getBytes(StandardCharsets.US_ASCII);

    private final InetSocketAddress server;
    private final long dripIntervalNanos;
    private final Selector selector;
    private final Queue<Connection> pending = new ConcurrentLinkedQueue<>();
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean closed;
    private volatile IOException failure;

    private static final class Connection {
        final SocketChannel channel;
        final Kind kind;
        volatile long bytesRead;
        volatile boolean closedByServer;
        int drip;

        Connection(SocketChannel channel, Kind kind) {
            this.channel = channel;
            this.kind = kind;
        }
    }

    ConnectionFlood(int port, long dripIntervalMillis) throws IOException {
        this.server = new InetSocketAddress("127.0.0.1", port);
        this.dripIntervalNanos = TimeUnit.MILLISECONDS.toNanos(dripIntervalMillis);
        this.selector = Selector.open();
        this.thread = new Thread(this::loop, "connection-flood");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Opens {@code count} connections of one kind; returns how many connected within {@code connectMillis}
     * each. A server at its connection limit leaves new ones in the kernel's accept queue, where they still
     * connect; when that queue is full too, they time out.
     */
    int open(Kind kind, int count, String path, int connectMillis) throws IOException {
        return openRaw(kind, count, kind == Kind.SILENT || kind == Kind.DRIP ? PARTIAL_REQUEST
                : "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n", connectMillis);
    }

    /** Like {@link #open(Kind, int, String, int)}, with the request's bytes as given. */
    int openRaw(Kind kind, int count, String request, int connectMillis) throws IOException {
        int connected = 0;
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open();
            if (kind == Kind.STALLED) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            }
            try {
                channel.socket().connect(server, connectMillis);
                channel.write(ByteBuffer.wrap(request.getBytes(StandardCharsets.US_ASCII)));
                channel.configureBlocking(false);
            } catch (IOException e) {
                channel.close();
                continue;
            }
            Connection connection = new Connection(channel, kind);
            connections.add(connection);
            pending.add(connection);
            connected++;
        }
        selector.wakeup();
        return connected;
    }

    /** Connections of this kind the server has not closed (as far as this client has seen). */
    int open(Kind kind) {
        return (int) connections.stream().filter(c -> c.kind == kind && !c.closedByServer).count();
    }

    int total(Kind kind) {
        return (int) connections.stream().filter(c -> c.kind == kind).count();
    }

    /** The fewest bytes any open connection of this kind has received. */
    long minBytesRead(Kind kind) {
        return connections.stream().filter(c -> c.kind == kind && !c.closedByServer)
                .mapToLong(c -> c.bytesRead).min().orElse(0);
    }

    private void loop() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        long nextDrip = System.nanoTime() + dripIntervalNanos;
        try {
            while (!closed) {
                for (Connection c = pending.poll(); c != null; c = pending.poll()) {
                    // A stalled viewer is registered too, but without interest: only closing it touches it.
                    c.channel.register(selector, c.kind == Kind.STALLED ? 0 : SelectionKey.OP_READ, c);
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    buffer.clear();
                    int n;
                    try {
                        n = c.channel.read(buffer);
                    } catch (IOException e) {
                        n = -1;
                    }
                    if (n < 0) {
                        c.closedByServer = true;
                        key.cancel();
                        c.channel.close();
                    } else {
                        c.bytesRead += n;
                    }
                }
                selector.selectedKeys().clear();
                if (dripIntervalNanos > 0 && System.nanoTime() >= nextDrip) {
                    nextDrip += dripIntervalNanos;
                    for (Connection c : connections) {
                        if (c.kind == Kind.DRIP && !c.closedByServer) {
                            drip(c);
                        }
                    }
                }
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    private static void drip(Connection c) {
        try {
            if (c.channel.write(ByteBuffer.wrap(DRIP_BYTES, c.drip % DRIP_BYTES.length, 1)) == 1) {
                c.drip++;
            }
        } catch (IOException e) {
            c.closedByServer = true;
        }
    }

    void checkHealthy() {
        if (failure != null) {
            throw new AssertionError("the flood's selector failed", failure);
        }
    }

    @Override
    public void close() throws IOException, InterruptedException {
        closed = true;
        selector.wakeup();
        thread.join(5000);
        for (Connection c : connections) {
            c.channel.close();
        }
        selector.close();
    }
}
