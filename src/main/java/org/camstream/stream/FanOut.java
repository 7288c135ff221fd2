package org.camstream.stream;

import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Hands every published item to every subscriber: the same instance, never a copy.
 *
 * <p>It remembers the latest item so that a new subscriber gets a picture at once instead of waiting for
 * the next capture. Subscribers may see an item twice or out of order when they subscribe during a
 * publish; they drop items whose sequence is not newer than what they already have.
 */
public final class FanOut<T extends Sequenced> implements Broadcast<T> {

    private final CopyOnWriteArrayList<Subscriber<T>> subscribers = new CopyOnWriteArrayList<>();
    private volatile T latest;

    public void publish(T item) {
        latest = item;
        for (Subscriber<T> subscriber : subscribers) {
            subscriber.offer(item);
        }
    }

    /** Adds a subscriber and offers it the latest item, if there is one. */
    @Override
    public void subscribe(Subscriber<T> subscriber) {
        subscribers.add(subscriber);
        T current = latest;
        if (current != null) {
            subscriber.offer(current);
        }
    }

    @Override
    public void unsubscribe(Subscriber<T> subscriber) {
        subscribers.remove(subscriber);
    }

    /** The latest item, or null when nothing was published since the last {@link #clear}. */
    public T latest() {
        return latest;
    }

    /** Forgets the latest item, so that nobody is handed a stale picture after the camera stopped. */
    public void clear() {
        latest = null;
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
