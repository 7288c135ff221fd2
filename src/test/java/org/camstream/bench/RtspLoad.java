package org.camstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * RTSP clients over RTP/AVP/TCP (interleaved), as a benchmark's load: each does OPTIONS, DESCRIBE, SETUP of the
 * first video track ({@code interleaved=0-1}) and PLAY, then all are read by one selector thread. It counts, per
 * client, what arrives after the PLAY answer: bytes (the {@code $} framing included), RTP packets on channel 0,
 * RTCP packets on channel 1, pictures (RTP packets with the marker bit, the last of each access unit), gaps in
 * the RTP sequence numbers, and the longest time between two pictures. It keeps no media. Each client sends a
 * {@code GET_PARAMETER} every {@link #KEEP_ALIVE_NANOS} ns with its session, so that a long run's clients are
 * not timed out; the answers are skipped between the frames.
 *
 * <p>The handshakes are made one client after another on blocking channels (a few loopback round trips each);
 * the bytes that came after the PLAY answer in the same read are the first of the stream.
 */
final class RtspLoad implements AutoCloseable {

    private static final long KEEP_ALIVE_NANOS = 15_000_000_000L;
    private static final int HANDSHAKE_BUFFER = 256 * 1024;

    /** One client's counts while measuring. */
    record ClientResult(long bytes, long packets, long rtcp, long pictures, long sequenceGaps, double maxGapMillis,
            long badAnswers, boolean closed) {
    }

    /** What every client received while measuring. */
    record Result(List<ClientResult> clients, double seconds) {

        long bytes() {
            return clients.stream().mapToLong(ClientResult::bytes).sum();
        }

        long packets() {
            return clients.stream().mapToLong(ClientResult::packets).sum();
        }

        long pictures() {
            return clients.stream().mapToLong(ClientResult::pictures).sum();
        }

        long sequenceGaps() {
            return clients.stream().mapToLong(ClientResult::sequenceGaps).sum();
        }

        long closed() {
            return clients.stream().filter(ClientResult::closed).count();
        }

        long badAnswers() {
            return clients.stream().mapToLong(ClientResult::badAnswers).sum();
        }

        double[] sortedFps() {
            return clients.stream().mapToDouble(c -> c.pictures() / seconds).sorted().toArray();
        }

        double slowestFps() {
            double[] fps = sortedFps();
            return fps.length == 0 ? 0 : fps[0];
        }

        double medianFps() {
            double[] fps = sortedFps();
            return fps.length == 0 ? 0 : fps[fps.length / 2];
        }

        /** The longest wait between two pictures of any client, in ms. */
        double maxGapMillis() {
            return clients.stream().mapToDouble(ClientResult::maxGapMillis).max().orElse(0);
        }
    }

    private final Selector selector;
    private final List<Client> clients;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile boolean measuring;
    private volatile long measureStart;
    private volatile long measureEnd;

    private RtspLoad(Selector selector, List<Client> clients) {
        this.selector = selector;
        this.clients = clients;
        this.reader = new Thread(this::read, "rtsp-load");
        this.reader.setDaemon(true);
    }

    /**
     * Connects {@code count} clients to {@code url} (rtsp://host:port/path), plays each over TCP and starts
     * reading them all. A client the server refuses fails the start, with the server's answer.
     */
    static RtspLoad start(String url, int count) throws IOException {
        Selector selector = Selector.open();
        List<Client> clients = new ArrayList<>();
        try {
            for (int i = 0; i < count; i++) {
                Client client = Client.play(url);
                clients.add(client);
                client.channel.configureBlocking(false);
                client.channel.register(selector, SelectionKey.OP_READ, client);
            }
        } catch (IOException | RuntimeException e) {
            for (Client c : clients) {
                c.channel.close();
            }
            selector.close();
            throw e;
        }
        RtspLoad load = new RtspLoad(selector, clients);
        for (Client client : clients) {
            client.scan(client.leftover, 0, client.leftover.length, System.nanoTime(), false);
            client.leftover = null;
        }
        load.reader.start();
        return load;
    }

    int size() {
        return clients.size();
    }

    /** True once every client has had a picture (warm-up or not). */
    boolean everyClientHasPictures() {
        return clients.stream().allMatch(c -> c.picturesEver > 0);
    }

    /** Clients whose connection the server closed. */
    long closed() {
        return clients.stream().filter(c -> c.closed).count();
    }

    /** Starts counting; what arrived before (the warm-up) is not counted. */
    void startMeasuring() {
        for (Client c : clients) {
            c.resetGap = true;
        }
        measureStart = System.nanoTime();
        measuring = true;
    }

    /** Stops counting and returns what was counted since {@link #startMeasuring}; the clients stay connected. */
    Result stopMeasuring() {
        measuring = false;
        measureEnd = System.nanoTime();
        List<ClientResult> results = new ArrayList<>();
        for (Client c : clients) {
            results.add(new ClientResult(c.bytes, c.packets, c.rtcp, c.pictures, c.sequenceGaps,
                    c.maxGapNanos / 1e6, c.badAnswers, c.closed));
        }
        return new Result(results, (measureEnd - measureStart) / 1e9);
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        try {
            while (running) {
                selector.select(100);
                long now = System.nanoTime();
                boolean counting = measuring;
                for (SelectionKey key : selector.selectedKeys()) {
                    Client client = (Client) key.attachment();
                    buffer.clear();
                    int n;
                    try {
                        n = ((SocketChannel) key.channel()).read(buffer);
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n < 0) {
                        client.closed = true;
                        key.cancel();
                        continue;
                    }
                    client.scan(buffer.array(), 0, n, now, counting);
                }
                selector.selectedKeys().clear();
                for (Client client : clients) {
                    if (!client.closed && now - client.lastKeepAlive > KEEP_ALIVE_NANOS) {
                        client.keepAlive(now);
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stops reading, sends each client's TEARDOWN (without waiting for the answer) and closes the connections. */
    @Override
    public void close() throws IOException {
        running = false;
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (Client client : clients) {
            client.teardown();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        for (Client client : clients) {
            client.channel.close();
        }
        selector.close();
    }

    // ------------------------------------------------------------------------------------------ one client

    /** One connection: its handshake, then interleaved frames. After the handshake only the reader scans. */
    private static final class Client {
        final SocketChannel channel;
        final String url;
        String session;
        int cseq;
        byte[] leftover;
        volatile long lastKeepAlive;

        volatile long bytes;
        volatile long packets;
        volatile long rtcp;
        volatile long pictures;
        volatile long picturesEver;
        volatile long sequenceGaps;
        volatile long maxGapNanos;
        volatile long badAnswers;
        volatile boolean closed;
        volatile boolean resetGap;

        // '$', channel, length: the 4-byte interleaved header, then the first 12 bytes of the RTP header.
        private final byte[] header = new byte[4];
        private int headerHave;
        private final byte[] rtp = new byte[4];
        private int rtpHave;
        private int channelNumber;
        private int frameLeft = -1;
        private int frameLength;
        private int lastSequence = -1;
        private long lastPictureNanos;
        // An RTSP answer between the frames (to a keep-alive): its head, then its body.
        private final StringBuilder answer = new StringBuilder();
        private boolean inAnswer;
        private int answerBodyLeft;

        private Client(SocketChannel channel, String url) {
            this.channel = channel;
            this.url = url;
        }

        /** Connects and plays; returns with the PLAY answered. */
        static Client play(String url) throws IOException {
            URI uri = URI.create(url);
            SocketChannel channel = SocketChannel.open();
            try {
                channel.socket().connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
                channel.socket().setSoTimeout(20_000);
                Client client = new Client(channel, url);
                client.handshake();
                return client;
            } catch (IOException | RuntimeException e) {
                channel.close();
                throw e;
            }
        }

        private void handshake() throws IOException {
            Handshake reader = new Handshake(channel);
            ok("OPTIONS", reader.exchange(request("OPTIONS", url)));
            Answer describe = reader.exchange(request("DESCRIBE", url, "Accept: application/sdp"));
            ok("DESCRIBE", describe);
            String base = describe.headers.getOrDefault("content-base", url);
            String control = videoControl(describe.body);
            String track = control == null ? url : control.startsWith("rtsp://") ? control
                    : (base.endsWith("/") ? base : base + "/") + control;
            Answer setup = reader.exchange(request("SETUP", track, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1"));
            ok("SETUP", setup);
            session = setup.headers.get("session").split(";")[0].trim();
            String transport = setup.headers.getOrDefault("transport", "");
            if (!transport.contains("interleaved=0-1")) {
                throw new IOException("SETUP " + track + " answered the transport " + transport
                        + ", not interleaved=0-1");
            }
            ok("PLAY", reader.exchange(request("PLAY", url, "Range: npt=0.000-")));
            leftover = reader.rest();
            lastKeepAlive = System.nanoTime();
        }

        private static void ok(String method, Answer answer) throws IOException {
            if (answer.status != 200) {
                throw new IOException(method + " answered " + answer.status + ": " + answer.headers + " " + answer.body);
            }
        }

        /** The control attribute of the first video media section of an SDP. */
        static String videoControl(String sdp) {
            boolean video = false;
            for (String line : sdp.split("\r?\n")) {
                if (line.startsWith("m=")) {
                    if (video) {
                        return null;
                    }
                    video = line.startsWith("m=video");
                } else if (video && line.startsWith("a=control:")) {
                    return line.substring("a=control:".length()).trim();
                }
            }
            return null;
        }

        private byte[] request(String method, String target, String... headers) {
            StringBuilder r = new StringBuilder(method).append(' ').append(target).append(" RTSP/1.0\r\n");
            r.append("CSeq: ").append(++cseq).append("\r\n");
            r.append("User-Agent: camstream-rtsp-load\r\n");
            if (session != null) {
                r.append("Session: ").append(session).append("\r\n");
            }
            for (String h : headers) {
                r.append(h).append("\r\n");
            }
            return r.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII);
        }

        /** A GET_PARAMETER on the non-blocking channel: small enough to go out at once, or it is skipped. */
        void keepAlive(long now) {
            lastKeepAlive = now;
            try {
                channel.write(ByteBuffer.wrap(request("GET_PARAMETER", url)));
            } catch (IOException e) {
                closed = true;
            }
        }

        void teardown() {
            if (closed) {
                return;
            }
            try {
                channel.write(ByteBuffer.wrap(request("TEARDOWN", url)));
            } catch (IOException e) {
                // the connection closes anyway
            }
        }

        void scan(byte[] data, int offset, int end, long now, boolean counting) {
            if (counting) {
                bytes += end - offset;
            }
            int i = offset;
            while (i < end) {
                if (inAnswer) {
                    i = scanAnswer(data, i, end);
                    continue;
                }
                if (frameLeft < 0) {
                    if (headerHave == 0 && data[i] != '$') {
                        inAnswer = true;
                        continue;
                    }
                    header[headerHave++] = data[i++];
                    if (headerHave == 4) {
                        channelNumber = header[1] & 0xFF;
                        frameLength = ((header[2] & 0xFF) << 8) | (header[3] & 0xFF);
                        frameLeft = frameLength;
                        headerHave = 0;
                        rtpHave = 0;
                        if (frameLeft == 0) {
                            frameLeft = -1;
                        }
                    }
                    continue;
                }
                int take = Math.min(frameLeft, end - i);
                if (channelNumber == 0) {
                    for (int k = 0; k < take && rtpHave < rtp.length; k++) {
                        rtp[rtpHave++] = data[i + k];
                    }
                }
                frameLeft -= take;
                i += take;
                if (frameLeft == 0) {
                    frameLeft = -1;
                    endFrame(now, counting);
                }
            }
        }

        private void endFrame(long now, boolean counting) {
            if (channelNumber == 1) {
                if (counting) {
                    rtcp++;
                }
                return;
            }
            if (channelNumber != 0 || rtpHave < rtp.length) {
                return;
            }
            int sequence = ((rtp[2] & 0xFF) << 8) | (rtp[3] & 0xFF);
            if (counting) {
                packets++;
                if (lastSequence >= 0 && sequence != ((lastSequence + 1) & 0xFFFF)) {
                    sequenceGaps++;
                }
            }
            lastSequence = sequence;
            if ((rtp[1] & 0x80) != 0) {
                picturesEver++;
                if (counting) {
                    pictures++;
                    if (resetGap) {
                        resetGap = false;
                    } else if (now - lastPictureNanos > maxGapNanos) {
                        maxGapNanos = now - lastPictureNanos;
                    }
                }
                lastPictureNanos = now;
            }
        }

        /** Skips an RTSP answer that came between the frames; counts one that is not 200. */
        private int scanAnswer(byte[] data, int i, int end) {
            if (answerBodyLeft > 0) {
                int take = Math.min(answerBodyLeft, end - i);
                answerBodyLeft -= take;
                if (answerBodyLeft == 0) {
                    inAnswer = false;
                }
                return i + take;
            }
            while (i < end) {
                answer.append((char) (data[i++] & 0xFF));
                int n = answer.length();
                if (n >= 4 && answer.charAt(n - 1) == '\n' && answer.charAt(n - 2) == '\r'
                        && answer.charAt(n - 3) == '\n' && answer.charAt(n - 4) == '\r') {
                    Answer head = Answer.parseHead(answer.toString());
                    answer.setLength(0);
                    if (head.status != 200) {
                        badAnswers++;
                    }
                    answerBodyLeft = head.contentLength();
                    if (answerBodyLeft == 0) {
                        inAnswer = false;
                    }
                    return i;
                }
                if (n > 64 * 1024) { // not an answer: give up on this connection's framing
                    badAnswers++;
                    answer.setLength(0);
                    inAnswer = false;
                    return end;
                }
            }
            return i;
        }
    }

    /** An RTSP answer: status, headers (names in lower case) and body. */
    private record Answer(int status, Map<String, String> headers, String body) {

        static Answer parseHead(String head) {
            String[] lines = head.split("\r\n");
            String[] status = lines[0].split(" ", 3);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            int code = status.length > 1 && status[0].startsWith("RTSP/") ? parseInt(status[1]) : -1;
            return new Answer(code, headers, "");
        }

        private static int parseInt(String s) {
            try {
                return Integer.parseInt(s);
            } catch (NumberFormatException e) {
                return -1;
            }
        }

        int contentLength() {
            String length = headers.get("content-length");
            return length == null ? 0 : parseInt(length.trim());
        }
    }

    /** The blocking half of a client: requests and their answers, skipping interleaved frames before an answer. */
    private static final class Handshake {
        private final SocketChannel channel;
        private final ByteBuffer in = ByteBuffer.allocate(HANDSHAKE_BUFFER);

        Handshake(SocketChannel channel) {
            this.channel = channel;
            in.flip(); // empty, ready to be read from
        }

        Answer exchange(byte[] request) throws IOException {
            ByteBuffer out = ByteBuffer.wrap(request);
            while (out.hasRemaining()) {
                channel.write(out);
            }
            while (true) {
                need(1);
                if (in.get(in.position()) == '$') {
                    need(4);
                    int length = ((in.get(in.position() + 2) & 0xFF) << 8) | (in.get(in.position() + 3) & 0xFF);
                    need(4 + length);
                    in.position(in.position() + 4 + length);
                    continue;
                }
                int headEnd;
                while ((headEnd = indexOfHeadEnd()) < 0) {
                    more();
                }
                byte[] head = new byte[headEnd - in.position()];
                in.get(head);
                Answer answer = Answer.parseHead(new String(head, StandardCharsets.UTF_8));
                int length = answer.contentLength();
                need(length);
                byte[] body = new byte[length];
                in.get(body);
                return new Answer(answer.status, answer.headers, new String(body, StandardCharsets.UTF_8));
            }
        }

        /** What was read after the last answer: the stream's first bytes. */
        byte[] rest() {
            byte[] rest = new byte[in.remaining()];
            in.get(rest);
            return rest;
        }

        private int indexOfHeadEnd() {
            for (int i = in.position(); i + 3 < in.limit(); i++) {
                if (in.get(i) == '\r' && in.get(i + 1) == '\n' && in.get(i + 2) == '\r' && in.get(i + 3) == '\n') {
                    return i + 4;
                }
            }
            return -1;
        }

        private void need(int n) throws IOException {
            while (in.remaining() < n) {
                more();
            }
        }

        private void more() throws IOException {
            in.compact();
            if (!in.hasRemaining()) {
                throw new IOException("an RTSP answer over " + HANDSHAKE_BUFFER + " bytes");
            }
            int n = channel.socket().getInputStream().read(in.array(), in.position(), in.remaining());
            if (n < 0) {
                in.flip();
                throw new IOException("the server closed the connection during the handshake");
            }
            in.position(in.position() + n);
            in.flip();
        }
    }

    @Override
    public String toString() {
        return "RtspLoad" + Arrays.toString(clients.stream().map(c -> c.url).distinct().toArray()) + " x "
                + clients.size();
    }
}
