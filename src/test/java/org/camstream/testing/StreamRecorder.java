package org.camstream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicLong;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;

/**
 * A viewer that reads in the background and remembers what it got: how many pictures, when the last one
 * arrived, and the newest capture time seen (from X-Timestamp for MJPEG, from each fragment's prft for the
 * WebSocket; raw H.264 carries none). For tests that disturb the server and then ask whether every viewer
 * is still receiving.
 */
public final class StreamRecorder implements AutoCloseable {

    private static final long NTP_TO_UNIX_SECONDS = 2_208_988_800L;

    private final String name;
    private final AutoCloseable connection;
    private final AtomicLong pictures = new AtomicLong();
    private final AtomicLong placeholders = new AtomicLong();
    private volatile long lastArrivalNanos;
    private volatile long newestCaptureMicros = Long.MIN_VALUE;
    private volatile long longestGapNanos;
    private final java.util.List<String> longGaps = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final AtomicLong reconnects = new AtomicLong();
    private static final long LONG_GAP_NANOS = 3_000_000_000L;
    private volatile Throwable failure;
    private volatile boolean closing;
    private final Thread reader;

    private StreamRecorder(String name, AutoCloseable connection, Body body) {
        this.name = name;
        this.connection = connection;
        this.reader = new Thread(() -> {
            try {
                body.read(this);
            } catch (Throwable e) {
                failure = e;
            }
        }, "recorder-" + name);
        reader.setDaemon(true);
        reader.start();
    }

    private interface Body {
        void read(StreamRecorder recorder) throws Exception;
    }

    /** {@code /stream.mjpeg} or {@code /stream.jpg}: every part, with its capture time. */
    public static StreamRecorder multipart(int port, String path) throws IOException {
        MjpegClient client = MjpegClient.open(port, path);
        return new StreamRecorder(path, client, recorder -> {
            while (true) {
                MjpegClient.Part part = client.next();
                if (part.headers().containsKey("x-camstream-placeholder")) {
                    recorder.placeholders.incrementAndGet();
                } else {
                    recorder.picture(Math.round(part.timestamp() * 1e6));
                }
            }
        });
    }

    /** {@code /stream.h264}: a picture is counted at the slice that starts it (first_mb_in_slice 0). */
    public static StreamRecorder h264(int port) throws IOException {
        MjpegClient client = MjpegClient.open(port, "/stream.h264");
        return new StreamRecorder("/stream.h264", client, recorder -> {
            AnnexBReader nals = new AnnexBReader(nal -> {
                // first_mb_in_slice is the first exp-Golomb number after the header; 0 is the single bit 1.
                if ((nal.type() == NalUnit.SLICE || nal.type() == NalUnit.IDR) && nal.size() > 1
                        && (nal.byteAt(1) & 0x80) != 0) {
                    recorder.picture(Long.MIN_VALUE);
                }
            });
            InputStream in = client.body();
            byte[] buffer = new byte[64 * 1024];
            for (int n; (n = in.read(buffer)) >= 0; ) {
                nals.feed(buffer, 0, n);
            }
            throw new IOException("the H.264 stream ended");
        });
    }

