package org.camstream.stream;

import org.camstream.stream.Chunk;

/** What a response sends around its chunks: for fMP4, the init segment before the first fragment. */
public interface Preamble<T extends Chunk> {

    /**
     * A chunk to send before {@code chunk}, or null.
     *
     * @throws EndOfStream when the response must end instead of sending {@code chunk}
     */
    Chunk before(T chunk) throws EndOfStream;

    static <T extends Chunk> Preamble<T> none() {
        return chunk -> null;
    }

    /** The response ends here, cleanly, so that players reconnect. */
    final class EndOfStream extends Exception {
        public EndOfStream(String why) {
            super(why, null, false, false);
        }
    }
}
