package org.camstream.codec.h264;

/** The RBSP ended before a syntax element, or an element has a value no valid stream can hold. */
public final class BitstreamException extends Exception {
    public BitstreamException(String message) {
        super(message);
    }
}
