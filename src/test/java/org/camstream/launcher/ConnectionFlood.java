package org.camstream.launcher;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.TimeUnit;

/**
 * Many raw connections to one server, all served by one NIO thread: half-sent requests (silent, or dripping
 * header bytes as in a slowloris attack), MJPEG viewers that read and discard everything, and viewers that
 * never read. Connecting does not block, so a server at its connection limit, whose kernel queue is full,
 * only leaves connections pending; they connect when the server makes room. It notices when the server
 * closes a connection, and can replace each one so closed at once, as an attacker would ({@link #hold}).
 */
final class ConnectionFlood implements AutoCloseable {

    enum Kind {
        /** The request line and one header, then nothing. */
        SILENT,
        /** The request line and one header, then one more header byte every drip interval. */
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
    private final Set<Connection> connections = ConcurrentHashMap.newKeySet();
    /** The kinds whose connections are replaced when the server closes them. */
    private final Set<Kind> held = ConcurrentHashMap.newKeySet();
    private final AtomicLong replaced = new AtomicLong();
    private final Thread thread;
    private volatile boolean closed;
    private volatile IOException failure;

    private static final class Connection {
        final SocketChannel channel;
        final Kind kind;
        final ByteBuffer request;
        volatile boolean connected;
        volatile boolean closedByServer;
        volatile boolean closedHere;
        volatile boolean failed;
        volatile long bytesRead;
        /** The status code of the response, once its status line arrived; 0 before. */
        volatile int status;
        volatile long openedNanos = System.nanoTime();
        volatile long answeredNanos;
        final byte[] statusLine = new byte[12];
        int drip;

