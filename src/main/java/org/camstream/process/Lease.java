package org.camstream.process;

/** A viewer's claim on a capture process; closing it releases the claim. Closing twice is harmless. */
public interface Lease extends AutoCloseable {

    @Override
    void close();

    /** Both claims, released together. */
    static Lease both(Lease first, Lease second) {
        return () -> {
            try {
                second.close();
            } finally {
                first.close();
            }
        };
    }
}
