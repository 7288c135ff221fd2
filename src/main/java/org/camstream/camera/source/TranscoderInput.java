package org.camstream.camera.source;

import org.camstream.process.CaptureTime;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import org.camstream.stream.Frame;
import org.camstream.stream.GopBacklog;

/**
 * The camera's pictures as an input stream for the transcoder's ffmpeg. The camera thread offers frames and
 * never waits; the transcoder's pump thread reads and waits for them. A transcoder that falls behind skips to
 * the next keyframe. Every frame handed to ffmpeg leaves its capture times in a queue, so that the picture
 * that comes out of ffmpeg for it can carry them.
 */
final class TranscoderInput extends InputStream {

    /** An access unit delimiter: written after each H.264 picture, it tells ffmpeg's parser the picture is whole. */
    private static final byte[] AUD = {0, 0, 0, 1, 0x09, (byte) 0xF0};
    private static final int MAX_PENDING_TIMES = 256;

    private final GopBacklog<Frame> pending;
    private final boolean h264;
    private final ArrayDeque<CaptureTime> captureTimes = new ArrayDeque<>();
    private ByteBuffer current;
    private boolean trailerDue;
    private boolean closed;

    TranscoderInput(double fps, boolean h264) {
        this.pending = GopBacklog.forVideo(fps);
        this.h264 = h264;
    }

    /** Called on the camera's thread; returns at once. */
    synchronized void offer(Frame frame) {
        if (!closed) {
            pending.put(frame);
            notifyAll();
        }
    }

    /** The capture times of the oldest picture given to ffmpeg and not yet matched with an output picture. */
    synchronized CaptureTime nextCaptureTime() {
        return captureTimes.pollFirst();
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) {
        if (len == 0) {
            return 0;
        }
        while (true) {
            if (current != null && current.hasRemaining()) {
                int n = Math.min(len, current.remaining());
                current.get(b, off, n);
                return n;
            }
            if (trailerDue) {
                trailerDue = false;
                current = ByteBuffer.wrap(AUD);
                continue;
            }
            Frame next = pending.take();
            if (next != null) {
                current = next.asReadOnlyBuffer();
                trailerDue = h264;
                if (captureTimes.size() == MAX_PENDING_TIMES) {
                    captureTimes.pollFirst();
                }
                captureTimes.addLast(new CaptureTime(next.captureEpochMicros(), next.captureNanos()));
                continue;
            }
            if (closed) {
                return -1;
            }
            try {
                wait(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
    }

    @Override
    public int read() {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public synchronized void close() {
        closed = true;
        notifyAll();
    }
}
