package org.camstream.stream;

/**
 * What a viewer has yet to be sent. The producer puts, the viewer's writer takes; implementations bound
 * what they hold and decide what to drop when the viewer falls behind.
 */
public interface Mailbox<T> {

    /** Called on the producer's thread. Returns how many items were dropped to make room. */
    int put(T item);

    /** The next item to write, or null when there is none. */
    T take();

    boolean isEmpty();

    /**
     * Drops everything: the viewer left. What it had yet to be sent must not stay in memory while the
     * container finishes closing its connection, which for a WebSocket can take the session-close timeout.
     */
    void clear();
}
