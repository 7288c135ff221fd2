package org.camstream.stream;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;

/** Bytes ready to go to a viewer as they are, shared by every viewer that receives them. */
public interface Chunk extends Sequenced {

    int size();

    /** Whether a decoder can start here. Every JPEG can; in H.264 only an IDR picture with its parameter sets. */
    boolean isKeyframe();

    /** Writes the whole chunk with a single {@code write} call. */
    void writeTo(OutputStream out) throws IOException;

    /**
     * The chunk's bytes as a read-only buffer of its own, for a write straight to a socket. Chunks sent to many
     * viewers return a view of their one array, so every viewer shares the same bytes; this default copies, for
     * one-off chunks.
     */
    default ByteBuffer asByteBuffer() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(size());
        try {
            writeTo(bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e); // cannot happen: the stream is in memory
        }
        return ByteBuffer.wrap(bytes.toByteArray()).asReadOnlyBuffer();
    }

    /** Writes something to a stream with one call. */
    @FunctionalInterface
    interface Writer {
        void writeTo(OutputStream out) throws IOException;
    }

    /** A one-off chunk, such as an init segment or an error body: always a place a decoder can start. */
    static Chunk of(int size, Writer writer) {
        return new Chunk() {
            @Override
            public long sequence() {
                return 0;
            }

            @Override
            public int size() {
                return size;
            }

            @Override
            public boolean isKeyframe() {
                return true;
            }

            @Override
            public void writeTo(OutputStream out) throws IOException {
                writer.writeTo(out);
            }
        };
    }
}
