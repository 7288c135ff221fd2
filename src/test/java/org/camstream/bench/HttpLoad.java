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
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.camstream.testing.Poll;

/**
 * Many HTTP viewers of one endless stream, all read by one selector thread, as a benchmark's load: it counts
 * bytes and, for multipart JPEG streams, pictures and each picture's capture-to-arrival latency from its
 * {@code X-Timestamp} header (camstream and mjpg-streamer both send one). It keeps no media.
 */
final class HttpLoad implements AutoCloseable {

    private static final byte[] TIMESTAMP = "X-Timestamp: ".getBytes(StandardCharsets.US_ASCII);

    private final Selector selector;
    private final Viewer[] viewers;
    private final Thread reader;
    private volatile boolean running = true;
    private volatile boolean measuring;

    private HttpLoad(Selector selector, Viewer[] viewers) {
        this.selector = selector;
        this.viewers = viewers;
        this.reader = new Thread(this::read, "http-load");
        this.reader.setDaemon(true);
    }

    /** What the viewers ask for, and how their bytes are read. */
    enum Kind {
        /** {@code multipart/x-mixed-replace} JPEG: pictures and their latencies are counted. */
        MULTIPART,
        /** Any other endless body, such as raw H.264: only bytes are counted. */
        BYTES,
        /** camstream's {@code /ws/video}: fMP4 fragments in binary messages, latency from each one's prft. */
        WEBSOCKET
    }

