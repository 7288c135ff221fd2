package org.camstream.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Viewers of several cameras' streams of several kinds, all read by one selector thread, as a benchmark's load.
 * Unlike {@link HttpLoad}, it counts frames for every kind, so that each viewer's frame rate can be compared
 * with its camera's: WebSocket fMP4 messages, {@code moof} boxes of {@code /stream.mp4}, pictures (the first
 * slice of each) of raw {@code /stream.h264}, and the timestamped parts of a multipart JPEG stream. Where the
 * stream carries the capture time ({@code prft}, {@code X-Timestamp}), it keeps each frame's capture-to-arrival
 * latency. It keeps no media.
 */
final class FrameLoad implements AutoCloseable {

    private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

    /** What a viewer asks for, and how its bytes are read. */
    enum Kind {
        /** camstream's {@code /ws/video}: one binary message (prft, moof, mdat) per frame. */
        WEBSOCKET,
        /** {@code /stream.mp4}: top-level boxes, one moof per frame. */
        MP4,
        /** {@code /stream.h264}: Annex B; a frame is a slice NAL unit whose first_mb_in_slice is 0. */
        H264,
        /** {@code multipart/x-mixed-replace} JPEG ({@code stream.mjpeg}, {@code stream.jpg?fps=N}). */
        MULTIPART
    }

    /** {@code count} viewers of {@code path}, reported under {@code group} (such as the camera's name). */
    record Target(String group, String path, Kind kind, int count) {
    }

    /** One viewer's counts while measuring. */
    record ViewerResult(String group, Kind kind, int status, long frames, long bytes, boolean closed) {
    }

    /** What every viewer received while measuring; latencies in seconds, sorted. */
    record Result(List<ViewerResult> viewers, double[] latencies, double seconds) {

        double slowestFps() {
            return viewers.stream().mapToLong(ViewerResult::frames).min().orElse(0) / seconds;
        }

        double slowestFps(String group) {
            return viewers.stream().filter(v -> v.group().equals(group)).mapToLong(ViewerResult::frames).min()
                    .orElse(0) / seconds;
        }

        double slowestFps(Kind kind) {
            return viewers.stream().filter(v -> v.kind() == kind).mapToLong(ViewerResult::frames).min().orElse(0)
                    / seconds;
        }

        long bytes() {
            return viewers.stream().mapToLong(ViewerResult::bytes).sum();
        }

        long closed() {
            return viewers.stream().filter(ViewerResult::closed).count();
        }

