package org.camstream.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fan-out for streams with inter-frame coding: a new subscriber is handed the whole group of pictures
 * since the last keyframe, so its decoder shows a picture at once, and then the live chunks.
 *
 * <p>Publishing and subscribing share a lock so that a subscriber sees the cached GOP and the live chunks
 * without a gap or a repeat. Under the lock, subscribers only put chunks in their mailboxes; nothing is
 * written to a socket.
 */
public final class GopFanOut<T extends Chunk> implements Broadcast<T> {

    /** Beyond a GOP this long or this large, new viewers wait for the next keyframe instead. */
    public static final int MAX_GOP_CHUNKS = 600;
    public static final long MAX_GOP_BYTES = 8L * 1024 * 1024;

    private final CopyOnWriteArrayList<Subscriber<T>> subscribers = new CopyOnWriteArrayList<>();
    private final GopCache<T> gop;

    public GopFanOut() {
        this(MAX_GOP_CHUNKS, MAX_GOP_BYTES);
    }

    public GopFanOut(int maxGopChunks, long maxGopBytes) {
        this.gop = new GopCache<>(maxGopChunks, maxGopBytes);
    }

    public void publish(T chunk) {
        synchronized (gop) {
            gop.add(chunk);
            for (Subscriber<T> subscriber : subscribers) {
                subscriber.offer(chunk);
            }
        }
    }

    /** Adds a subscriber and offers it the cached GOP, keyframe first. */
    @Override
    public void subscribe(Subscriber<T> subscriber) {
        synchronized (gop) {
            for (T chunk : gop.snapshot()) {
                subscriber.offer(chunk);
            }
            subscribers.add(subscriber);
        }
    }

    @Override
    public void unsubscribe(Subscriber<T> subscriber) {
        subscribers.remove(subscriber);
    }

    /** The cached GOP, for callers that feed it somewhere other than a subscriber (a transcoder). */
    public List<T> gop() {
        synchronized (gop) {
            return gop.snapshot();
        }
    }

    /** Forgets the cached GOP: after the camera stopped, it belongs to a stream that no longer exists. */
    public void clear() {
        synchronized (gop) {
            gop.reset();
        }
    }

    public long cachedBytes() {
        synchronized (gop) {
            return gop.bytes();
        }
    }

    public int subscriberCount() {
        return subscribers.size();
    }
}
