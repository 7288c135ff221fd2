package org.camstream.stream;

/**
 * A receiver of a {@link FanOut}. {@link #offer} is called on the producer's thread, so it must return at
 * once: it may keep the item and hand it on later, but never block or do I/O.
 */
public interface Subscriber<T> {
    void offer(T item);
}
