package org.camstream.stream;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A fan-out for streams with inter-frame coding: a new subscriber is handed the whole group of pictures
 * since the last keyframe, so its decoder shows a picture at once, and then the live chunks.
 *
 * <p>Publishing and subscribing run one at a time, in order, through a {@link SerialRunner}, so a subscriber
 * sees the cached GOP and the live chunks without a gap or a repeat; yet no lock is held while a subscriber is
 * offered a chunk. The GOP cache's own lock guards only its data and calls nothing.
 */
public final class GopFanOut<T extends Chunk> implements Broadcast<T> {

    /** Beyond a GOP this long or this large, new viewers wait for the next keyframe instead. */
    public static final int MAX_GOP_CHUNKS = 600;
    public static final long MAX_GOP_BYTES = 8L * 1024 * 1024;

    private final CopyOnWriteArrayList<Subscriber<T>> subscribers = new CopyOnWriteArrayList<>();
    private final SerialRunner serial = new SerialRunner();
    private final GopCache<T> gop;

    public GopFanOut() {
        this(MAX_GOP_CHUNKS, MAX_GOP_BYTES);
    }

    public GopFanOut(int maxGopChunks, long maxGopBytes) {
        this.gop = new GopCache<>(maxGopChunks, maxGopBytes);
    }

    public void publish(T chunk) {
        serial.run(() -> {
            synchronized (gop) {
                gop.add(chunk);
            }
            for (Subscriber<T> subscriber : subscribers) {
                subscriber.offer(chunk);
            }
        });
    }

    /** Adds a subscriber and offers it the cached GOP, keyframe first, before any live chunk. */
    @Override
    public void subscribe(Subscriber<T> subscriber) {
        serial.run(() -> {
            for (T chunk : gop()) {
                subscriber.offer(chunk);
            }
            subscribers.add(subscriber);
        });
    }

    /**
     * Removes a subscriber, in order with subscribing: a subscribe still queued behind a publish on another
     * thread runs first, so a viewer that leaves before its subscription ran is not added afterwards, for
     * ever, with its mailbox full.
     */
    @Override
    public void unsubscribe(Subscriber<T> subscriber) {
        serial.run(() -> subscribers.remove(subscriber));
    }

    /** The cached GOP, for callers that feed it somewhere other than a subscriber (a transcoder). */
    public List<T> gop() {
        synchronized (gop) {
            return gop.snapshot();
        }
    }

    /** Forgets the cached GOP, after the chunks published before: it belongs to a stream that ended. */
    public void clear() {
        serial.run(() -> {
            synchronized (gop) {
                gop.reset();
            }
        });
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