    /** Opens {@code count} connections that each ask for {@code path} and start reading at once. */
    static HttpLoad start(int port, String path, int count, Kind kind) throws IOException {
        Selector selector = Selector.open();
        Viewer[] viewers = new Viewer[count];
        String extra = kind == Kind.WEBSOCKET
                ? "Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n"
                        + "Sec-WebSocket-Key: Y2Ftc3RyZWFtYmVuY2gxMg==\r\nOrigin: http://127.0.0.1:" + port + "\r\n"
                : "";
        for (int i = 0; i < count; i++) {
            SocketChannel channel = SocketChannel.open(new InetSocketAddress("127.0.0.1", port));
            channel.write(ByteBuffer.wrap(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\n" + extra
                    + "\r\n").getBytes(StandardCharsets.US_ASCII)));
            channel.configureBlocking(false);
            viewers[i] = switch (kind) {
                case MULTIPART -> new MultipartViewer();
                case BYTES -> new Viewer();
                case WEBSOCKET -> new WebSocketViewer();
            };
            channel.register(selector, SelectionKey.OP_READ, viewers[i]);
        }
        HttpLoad load = new HttpLoad(selector, viewers);
        load.reader.start();
        return load;
    }

    private void read() {
        ByteBuffer buffer = ByteBuffer.allocate(256 * 1024);
        try {
            while (running) {
                selector.select(100);
                double now = System.currentTimeMillis() / 1000.0;
                boolean counting = measuring;
                for (SelectionKey key : selector.selectedKeys()) {
                    buffer.clear();
                    int n = ((SocketChannel) key.channel()).read(buffer);
                    Viewer viewer = (Viewer) key.attachment();
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

    /** Lets {@code seconds} pass: a benchmark's warm-up and measuring window. */
    static void pass(int seconds) {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        Poll.until(Duration.ofSeconds(seconds + 10L), seconds + " s to pass", () -> System.nanoTime() >= end);
    }

    /** Starts counting; what arrived before (the warm-up) is not counted. */
    void startMeasuring() {
        measuring = true;
    }

    /** Stops counting and returns what was counted since {@link #startMeasuring}. */
    Result stopMeasuring(double seconds) throws InterruptedException {
        measuring = false;
        stopReading();
        long bytes = 0;
        long pictures = 0;
        List<Double> latencies = new ArrayList<>();
        double[] fps = new double[viewers.length];
        int closed = 0;
        for (int i = 0; i < viewers.length; i++) {
            Viewer v = viewers[i];
            bytes += v.bytes;
            pictures += v.pictures;
            fps[i] = v.pictures / seconds;
            latencies.addAll(v.latencies);
            closed += v.closed ? 1 : 0;
        }
        Arrays.sort(fps);
        double[] sorted = latencies.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        return new Result(bytes, pictures, fps, sorted, closed);
    }

    private void stopReading() throws InterruptedException {
        running = false;
        reader.join(5_000);
    }

    @Override
    public void close() throws IOException {
        try {
            stopReading();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        for (SelectionKey key : selector.keys()) {
            key.channel().close();
        }
        selector.close();
    }

    /** What the viewers received while measuring. Latencies are in seconds, sorted. */
    record Result(long bytes, long pictures, double[] fps, double[] latencies, int closed) {

        double slowestFps() {
            return fps.length == 0 ? 0 : fps[0];
        }

        double medianFps() {
            return fps.length == 0 ? 0 : fps[fps.length / 2];
        }

        /** The p-th percentile latency in milliseconds, or NaN when nothing carried a timestamp. */
        double latencyMillis(double p) {
            if (latencies.length == 0) {
                return Double.NaN;
            }
            return 1000 * latencies[Math.min(latencies.length - 1, (int) (latencies.length * p / 100))];
        }
    }

    /** One connection's counts; only the reader thread touches them until it has stopped. */
    private static class Viewer {
        long bytes;
        long pictures;
        boolean closed;
        final List<Double> latencies = new ArrayList<>();

        void scan(byte[] data, int n, double nowSeconds, boolean counting) {
            if (counting) {
                bytes += n;
            }
        }
    }

    /**
     * A multipart JPEG viewer. A picture counts when its last byte arrives: its latency is from its
     * {@code X-Timestamp} to then, so a picture whose tail waits in a server's buffer counts as late.
     */
    private static final class MultipartViewer extends Viewer {
        private static final byte[] LENGTH = "Content-Length: ".getBytes(StandardCharsets.US_ASCII);
        private static final byte[] HEAD_END = "\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

        private int lengthMatch;
        private int stampMatch;
        private int endMatch;
        /** Which header value is being read: 0 none, 1 Content-Length, 2 X-Timestamp. */
        private int readingValue;
        private final StringBuilder value = new StringBuilder();
        private long contentLength = -1;
        private double stampSeconds = Double.NaN;
        private long bodyLeft = -1;

        @Override
        void scan(byte[] data, int n, double nowSeconds, boolean counting) {
            super.scan(data, n, nowSeconds, counting);
            int i = 0;
            while (i < n) {
                if (bodyLeft > 0) {
                    int take = (int) Math.min(bodyLeft, n - i);
                    bodyLeft -= take;
                    i += take;
                    if (bodyLeft == 0) {
                        if (counting && !Double.isNaN(stampSeconds)) {
                            pictures++;
                            latencies.add(nowSeconds - stampSeconds);
                        }
                        bodyLeft = -1;
                        contentLength = -1;
                        stampSeconds = Double.NaN;
                    }
                    continue;
                }
                byte b = data[i++];
                if (readingValue != 0) {
                    if (b == '\r') {
                        if (readingValue == 1) {
                            contentLength = Long.parseLong(value.toString().trim());
                        } else {
                            stampSeconds = Double.parseDouble(value.toString().trim());
                        }
                        value.setLength(0);
                        readingValue = 0;
                        endMatch = 1;
                    } else {
                        value.append((char) b);
                    }
                    continue;
                }
                lengthMatch = b == LENGTH[lengthMatch] ? lengthMatch + 1 : (b == LENGTH[0] ? 1 : 0);
                stampMatch = b == TIMESTAMP[stampMatch] ? stampMatch + 1 : (b == TIMESTAMP[0] ? 1 : 0);
                endMatch = b == HEAD_END[endMatch] ? endMatch + 1 : (b == HEAD_END[0] ? 1 : 0);
                if (lengthMatch == LENGTH.length) {
                    readingValue = 1;
                    lengthMatch = 0;
                } else if (stampMatch == TIMESTAMP.length) {
                    readingValue = 2;
                    stampMatch = 0;
                } else if (endMatch == HEAD_END.length) {
                    endMatch = 0;
                    if (contentLength > 0) {
                        bodyLeft = contentLength; // the part's headers ended: its picture follows
                    }
                }
            }
        }
    }

    /**
     * A WebSocket viewer of camstream's {@code /ws/video}. After the 101 response, server frames are unmasked:
     * it reads each frame's header, and of a binary message that starts with a {@code prft} box the NTP time of
     * capture (bytes 16 to 24). A fragment counts when its message's last byte arrives.
     */
    private static final class WebSocketViewer extends Viewer {
        private static final long NTP_UNIX_OFFSET_SECONDS = 2_208_988_800L;

        private boolean upgraded;
        private int headEnd;
        private final byte[] header = new byte[14];
        private int headerHave;
        private long payloadLeft = -1;
        private long payloadOffset;
        private boolean binary;
        private final byte[] prft = new byte[24];
        private int prftHave;

        @Override
        void scan(byte[] data, int n, double nowSeconds, boolean counting) {
            super.scan(data, n, nowSeconds, counting);
            int i = 0;
            if (!upgraded) {
                while (i < n && headEnd < 4) {
                    byte b = data[i++];
                    headEnd = b == "\r\n\r\n".charAt(headEnd) ? headEnd + 1 : (b == '\r' ? 1 : 0);
                }
                if (headEnd < 4) {
                    return;
                }
                upgraded = true;
            }
            while (i < n) {
                if (payloadLeft < 0) {
                    header[headerHave++] = data[i++];
                    int needed = headerLength();
                    if (needed > 0 && headerHave == needed) {
                        binary = (header[0] & 0x0F) == 2 || ((header[0] & 0x0F) == 0 && binary);
                        payloadLeft = payloadLength();
                        payloadOffset = 0;
                        prftHave = 0;
                        headerHave = 0;
                        if (payloadLeft == 0) {
                            payloadLeft = -1;
                        }
                    }
                    continue;
                }
                int take = (int) Math.min(payloadLeft, n - i);
                for (int k = 0; k < take && payloadOffset + k < prft.length; k++) {
                    prft[prftHave++] = data[i + k];
                }
                payloadOffset += take;
                payloadLeft -= take;
                i += take;
                if (payloadLeft == 0) {
                    payloadLeft = -1;
                    if (binary && prftHave == prft.length && prft[4] == 'p' && prft[5] == 'r' && prft[6] == 'f'
                            && prft[7] == 't' && counting) {
                        ByteBuffer box = ByteBuffer.wrap(prft);
                        long seconds = box.getInt(16) & 0xFFFFFFFFL;
                        long fraction = box.getInt(20) & 0xFFFFFFFFL;
                        pictures++;
                        latencies.add(nowSeconds - (seconds - NTP_UNIX_OFFSET_SECONDS) - fraction / 4294967296.0);
                    }
                }
            }
        }

        /** The frame header's length once its first two bytes are in, or 0 before. */
        private int headerLength() {
            if (headerHave < 2) {
                return 0;
            }
            int len = header[1] & 0x7F;
            return len == 126 ? 4 : len == 127 ? 10 : 2;
        }

        private long payloadLength() {
            int len = header[1] & 0x7F;
            ByteBuffer b = ByteBuffer.wrap(header);
            return len == 126 ? b.getShort(2) & 0xFFFF : len == 127 ? b.getLong(2) : len;
        }
    }
}
