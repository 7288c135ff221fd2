package org.camstream.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.camstream.stream.Chunk;
import org.camstream.stream.Frame;

/**
 * One JPEG as a part of a {@code multipart/x-mixed-replace} stream, headers and trailing CRLF included,
 * written with a single call to every viewer. The part's bytes are put together once, when the first viewer
 * needs them, so frames nobody watches as a stream cost no copy.
 */
public final class MultipartPart implements Chunk {

    public static final String BOUNDARY = "frame";
    public static final String CONTENT_TYPE = "multipart/x-mixed-replace;boundary=" + BOUNDARY;
    public static final String PLACEHOLDER_HEADER = "X-Camstream-Placeholder";

    private final Frame frame;
    private final byte[] head;
    private volatile byte[] bytes;

    private MultipartPart(Frame frame, byte[] head) {
        this.frame = frame;
        this.head = head;
    }

    public static MultipartPart of(Frame frame) {
        return new MultipartPart(frame, head(frame, ""));
    }

    /** A picture that is not the camera's: its part says so, so that a program can tell it from a real one. */
    public static MultipartPart placeholder(Frame frame) {
        return new MultipartPart(frame, head(frame, PLACEHOLDER_HEADER + ": camera offline\r\n"));
    }

    private static byte[] head(Frame frame, String extraHeaders) {
        return ("--" + BOUNDARY + "\r\n"
                + "Content-Type: image/jpeg\r\n"
                + "Content-Length: " + frame.size() + "\r\n"
                + "X-Timestamp: " + timestamp(frame.captureEpochMicros()) + "\r\n"
                + extraHeaders
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    private byte[] bytes() {
        byte[] built = bytes;
        if (built == null) {
            synchronized (this) {
                built = bytes;
                if (built == null) {
                    built = new byte[size()];
                    System.arraycopy(head, 0, built, 0, head.length);
                    frame.copyTo(built, head.length);
                    built[built.length - 2] = '\r';
                    built[built.length - 1] = '\n';
                    bytes = built;
                }
            }
        }
        return built;
    }

    /** Unix seconds with six decimals. */
    static String timestamp(long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        long micros = Math.floorMod(epochMicros, 1_000_000L);
        String fraction = Long.toString(1_000_000L + micros).substring(1);
        return seconds + "." + fraction;
    }

    public Frame frame() {
        return frame;
    }

    @Override
    public long sequence() {
        return frame.sequence();
    }

    @Override
    public boolean isKeyframe() {
        return true;
    }

    @Override
    public int size() {
        return head.length + frame.size() + 2;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes());
    }

    @Override
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(bytes()).asReadOnlyBuffer();
    }
}