    /**
     * {@code /stream.mp4}: every fragment, with the capture time of its prft box. The response ends when the
     * picture size changes, as a progressive MP4 must; the recorder then connects again, as a player would.
     */
    public static StreamRecorder mp4(int port) throws IOException {
        java.util.concurrent.atomic.AtomicReference<MjpegClient> current =
                new java.util.concurrent.atomic.AtomicReference<>(MjpegClient.open(port, "/stream.mp4"));
        return new StreamRecorder("/stream.mp4", () -> current.get().close(), recorder -> {
            while (true) {
                MjpegClient client = current.get();
                java.io.DataInputStream in = new java.io.DataInputStream(client.body());
                long capture = Long.MIN_VALUE;
                try {
                    while (true) {
                        long size = in.readInt() & 0xFFFFFFFFL;
                        int type = in.readInt();
                        byte[] payload = in.readNBytes((int) (size - 8));
                        if (payload.length < size - 8) {
                            break;
                        }
                        if (type == 0x70726674) { // prft
                            byte[] box = new byte[(int) size];
                            System.arraycopy(payload, 0, box, 8, payload.length);
                            ByteBuffer.wrap(box).putInt(0, (int) size).putInt(4, type);
                            if (ByteBuffer.wrap(box).getInt(12) == 1) { // the picture's, not the sound's
                                capture = prftCaptureMicros(box);
                            }
                        } else if (type == 0x6d6f6f66) { // moof
                            recorder.picture(capture);
                        }
                    }
                } catch (java.io.EOFException e) {
                    // the response ended
                }
                client.close();
                if (recorder.closing) {
                    return;
                }
                recorder.reconnects.incrementAndGet();
                current.set(MjpegClient.open(port, "/stream.mp4"));
            }
        });
    }

    /** {@code /ws/video}: every media fragment, with the capture time of its prft box. */
    public static StreamRecorder webSocket(int port) throws Exception {
        VideoSocketClient client = VideoSocketClient.connect(port, null);
        return new StreamRecorder("/ws/video", client, recorder -> {
            while (true) {
                VideoSocketClient.Message message = client.next(60);
                if (message.isText()) {
                    continue;
                }
                long capture = prftCaptureMicros(message.binary());
                if (capture != Long.MIN_VALUE) {
                    recorder.picture(capture);
                }
            }
        });
    }

    private void picture(long captureMicros) {
        long now = System.nanoTime();
        long previous = lastArrivalNanos;
        if (previous != 0 && now - previous > longestGapNanos) {
            longestGapNanos = now - previous;
        }
        if (previous != 0 && now - previous > LONG_GAP_NANOS && longGaps.size() < 100) {
            longGaps.add(String.format("%.1f s without a picture, ending at %s", (now - previous) / 1e9,
                    java.time.Instant.now()));
        }
        lastArrivalNanos = now;
        if (captureMicros > newestCaptureMicros) {
            newestCaptureMicros = captureMicros;
        }
        pictures.incrementAndGet();
    }

    /** The capture time in a fragment's leading prft box, or MIN_VALUE when it has none (the init segment). */
    static long prftCaptureMicros(byte[] fragment) {
        ByteBuffer data = ByteBuffer.wrap(fragment);
        if (fragment.length < 24 || data.getInt(4) != 0x70726674) { // 'prft'
            return Long.MIN_VALUE;
        }
        long seconds = data.getInt(16) & 0xFFFFFFFFL;
        long fraction = data.getInt(20) & 0xFFFFFFFFL;
        return (seconds - NTP_TO_UNIX_SECONDS) * 1_000_000L + (fraction * 1_000_000L >>> 32);
    }

    public String name() {
        return name;
    }

    public long pictures() {
        return pictures.get();
    }

    public long placeholders() {
        return placeholders.get();
    }

    /** The newest capture time received, in Unix microseconds, or MIN_VALUE. */
    public long newestCaptureMicros() {
        return newestCaptureMicros;
    }

    /** {@link System#nanoTime()} of the last picture, or 0. */
    public long lastArrivalNanos() {
        return lastArrivalNanos;
    }

    public long longestGapNanos() {
        return longestGapNanos;
    }

    /** Every time more than 3 s passed between two pictures. */
    public java.util.List<String> longGaps() {
        return java.util.List.copyOf(longGaps);
    }

    /** How often the recorder had to connect again (MP4 only). */
    public long reconnects() {
        return reconnects.get();
    }

    /** Null while the viewer is connected and reading; else why it stopped. */
    public Throwable failure() {
        return failure;
    }

    @Override
    public void close() throws Exception {
        closing = true;
        connection.close();
        reader.join(5_000);
    }
}
