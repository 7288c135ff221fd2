package org.camstream.stream;

import java.io.IOException;
import java.io.OutputStream;

/** Bytes ready to go to a viewer as they are, shared by every viewer that receives them. */
public interface Chunk extends Sequenced {

    int size();

    /** Whether a decoder can start here. Every JPEG can; in H.264 only an IDR picture with its parameter sets. */
    boolean isKeyframe();

    /** Writes the whole chunk with a single {@code write} call. */
    void writeTo(OutputStream out) throws IOException;
}
