package org.camstream.stream;

/**
 * A viewer's queue for inter-coded video: a {@link GopBacklog} behind this object's lock, which guards it alone.
 * A viewer that falls behind skips ahead at the next keyframe, and is never fed a broken reference chain.
 */
public final class GopMailbox<T extends Chunk> implements Mailbox<T> {

    private final GopBacklog<T> backlog;

    public GopMailbox(int lagChunks, int maxChunks, long maxBytes) {
        this.backlog = new GopBacklog<>(lagChunks, maxChunks, maxBytes);
    }

    /** See {@link GopBacklog#forVideo}. */
    public static <T extends Chunk> GopMailbox<T> forVideo(double fps) {
        GopBacklog<T> sized = GopBacklog.forVideo(fps);
        return new GopMailbox<>(sized);
    }

    private GopMailbox(GopBacklog<T> backlog) {
        this.backlog = backlog;
    }

    @Override
    public synchronized int put(T chunk) {
        return backlog.put(chunk);
    }

    @Override
    public synchronized T take() {
        return backlog.take();
    }

    @Override
    public synchronized boolean isEmpty() {
        return backlog.isEmpty();
    }

    @Override
    public synchronized void clear() {
        backlog.clear();
    }
}