        /** The p-th percentile latency in milliseconds, or NaN when nothing carried a capture time. */
        double latencyMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            return 1000 * latencies[Math.min(latencies.length - 1, (int) (latencies.length * p / 100))];
        }
    }

    private final Selector selector;
    private final List<Viewer> viewers;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile boolean measuring;
    private volatile long measureStart;
    private volatile long measureEnd;

    private FrameLoad(Selector selector, List<Viewer> viewers) {
        this.selector = selector;
        this.viewers = viewers;
        this.reader = new Thread(this::read, "frame-load");
        this.reader.setDaemon(true);
    }

    /** Opens every target's connections, sends their requests and starts reading at once. */
    static FrameLoad start(int port, List<Target> targets) throws IOException {
        Selector selector = Selector.open();
        List<Viewer> viewers = new ArrayList<>();
        for (Target target : targets) {
            for (int i = 0; i < target.count(); i++) {
                SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
                String extra = target.kind() == Kind.WEBSOCKET
                        ? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                                + "Sec-WebSocket-Key: Y2Ftc3RyZWFtYmVuY2gxMg==\r\nOrigin: http://127.0.0.1:" + port
                                + "\r\n"
                        : "";
                ByteBuffer request = ByteBuffer.wrap(("GET " + target.path() + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                        + "\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII));
                while (request.hasRemaining()) {
                    channel.write(request);
                }
                channel.configureBlocking(false);
                Viewer viewer = new Viewer(target.group(), target.kind());
                viewers.add(viewer);
                channel.register(selector, SelectionKey.OP_READ, viewer);
            }
        }
        FrameLoad load = new FrameLoad(selector, viewers);
        load.reader.start();
        return load;
    }

    /** True once every viewer has had its first frame (warm-up or not). */
    boolean everyViewerHasFrames() {
        return viewers.stream().allMatch(v -> v.framesEver > 0);
    }

    /** Viewers that were answered with something other than 200 or 101. */
    long refused() {
        return viewers.stream().filter(v -> v.status > 0 && v.status != 200 && v.status != 101).count();
    }

    /** Starts counting; what arrived before (the warm-up) is not counted. */
    void startMeasuring() {
        measureStart = System.nanoTime();
        measuring = true;
    }

    /** Stops counting and returns what was counted since {@link #startMeasuring}; the viewers stay connected. */
    Result stopMeasuring() {
        measuring = false;
        measureEnd = System.nanoTime();
        // The reader thread may be inside a scan: a frame more or less in a 20 s window does not matter, and
        // the counts are only read, not reset.
        List<ViewerResult> results = new ArrayList<>();
        List<Double> latencies = new ArrayList<>();
        for (Viewer v : viewers) {
            results.add(new ViewerResult(v.group, v.kind, v.status, v.frames, v.bytes, v.closed));
            synchronized (v.latencies) {
                latencies.addAll(v.latencies);
            }
        }
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(results, sorted, (measureEnd - measureStart) / 1e9);
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        try {
            while (running) {
                selector.select(100);
                double now = System.currentTimeMillis() / 1000.0;
                boolean counting = measuring;
                for (SelectionKey key : selector.selectedKeys()) {
                    Viewer viewer = (Viewer) key.attachment();
                    buffer.clear();
                    int n;
                    try {
                        n = ((SocketChannel) key.channel()).read(buffer);
                    } catch (IOException reset) {
                        n = -1;
                    }
                    if (n < 0) {
                        viewer.closed = true;
                        key.cancel();
                        continue;
                    }
                    viewer.scan(buffer.array(), n, now, counting);
                }
                selector.selectedKeys().clear();
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() throws IOException {
        running = false;
        try {
            reader.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }

    /** One connection: its response head, then the stream's own framing. Only the reader thread scans. */
    private static final class Viewer {
        final String group;
        final Kind kind;
        final List<Double> latencies = new ArrayList<>();
        volatile int status;
        volatile long frames;
        volatile long framesEver;
        volatile long bytes;
        volatile boolean closed;

        // The response head.
        private boolean inBody;
        private final StringBuilder head = new StringBuilder();

        // WebSocket frames.
        private final byte[] wsHeader = new byte[14];
        private int wsHeaderHave;
        private long wsPayloadLeft = -1;
        private boolean wsFin;
        private boolean wsBinary;
        private boolean wsMessageStart = true;
        /** The first 24 bytes of the current binary message: a prft box's header and NTP time. */
        private final byte[] first = new byte[24];
        private int firstHave;

        // MP4 boxes.
        private final byte[] boxHeader = new byte[16];
        private int boxHeaderHave;
        private long boxLeft = -1;
        private String boxType = "";
        private final byte[] prft = new byte[24];
        private int prftHave;
        private double lastPrftSeconds = Double.NaN;

        // H.264 start codes: zeros seen, then 1 = next byte is a NAL header, 2 = next is the slice header's first.
        private int zeros;
        private int nalState;

        // Multipart parts.
        private final StringBuilder line = new StringBuilder();
        private long contentLength = -1;
        private double stampSeconds = Double.NaN;
        private long partLeft = -1;

        Viewer(String group, Kind kind) {
            this.group = group;
            this.kind = kind;
        }

        void scan(byte[] data, int n, double now, boolean counting) {
            int i = 0;
            if (!inBody) {
                while (i < n && !inBody) {
                    head.append((char) (data[i++] & 0xFF));
                    if (head.length() >= 4 && head.substring(head.length() - 4).equals("\r\n\r\n")) {
                        inBody = true;
                        String statusLine = head.substring(0, head.indexOf("\r\n"));
                        String[] parts = statusLine.split(" ");
                        status = parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
                        head.setLength(0);
                    }
                }
                if (!inBody) {
                    return;
                }
            }
            if (counting) {
                bytes += n - i;
            }
            switch (kind) {
                case WEBSOCKET -> scanWebSocket(data, i, n, now, counting);
                case MP4 -> scanMp4(data, i, n, now, counting);
                case H264 -> scanH264(data, i, n, counting);
                case MULTIPART -> scanMultipart(data, i, n, now, counting);
            }
        }

        private void frame(boolean counting, double latency) {
            framesEver++;
            if (counting) {
                frames++;
                if (!Double.isNaN(latency)) {
                    synchronized (latencies) {
                        latencies.add(latency);
                    }
                }
            }
        }

        private void scanWebSocket(byte[] data, int i, int n, double now, boolean counting) {
            while (i < n) {
                if (wsPayloadLeft < 0) {
                    wsHeader[wsHeaderHave++] = data[i++];
                    if (wsHeaderHave < 2) {
                        continue;
                    }
                    int len = wsHeader[1] & 0x7F;
                    int needed = len == 126 ? 4 : len == 127 ? 10 : 2;
                    if (wsHeaderHave < needed) {
                        continue;
                    }
                    ByteBuffer b = ByteBuffer.wrap(wsHeader);
                    wsPayloadLeft = len == 126 ? b.getShort(2) & 0xFFFF : len == 127 ? b.getLong(2) : len;
                    int opcode = wsHeader[0] & 0x0F;
                    wsFin = (wsHeader[0] & 0x80) != 0;
                    wsHeaderHave = 0;
                    if (opcode == 8) {
                        closed = true;
                    }
                    boolean control = opcode >= 8;
                    if (!control && opcode != 0) {
                        wsBinary = opcode == 2;
                        wsMessageStart = true;
                        firstHave = 0;
                    }
                    if (control) {
                        wsMessageStart = false; // a control frame's payload is no message's beginning
                    }
                    if (wsPayloadLeft == 0) {
                        wsPayloadLeft = -1;
                        endWsFrame(control, now, counting);
                    }
                    continue;
                }
                int take = (int) Math.min(wsPayloadLeft, n - i);
                if (wsMessageStart) {
                    for (int k = 0; k < take && firstHave < first.length; k++) {
                        first[firstHave++] = data[i + k];
                    }
                }
                wsPayloadLeft -= take;
                i += take;
                if (wsPayloadLeft == 0) {
                    wsPayloadLeft = -1;
                    endWsFrame(false, now, counting);
                }
            }
        }

        private void endWsFrame(boolean control, double now, boolean counting) {
            if (control) {
                wsMessageStart = true; // the message in progress, if any, goes on in the next data frame
                return;
            }
            if (wsFin) {
                if (wsBinary && firstHave == first.length && first[4] == 'p' && first[5] == 'r' && first[6] == 'f'
                        && first[7] == 't') {
                    frame(counting, now - ntpSeconds(first));
                }
                firstHave = 0;
                wsMessageStart = true;
            } else {
                wsMessageStart = firstHave < first.length;
            }
        }

        private void scanMp4(byte[] data, int i, int n, double now, boolean counting) {
            while (i < n) {
                if (boxLeft < 0) {
                    boxHeader[boxHeaderHave++] = data[i++];
                    if (boxHeaderHave < 8) {
                        continue;
                    }
                    ByteBuffer b = ByteBuffer.wrap(boxHeader);
                    long size = b.getInt(0) & 0xFFFFFFFFL;
                    if (size == 1) {
                        if (boxHeaderHave < 16) {
                            continue;
                        }
                        size = b.getLong(8) - 16;
                    } else {
                        size -= 8;
                    }
                    boxType = new String(boxHeader, 4, 4, StandardCharsets.US_ASCII);
                    boxHeaderHave = 0;
                    boxLeft = size;
                    prftHave = 0;
                    if (boxType.equals("prft")) {
                        prftHave = 8; // the header's 8 bytes stand in front; the NTP time is at 16 to 24
                    }
                    if (boxLeft <= 0) {
                        boxLeft = -1;
                        endBox(now, counting);
                    }
                    continue;
                }
                int take = (int) Math.min(boxLeft, n - i);
                if (boxType.equals("prft")) {
                    for (int k = 0; k < take && prftHave < prft.length; k++) {
                        prft[prftHave++] = data[i + k];
                    }
                }
                boxLeft -= take;
                i += take;
                if (boxLeft == 0) {
                    boxLeft = -1;
                    endBox(now, counting);
                }
            }
        }

        private void endBox(double now, boolean counting) {
            switch (boxType) {
                case "prft" -> lastPrftSeconds = prftHave == prft.length ? ntpSeconds(prft) : Double.NaN;
                case "mdat" -> {
                    frame(counting, now - lastPrftSeconds);
                    lastPrftSeconds = Double.NaN;
                }
                default -> {
                }
            }
        }

        private void scanH264(byte[] data, int i, int n, boolean counting) {
            for (; i < n; i++) {
                int b = data[i] & 0xFF;
                if (nalState == 1) {
                    int type = b & 0x1F;
                    nalState = type == 1 || type == 5 ? 2 : 0;
                    zeros = b == 0 ? 1 : 0;
                    continue;
                }
                if (nalState == 2) {
                    if ((b & 0x80) != 0) { // ue(v) first_mb_in_slice = 0: the first slice of a picture
                        frame(counting, Double.NaN);
                    }
                    nalState = 0;
                    zeros = b == 0 ? 1 : 0;
                    continue;
                }
                if (b == 0) {
                    zeros++;
                } else {
                    if (b == 1 && zeros >= 2) {
                        nalState = 1;
                    }
                    zeros = 0;
                }
            }
        }

        private void scanMultipart(byte[] data, int i, int n, double now, boolean counting) {
            while (i < n) {
                if (partLeft > 0) {
                    int take = (int) Math.min(partLeft, n - i);
                    partLeft -= take;
                    i += take;
                    if (partLeft == 0) {
                        partLeft = -1;
                        if (!Double.isNaN(stampSeconds)) { // placeholders carry no capture time
                            frame(counting, now - stampSeconds);
                        }
                        contentLength = -1;
                        stampSeconds = Double.NaN;
                    }
                    continue;
                }
                char c = (char) (data[i++] & 0xFF);
                if (c != '\n') {
                    if (line.length() < 200) {
                        line.append(c);
                    }
                    continue;
                }
                String header = line.toString().trim();
                line.setLength(0);
                int colon = header.indexOf(':');
                if (header.isEmpty()) {
                    if (contentLength > 0) {
                        partLeft = contentLength;
                    }
                } else if (colon > 0) {
                    String name = header.substring(0, colon).trim();
                    String value = header.substring(colon + 1).trim();
                    if (name.equalsIgnoreCase("Content-Length")) {
                        contentLength = Long.parseLong(value);
                    } else if (name.equalsIgnoreCase("X-Timestamp")) {
                        stampSeconds = Double.parseDouble(value);
                    }
                }
            }
        }

        /** The NTP time at bytes 16 to 24 of a prft box, as Unix seconds. */
        private static double ntpSeconds(byte[] box) {
            ByteBuffer b = ByteBuffer.wrap(box);
            long seconds = b.getInt(16) & 0xFFFFFFFFL;
            long fraction = b.getInt(20) & 0xFFFFFFFFL;
            return seconds - NTP_UNIX_OFFSET_SECONDS + fraction / 4294967296.0;
        }
    }

    @Override
    public String toString() {
        return "FrameLoad" + Arrays.toString(viewers.stream().map(v -> v.group + "/" + v.kind).distinct().toArray());
    }
}
