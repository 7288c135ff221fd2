package org.camstream.process;

import java.io.OutputStream;

/** Turns the byte stream a capture process writes into whole samples: pictures, or frames of sound. Fed by one reader thread. */
public interface SampleParser {

    /** Never throws: bad bytes are skipped and reported, the stream goes on. */
    void feed(byte[] buffer, int offset, int length);

    /** The parser as the sink of a byte pump. */
    default OutputStream asOutputStream() {
        return new OutputStream() {
            private final byte[] one = new byte[1];

            @Override
            public void write(int b) {
                one[0] = (byte) b;
                feed(one, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                feed(b, off, len);
            }
        };
    }
}
