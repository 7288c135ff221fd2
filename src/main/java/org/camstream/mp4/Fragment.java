package org.camstream.mp4;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;

/**
 * One movie fragment holding one access unit, as bytes ready to send: 'prft', 'moof', 'mdat'.
 * Immutable, so one instance can go to every viewer; made by {@link FragmentWriter}.
 */
public final class Fragment {
    private final byte[] bytes;
    private final int sequenceNumber;
    private final SampleTiming timing;
    private final boolean keyframe;

    Fragment(byte[] bytes, int sequenceNumber, SampleTiming timing, boolean keyframe) {
        this.bytes = bytes;
        this.sequenceNumber = sequenceNumber;
        this.timing = timing;
        this.keyframe = keyframe;
    }

    /** The 'mfhd' sequence number. */
    public int sequenceNumber() {
        return sequenceNumber;
    }

    public SampleTiming timing() {
        return timing;
    }

    /** True when the sample is a sync sample (an IDR picture): a viewer can start here. */
    public boolean isKeyframe() {
        return keyframe;
    }

    public int size() {
        return bytes.length;
    }

    /** A read-only view of the bytes; each call gives an independent position. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }

    @Override
    public String toString() {
        return "Fragment[#" + sequenceNumber + (keyframe ? ", key" : "") + ", t=" + timing.decodeTime()
                + ", d=" + timing.duration() + ", " + bytes.length + " bytes]";
    }
}