        Connection(SocketChannel channel, Kind kind, byte[] request) {
            this.channel = channel;
            this.kind = kind;
            this.request = ByteBuffer.wrap(request);
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

    /** Starts {@code count} connections of one kind, each sending a GET of {@code path} (or half of one). */
    void open(Kind kind, int count, String path) throws IOException {
        openRaw(kind, count, kind == Kind.SILENT || kind == Kind.DRIP ? PARTIAL_REQUEST
                : "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
    }

    /** Like {@link #open(Kind, int, String)}, with the request's bytes as given. */
    void openRaw(Kind kind, int count, String request) throws IOException {
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open();
            if (kind == Kind.STALLED) {
                channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
            }
            channel.configureBlocking(false);
            Connection connection = new Connection(channel, kind, request.getBytes(StandardCharsets.ISO_8859_1));
            try {
                if (channel.connect(server)) {
                    connection.connected = true;
                }
            } catch (IOException e) {
                connection.failed = true;
                channel.close();
            }
            connections.add(connection);
            if (!connection.failed) {
                pending.add(connection);
            }
        }
        selector.wakeup();
    }

    /**
     * Starts {@code count} half-sent requests of one kind and keeps that many: each one the server closes is
     * forgotten and replaced by a new one at once, until {@link #closeAll} of the kind.
     */
    void hold(Kind kind, int count) throws IOException {
        if (kind != Kind.SILENT && kind != Kind.DRIP) {
            throw new IllegalArgumentException("only half-sent requests are held: " + kind);
        }
        held.add(kind);
        open(kind, count, null);
    }

    /** How many connections {@link #hold} has replaced so far. */
    long replaced() {
        return replaced.get();
    }

    /** Connections of this kind that are established and that neither side has closed. */
    int open(Kind kind) {
        return (int) connections.stream().filter(c -> c.kind == kind && c.connected && !c.closedByServer
                && !c.closedHere).count();
    }

    /** Closes every connection of this kind from this side, and replaces none from now on. */
    void closeAll(Kind kind) throws IOException {
        held.remove(kind);
        for (Connection c : connections) {
            if (c.kind == kind && !c.closedHere) {
                c.closedHere = true;
                c.channel.close();
            }
        }
    }

    /** Connections of this kind the server has closed. */
    int closedByServer(Kind kind) {
        return (int) connections.stream().filter(c -> c.kind == kind && c.closedByServer).count();
    }

    /** Connections of this kind still waiting for the server to take them (or that failed to connect). */
    int notConnected(Kind kind) {
        return (int) connections.stream().filter(c -> c.kind == kind && !c.connected).count();
    }

    /** Connections of this kind whose response had this status code. */
    int answered(Kind kind, int status) {
        return (int) connections.stream().filter(c -> c.kind == kind && c.status == status).count();
    }

    /** For the connections of this kind answered with this status: how long each waited for it, in seconds. */
    double[] secondsToAnswer(Kind kind, int status) {
        return connections.stream().filter(c -> c.kind == kind && c.status == status)
                .mapToDouble(c -> (c.answeredNanos - c.openedNanos) / 1e9).sorted().toArray();
    }

    /** The fewest bytes any open connection of this kind has received. */
    long minBytesRead(Kind kind) {
        return connections.stream().filter(c -> c.kind == kind && c.connected && !c.closedByServer
                && !c.closedHere).mapToLong(c -> c.bytesRead).min().orElse(0);
    }

    private void loop() {
        ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
        long nextDrip = System.nanoTime() + dripIntervalNanos;
        try {
            while (!closed) {
                for (Connection c = pending.poll(); c != null; c = pending.poll()) {
                    if (c.closedHere || !c.channel.isOpen()) {
                        continue; // closed by closeAll on another thread before it got here
                    }
                    try {
                        if (c.connected) {
                            sendRequest(c);
                            if (!c.closedByServer) {
                                c.channel.register(selector, interest(c), c);
                            }
                        } else {
                            c.channel.register(selector, SelectionKey.OP_CONNECT, c);
                        }
                    } catch (ClosedChannelException e) {
                        if (!c.closedHere) {
                            throw e;
                        }
                    }
                }
                selector.select(100);
                for (SelectionKey key : selector.selectedKeys()) {
                    Connection c = (Connection) key.attachment();
                    if (key.isValid() && key.isConnectable()) {
                        try {
                            c.channel.finishConnect();
                            c.connected = true;
                            sendRequest(c);
                            if (!c.closedByServer) {
                                key.interestOps(interest(c));
                            }
                        } catch (CancelledKeyException e) {
                            // closed by closeAll on another thread meanwhile
                        } catch (IOException e) {
                            c.failed = true;
                            key.cancel();
                            c.channel.close();
                        }
                    } else {
                        try {
                            if (key.isValid() && key.isReadable()) {
                                read(c, key, buffer);
                            }
                        } catch (CancelledKeyException e) {
                            // closed by closeAll on another thread meanwhile
                        }
                    }
                }
                selector.selectedKeys().clear();
                if (dripIntervalNanos > 0 && System.nanoTime() >= nextDrip) {
                    nextDrip += dripIntervalNanos;
                    for (Connection c : connections) {
                        if (c.kind == Kind.DRIP && c.connected && !c.closedByServer && !c.closedHere) {
                            drip(c);
                        }
                    }
                }
            }
        } catch (IOException e) {
            failure = e;
        }
    }

    /** A stalled viewer is registered too, but for nothing: only closing it touches it. */
    private static int interest(Connection c) {
        return c.kind == Kind.STALLED ? 0 : SelectionKey.OP_READ;
    }

    /** The request is small: it fits in the socket's send buffer at once. */
    private void sendRequest(Connection c) throws IOException {
        try {
            c.channel.write(c.request);
        } catch (IOException e) {
            closedByServer(c);
        }
    }

    /** The server closed it: replaced when its kind is held. */
    private void closedByServer(Connection c) throws IOException {
        c.closedByServer = true;
        c.channel.close();
        if (held.contains(c.kind) && !closed) {
            connections.remove(c);
            replaced.incrementAndGet();
            openRaw(c.kind, 1, new String(c.request.array(), StandardCharsets.ISO_8859_1));
        }
    }

    private void read(Connection c, SelectionKey key, ByteBuffer buffer) throws IOException {
        buffer.clear();
        int n;
        try {
            n = c.channel.read(buffer);
        } catch (IOException e) {
            n = -1;
        }
        if (n < 0) {
            key.cancel();
            closedByServer(c);
        } else {
            if (c.bytesRead < c.statusLine.length) {
                int copy = (int) Math.min(n, c.statusLine.length - c.bytesRead);
                buffer.flip();
                buffer.get(c.statusLine, (int) c.bytesRead, copy);
                if (c.bytesRead + copy == c.statusLine.length) {
                    // "HTTP/1.1 503": the code is the last three bytes
                    c.status = Integer.parseInt(new String(c.statusLine, 9, 3, StandardCharsets.US_ASCII));
                    c.answeredNanos = System.nanoTime();
                }
            }
            c.bytesRead += n;
        }
    }

    private void drip(Connection c) throws IOException {
        try {
            if (c.channel.write(ByteBuffer.wrap(DRIP_BYTES, c.drip % DRIP_BYTES.length, 1)) == 1) {
                c.drip++;
            }
        } catch (IOException e) {
            closedByServer(c);
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
