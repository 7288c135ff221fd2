package org.camstream.web;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.camstream.stream.Chunk;
import org.camstream.stream.Frame;

/**
 * One JPEG as a part of a {@code multipart/x-mixed-replace} stream, headers and trailing CRLF included,
 * built once per frame and written with a single call to every viewer.
 */
final class MultipartPart implements Chunk {

    static final String BOUNDARY = "frame";
    static final String CONTENT_TYPE = "multipart/x-mixed-replace;boundary=" + BOUNDARY;

    private final byte[] bytes;
    private final Frame frame;

    private MultipartPart(byte[] bytes, Frame frame) {
        this.bytes = bytes;
        this.frame = frame;
    }

    static MultipartPart of(Frame frame) {
        byte[] head = ("--" + BOUNDARY + "\r\n"
                + "Content-Type: image/jpeg\r\n"
                + "Content-Length: " + frame.size() + "\r\n"
                + "X-Timestamp: " + timestamp(frame.captureEpochMicros()) + "\r\n"
                + "\r\n").getBytes(StandardCharsets.US_ASCII);
        byte[] bytes = new byte[head.length + frame.size() + 2];
        System.arraycopy(head, 0, bytes, 0, head.length);
        frame.copyTo(bytes, head.length);
        bytes[bytes.length - 2] = '\r';
        bytes[bytes.length - 1] = '\n';
        return new MultipartPart(bytes, frame);
    }

    /** Unix seconds with six decimals. */
    static String timestamp(long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L);
        long micros = Math.floorMod(epochMicros, 1_000_000L);
        String fraction = Long.toString(1_000_000L + micros).substring(1);
        return seconds + "." + fraction;
    }

    Frame frame() {
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
        return bytes.length;
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }
}
