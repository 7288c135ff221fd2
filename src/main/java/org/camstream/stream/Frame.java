package org.camstream.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.Objects;
import org.camstream.codec.h264.CodedPicture;

/**
 * One encoded picture from the camera, shared read-only by every viewer.
 *
 * <p>The capture time is when the picture's last byte arrived from the camera process; it is kept both
 * as wall-clock microseconds (what viewers are told) and as a monotonic reading (what durations are
 * computed from, immune to clock steps).
 */
public final class Frame implements Chunk {

    private final byte[] data;
    private final long sequence;
    private final long captureEpochMicros;
    private final long captureNanos;
    private final boolean keyframe;
    private final CodedPicture picture;

    private Frame(byte[] data, long sequence, long captureEpochMicros, long captureNanos, boolean keyframe,
            CodedPicture picture) {
        this.data = Objects.requireNonNull(data, "data");
        this.sequence = sequence;
        this.captureEpochMicros = captureEpochMicros;
        this.captureNanos = captureNanos;
        this.keyframe = keyframe;
        this.picture = picture;
    }

    /** Wraps {@code data} without copying; the caller gives up the array. */
    public static Frame of(byte[] data, long sequence, long captureEpochMicros, long captureNanos, boolean keyframe) {
        return new Frame(data, sequence, captureEpochMicros, captureNanos, keyframe, null);
    }

    /** An H.264 picture, its Annex B bytes and what the camera's parser made of them. */
    public static Frame of(byte[] annexB, long sequence, long captureEpochMicros, long captureNanos,
            CodedPicture picture) {
        return new Frame(annexB, sequence, captureEpochMicros, captureNanos, picture.isKeyframe(), picture);
    }

    /** A frame stamped with the current time. */
    public static Frame capturedNow(byte[] data, long sequence, boolean keyframe) {
        return new Frame(data, sequence, nowMicros(), System.nanoTime(), keyframe, null);
    }

    /** An H.264 picture stamped with the current time. */
    public static Frame capturedNow(byte[] annexB, long sequence, CodedPicture picture) {
        return new Frame(annexB, sequence, nowMicros(), System.nanoTime(), picture.isKeyframe(), picture);
    }

    private static long nowMicros() {
        Instant now = Instant.now();
        return now.getEpochSecond() * 1_000_000L + now.getNano() / 1_000;
    }

    /** The parsed H.264 picture, or null for a JPEG (or a picture made without the camera's parser). */
    public CodedPicture picture() {
        return picture;
    }

    @Override
    public long sequence() {
        return sequence;
    }

    public long captureEpochMicros() {
        return captureEpochMicros;
    }

    /** {@link System#nanoTime()} at capture. */
    public long captureNanos() {
        return captureNanos;
    }

    @Override
    public boolean isKeyframe() {
        return keyframe;
    }

    @Override
    public int size() {
        return data.length;
    }

    /** The array itself, for parsers in this package that promise not to change it. */
    byte[] bytes() {
        return data;
    }

    public ByteBuffer asReadOnlyBuffer() {
        return ByteBuffer.wrap(data).asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer asByteBuffer() {
        return asReadOnlyBuffer();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        out.write(data);
    }

    public void copyTo(byte[] destination, int offset) {
        System.arraycopy(data, 0, destination, offset, data.length);
    }

    @Override
    public String toString() {
        return "Frame#" + sequence + "(" + data.length + " bytes" + (keyframe ? ", key" : "") + ")";
    }
}
