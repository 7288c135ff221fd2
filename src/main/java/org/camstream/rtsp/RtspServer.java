package org.camstream.rtsp;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.camstream.camera.Camera;
import org.camstream.camera.CaptureStatus;
import org.camstream.camera.Cameras;
import org.camstream.process.Lease;
import org.camstream.process.LogLimiter;
import org.camstream.stream.Mp4Chunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * camstream's RTSP 1.0 server (RFC 2326): {@code rtsp://host:8554/<camera>}, for Home Assistant, Frigate, NVRs and
 * VLC. One thread serves every connection with a selector, and every UDP client from one pair of ports; a client
 * costs its connection's buffers and its session's mailbox, never a thread. Each picture is packetized once, by
 * {@link Mp4Chunk#rtp()}, and its payloads are shared by every client; a client only adds its own headers.
 *
 * <p>It starts and stops with the web application, under the embedded Tomcat and under Debian's tomcat10 alike.
 * When its port is taken (the application before it still closing it, or another program), it says so in the
 * status and the log, and tries again every {@link #BIND_RETRY_NANOS} ns until it can listen.
 */
public final class RtspServer implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(RtspServer.class);
    static final long BIND_RETRY_NANOS = 2_000_000_000L;
    /** How often timeouts, stalls and reports are looked at. */
    private static final long TICK_NANOS = 200_000_000L;
    private static final long REPORT_INTERVAL_NANOS = 5_000_000_000L;
    /** What one UDP client may be sent in one turn of the loop, so a burst (the cached GOP) is paced. */
    static final int UDP_TURN_BYTES = 48 * 1024;
    private static final long UDP_TURN_MILLIS = 2;

    /**
     * @param host the address to listen on ("0.0.0.0" for all)
     * @param port the RTSP port
     * @param rtpPort the even UDP port of RTP (RTCP is the next); 0 for no UDP
     * @param sessionTimeout how long a session lives without a word from its client
     * @param describeWait how long a DESCRIBE waits for a camera's first picture
     * @param viewerTimeout how long a client may accept nothing before it is dropped
     * @param maxConnections connections served at once; one more is closed at once
     */
    public record Options(String host, int port, int rtpPort, Duration sessionTimeout, Duration describeWait,
            Supplier<Duration> viewerTimeout, int maxConnections) {
    }

    /** Who may watch: a viewer's place under max-viewers with a claim on the camera's fMP4. */
    public interface Admission {
        /** The place, or null when the camera or the server is full ({@link #refusal} says which). */
        Lease admit(Camera camera);

        String refusal(Camera camera);
    }

    /** The server as the status shows it. */
    public record Status(boolean listening, int port, Integer udpRtpPort, String problem, int connections,
            int sessions) {
    }

    /** One client, as the status shows it. */
    public record Client(String address, String transport, String session, Instant since, long bytes,
            long packets, long droppedPictures, long droppedPackets, String state) {
    }

    private final Options options;
    private final Cameras cameras;
    private final Admission admission;
    private final LongSupplier nanos;
    private final RequestHandler handler;
    private final Selector selector;
    private final Thread thread;
    private final AtomicBoolean wakeupPending = new AtomicBoolean();
    private final ConcurrentLinkedQueue<RtspSession> ready = new ConcurrentLinkedQueue<>();
    private final Map<String, RtspSession> sessions = new ConcurrentHashMap<>();
    private final List<RtspConnection> connections = new ArrayList<>();
    private final Map<InetSocketAddress, RtspSession> udpClients = new HashMap<>();
    private final List<RtspSession> udpBacklog = new ArrayList<>();
    private final LogLimiter refusals = LogLimiter.standard();
    private final PacketWriter packets = new PacketWriter();
    private final long sdpSessionId = System.currentTimeMillis() / 1000;
    private volatile boolean open = true;
    private volatile String problem;
    private volatile boolean listening;
    private ServerSocketChannel server;
    private UdpPorts udp;
    private String udpProblem;
    private long nextBindNanos;
    private long nextTickNanos;

    private RtspServer(Options options, Cameras cameras, Admission admission, Logins logins, LongSupplier nanos,
            LongSupplier millis) throws IOException {
        this.options = options;
        this.cameras = cameras;
        this.admission = admission;
        this.nanos = nanos;
        this.handler = new RequestHandler(this, new RtspAuth(logins, millis));
        this.selector = Selector.open();
        this.thread = new Thread(this::run, "camstream-rtsp");
        thread.setDaemon(true);
    }

    /** Starts serving; a port that is taken is tried again in the background, and the status says so. */
    public static RtspServer start(Options options, Cameras cameras, Admission admission, Logins logins)
            throws IOException {
        return start(options, cameras, admission, logins, System::nanoTime, System::currentTimeMillis);
    }

    static RtspServer start(Options options, Cameras cameras, Admission admission, Logins logins, LongSupplier nanos,
            LongSupplier millis) throws IOException {
        RtspServer rtsp = new RtspServer(options, cameras, admission, logins, nanos, millis);
        rtsp.bindUdp();
        rtsp.bind();
        rtsp.thread.start();
        return rtsp;
    }

    // ---------------------------------------------------------------- binding

    private void bind() {
        ServerSocketChannel channel = null;
        try {
            channel = ServerSocketChannel.open();
            channel.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            channel.bind(new InetSocketAddress(options.host(), options.port()), 64);
            channel.configureBlocking(false);
            channel.register(selector, SelectionKey.OP_ACCEPT);
            server = channel;
            listening = true;
            if (problem != null) {
                LOG.info("RTSP: listening on port {} now", port());
            } else {
                LOG.info("RTSP: listening on port {}{}", port(), udp == null ? " (TCP only: " + udpProblem + ")"
                        : ", RTP over UDP from ports " + udp.rtpPort() + "-" + (udp.rtpPort() + 1));
            }
            problem = null;
        } catch (IOException e) {
            closeQuietly(channel);
            String why = "port " + options.port() + " cannot be listened on (" + e.getMessage()
                    + "): is another server using it? camstream tries again every 2 s";
            if (!why.equals(problem)) {
                LOG.warn("RTSP: {}", why);
            }
            problem = why;
            nextBindNanos = nanos.getAsLong() + BIND_RETRY_NANOS;
        }
    }

    private void bindUdp() {
        if (options.rtpPort() == 0) {
            udpProblem = "rtsp-rtp-port is 0";
            return;
        }
        try {
            udp = UdpPorts.bind(options.host(), options.rtpPort());
            udp.register(selector);
        } catch (IOException e) {
            udp = null;
            udpProblem = "UDP ports " + options.rtpPort() + "-" + (options.rtpPort() + 1) + " cannot be bound: "
                    + e.getMessage();
            LOG.warn("RTSP: {}; clients get RTP over TCP only", udpProblem);
        }
    }

    // ---------------------------------------------------------------- the loop

    private void run() {
        try {
            while (open) {
                long now = nanos.getAsLong();
                if (server == null && now >= nextBindNanos) {
                    bind();
                }
                long waitMillis = !udpBacklog.isEmpty() ? UDP_TURN_MILLIS : Math.max(1, TICK_NANOS / 1_000_000);
                selector.select(waitMillis);
                wakeupPending.set(false);
                now = nanos.getAsLong();
                for (SelectionKey key : selector.selectedKeys()) {
                    handleKey(key, now);
                }
                selector.selectedKeys().clear();
                serveReady(now);
                if (now >= nextTickNanos) {
                    nextTickNanos = now + TICK_NANOS;
                    tick(now);
                }
            }
        } catch (ClosedSelectorException e) {
            // closing
        } catch (IOException | RuntimeException e) {
            LOG.error("RTSP: the server's thread failed; RTSP is off until the server restarts", e);
            problem = "the RTSP server failed: " + e;
        } finally {
            shutDown();
        }
    }

    private void handleKey(SelectionKey key, long now) {
        if (!key.isValid()) {
            return;
        }
        if (key.attachment() instanceof UdpPorts ports) {
            InetSocketAddress from;
            while ((from = ports.receive(ports.isRtcp(key.channel()))) != null) {
                RtspSession session = udpClients.get(from);
                if (session != null) {
                    session.heard(now);
                }
            }
            return;
        }
        if (key.isAcceptable()) {
            accept(now);
            return;
        }
        RtspConnection connection = (RtspConnection) key.attachment();
        try {
            if (key.isReadable() && !connection.read(handler, now)) {
                close(connection, null);
                return;
            }
            if (key.isValid()) {
                flush(connection, now); // answers go out at once, without waiting for the next turn
            }
        } catch (IOException e) {
            close(connection, null); // reset by the client, or gone
        }
    }

    private void accept(long now) {
        SocketChannel channel;
        try {
            while ((channel = server.accept()) != null) {
                if (connections.size() >= options.maxConnections()) {
                    String line = refusals.admit("RTSP: refused a connection from " + channel.getRemoteAddress()
                            + ": " + connections.size() + " connections are open, the most served");
                    if (line != null) {
                        LOG.warn(line);
                    }
                    closeQuietly(channel);
                    continue;
                }
                channel.configureBlocking(false);
                channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
                SelectionKey key = channel.register(selector, SelectionKey.OP_READ);
                RtspConnection connection = new RtspConnection(channel, key, now);
                key.attach(connection);
                connections.add(connection);
                connectionCount = connections.size();
            }
        } catch (IOException e) {
            LOG.debug("RTSP: accept failed", e);
        }
    }

    private void flush(RtspConnection connection, long now) throws IOException {
        if (!connection.flush(() -> refill(connection, now), now)) {
            close(connection, null);
            return;
        }
        if (connection.pending() == null && connection.hasBuffered() && connection.key().isValid()) {
            connection.parse(handler, now); // requests held back while answers were waiting
        }
    }

    /** Hands the connection its next picture from one of its playing TCP sessions. */
    private void refill(RtspConnection connection, long now) {
        for (RtspSession session : connection.sessions()) {
            if (session.state() != RtspSession.State.PLAYING || session.udp()) {
                continue;
            }
            session.dequeued();
            Mp4Chunk chunk = session.take();
            if (chunk != null) {
                packets.interleave(connection, session, chunk, now, REPORT_INTERVAL_NANOS);
                return;
            }
        }
    }

    /** Sends what the sessions that were offered pictures have waiting. */
    private void serveReady(long now) {
        for (RtspSession session; (session = ready.poll()) != null; ) {
            if (session.state() != RtspSession.State.PLAYING) {
                continue;
            }
            if (session.udp()) {
                if (!udpBacklog.contains(session)) {
                    udpBacklog.add(session);
                }
            } else {
                RtspConnection connection = session.connection();
                if (connection.mediaIdle() && connection.key().isValid()) {
                    try {
                        flush(connection, now);
                    } catch (IOException e) {
                        close(connection, null);
                    }
                } else {
                    session.dequeued(); // the connection's next write takes it
                }
            }
        }
        for (int i = udpBacklog.size() - 1; i >= 0; i--) {
            RtspSession session = udpBacklog.get(i);
            session.dequeued();
            if (session.state() != RtspSession.State.PLAYING
                    || !packets.sendUdp(udp, session, UDP_TURN_BYTES, now, REPORT_INTERVAL_NANOS)) {
                udpBacklog.remove(i);
            }
        }
    }

    /** Timeouts, stalls, removed cameras and DESCRIBEs that wait. */
    private void tick(long now) {
        long sessionTimeout = options.sessionTimeout().toNanos();
        long viewerTimeout = options.viewerTimeout().get().toNanos();
        for (RtspConnection connection : new ArrayList<>(connections)) {
            if (connection.stalled(now, viewerTimeout)) {
                close(connection, "accepted nothing for " + options.viewerTimeout().get().toMillis() / 1000.0 + " s");
                continue;
            }
            RtspConnection.PendingDescribe pending = connection.pending();
            if (pending != null) {
                handler.answerPending(connection, now >= pending.deadlineNanos());
                if (connection.pending() == null) {
                    try {
                        flush(connection, now);
                    } catch (IOException e) {
                        close(connection, null);
                        continue;
                    }
                }
            }
            for (RtspSession session : new ArrayList<>(connection.sessions())) {
                if (session.camera().isClosed()) {
                    close(connection, "camera " + session.camera().name() + " was removed");
                    break;
                }
                // Over TCP the session lives as long as its connection, which the stall check watches, as
                // MediaMTX does: NVRs that send no keep-alive on a TCP stream are common. A UDP session (and
                // one with no track yet) needs a request or a receiver report within the timeout.
                boolean heldByConnection = session.hasTracks() && !session.udp();
                if (!heldByConnection && now - session.lastHeardNanos() > sessionTimeout) {
                    LOG.info("RTSP: {} session {} timed out: nothing from the client for {} s", describe(connection),
                            session.id(), options.sessionTimeout().toSeconds());
                    end(session, null);
                }
            }
            if (connection.sessions().isEmpty() && connection.pending() == null
                    && now - connection.lastRequestNanos() > sessionTimeout && connections.contains(connection)) {
                close(connection, null); // idle, without a session
            }
        }
    }

    // ---------------------------------------------------------------- sessions

    RtspSession open(Camera camera, RtspConnection connection, Lease place, long now) {
        RtspSession session = new RtspSession(camera, connection, place, now, System.currentTimeMillis(),
                this::wakeUp);
        connection.sessions().add(session);
        sessions.put(session.id(), session);
        return session;
    }

    /** A track was set up: a UDP one is known by its ports, for the receiver reports that keep it alive. */
    void trackAdded(RtspSession session, int index) {
        TrackOut track = session.track(index);
        if (!track.transport().tcp()) {
            udpClients.put(track.rtcpTarget(), session);
            udpClients.put(track.rtpTarget(), session);
        }
    }

    void play(RtspSession session) {
        session.play();
        session.camera().mp4().subscribe(session);
        LOG.info("RTSP: {} plays camera {} over {}", describe(session.connection()), session.camera().name(),
                session.udp() ? "UDP" : "TCP");
    }

    /** Ends a session: it stops getting pictures and gives its place back. */
    void end(RtspSession session, String why) {
        if (session.state() == RtspSession.State.ENDED) {
            return;
        }
        if (session.state() == RtspSession.State.PLAYING) {
            session.camera().mp4().unsubscribe(session);
        }
        session.end();
        sessions.remove(session.id());
        session.connection().sessions().remove(session);
        udpClients.values().removeIf(s -> s == session);
        udpBacklog.remove(session);
        if (why != null) {
            LOG.info("RTSP: {} session {} ended: {}", describe(session.connection()), session.id(), why);
        }
    }

    private void close(RtspConnection connection, String why) {
        if (!connections.remove(connection)) {
            return;
        }
        connectionCount = connections.size();
        if (why != null) {
            LOG.info("RTSP: closed {}: {}", describe(connection), why);
        }
        for (RtspSession session : new ArrayList<>(connection.sessions())) {
            end(session, null);
        }
        connection.discard();
        connection.key().cancel();
        closeQuietly(connection.channel());
    }

    /** Called on a camera's thread when a session was offered a picture: the loop sends it. */
    private void wakeUp(RtspSession session) {
        ready.add(session);
        if (wakeupPending.compareAndSet(false, true)) {
            selector.wakeup();
        }
    }

    private static String describe(RtspConnection connection) {
        InetSocketAddress peer = connection.peer();
        return peer.getAddress().getHostAddress() + ":" + peer.getPort();
    }

    // ---------------------------------------------------------------- what the handler asks

    Cameras cameras() {
        return cameras;
    }

    Admission admission() {
        return admission;
    }

    Options options() {
        return options;
    }

    UdpPorts udp() {
        return udp;
    }

    String udpProblem() {
        return udpProblem;
    }

    int udpRtpPort() {
        return udp == null ? 0 : udp.rtpPort();
    }

    /** The port listened on, which is the one asked for unless it was 0. */
    public int port() {
        ServerSocketChannel channel = server;
        if (channel != null) {
            try {
                return ((InetSocketAddress) channel.getLocalAddress()).getPort();
            } catch (IOException | RuntimeException e) {
                // closed
            }
        }
        return options.port();
    }

    java.net.InetAddress localAddress(RtspConnection connection) {
        try {
            return ((InetSocketAddress) connection.channel().getLocalAddress()).getAddress();
        } catch (IOException e) {
            return java.net.InetAddress.getLoopbackAddress();
        }
    }

    /** The SDP origin's session id: the server's start, which is the same for as long as it runs. */
    long sdpSessionId() {
        return sdpSessionId;
    }

    String cameraTrouble(Camera camera) {
        CaptureStatus status = camera.status();
        return "it is " + status.state().id() + (status.lastError() == null ? "" : " (" + status.lastError().message()
                + ")");
    }

    // ---------------------------------------------------------------- status

    public Status status() {
        return new Status(listening && open, port(), udp == null ? null : udp.rtpPort(), problem != null ? problem
                : udp == null && listening ? "RTP over UDP is off: " + udpProblem : null, connectionCount(),
                sessions.size());
    }

    private volatile int connectionCount;

    private int connectionCount() {
        return connectionCount;
    }

    /** The camera's RTSP clients, playing or set up. */
    public List<Client> clients(String camera) {
        List<Client> clients = new ArrayList<>();
        for (RtspSession session : sessions.values()) {
            if (!session.camera().name().equals(camera)) {
                continue;
            }
            InetSocketAddress peer = session.connection().peer();
            clients.add(new Client(peer.getAddress().getHostAddress() + ":" + peer.getPort(),
                    session.udp() ? "udp" : "tcp", session.id(), Instant.ofEpochMilli(session.startedMillis()),
                    session.bytesSent(), session.packetsSent(), session.droppedPictures(), session.packetsDropped(),
                    session.state().name().toLowerCase(java.util.Locale.ROOT)));
        }
        return clients;
    }

    // ---------------------------------------------------------------- closing

    /** Stops listening and ends every session; returns once the port is free. */
    @Override
    public void close() {
        open = false;
        selector.wakeup();
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            shutDown(); // the thread is stuck; free the ports anyway
        }
    }

    private synchronized void shutDown() {
        for (RtspConnection connection : new ArrayList<>(connections)) {
            close(connection, null);
        }
        closeQuietly(server);
        server = null;
        listening = false;
        if (udp != null) {
            udp.close();
        }
        try {
            selector.close();
        } catch (IOException ignored) {
            // closing
        }
    }

    private static void closeQuietly(java.nio.channels.Channel channel) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }
}
