package org.camstream.stream;

import java.util.ArrayDeque;

/**
 * A viewer's queue for inter-coded video. Chunks are kept in order, since every one is needed to decode
 * the next. A viewer that falls behind skips ahead at the next keyframe: if it still has a backlog when a
 * keyframe arrives, the backlog is dropped and the viewer goes on from the keyframe. If the backlog hits the
 * hard bound first, everything up to the next keyframe is skipped. Either way the viewer loses pictures but
 * is never fed a broken reference chain, and its delay stays near one GOP.
 *
 * <p>Not thread-safe: its owner guards it with its own lock ({@link GopMailbox} for a viewer, the feed of a relay
 * or of the transcoder for theirs), so that no lock is ever taken while another is held.
 */
public final class GopBacklog<T extends Chunk> {

    private final int lagChunks;
    private final int maxChunks;
    private final long maxBytes;
    private final ArrayDeque<T> queue = new ArrayDeque<>();
    private long bytes;
    private boolean waitingForKeyframe = true;

    /**
     * @param lagChunks a backlog at least this long when a keyframe arrives is dropped
     * @param maxChunks the hard bound on the backlog, in chunks
     * @param maxBytes the hard bound on the backlog, in bytes
     */
    public GopBacklog(int lagChunks, int maxChunks, long maxBytes) {
        this.lagChunks = lagChunks;
        this.maxChunks = maxChunks;
        this.maxBytes = maxBytes;
    }

    /**
     * A mailbox that skips ahead when a keyframe finds a second's backlog, and that has room for a little
     * more than the largest cached GOP, so that a new viewer's GOP fits on arrival.
     */
    public static <T extends Chunk> GopBacklog<T> forVideo(double fps) {
        return new GopBacklog<>((int) Math.max(2, Math.round(fps)), GopFanOut.MAX_GOP_CHUNKS + 30,
                GopFanOut.MAX_GOP_BYTES + 2 * 1024 * 1024);
    }

    public int put(T chunk) {
        int dropped = 0;
        if (chunk.isKeyframe()) {
            waitingForKeyframe = false;
            if (queue.size() >= lagChunks) {
                dropped = queue.size();
                queue.clear();
                bytes = 0;
            }
        }
        if (waitingForKeyframe) {
            return 1;
        }
        if (queue.size() + 1 > maxChunks || bytes + chunk.size() > maxBytes) {
            dropped += queue.size() + 1;
            queue.clear();
            bytes = 0;
            waitingForKeyframe = true;
            return dropped;
        }
        queue.addLast(chunk);
        bytes += chunk.size();
        return dropped;
    }

    public T take() {
        T chunk = queue.pollFirst();
        if (chunk != null) {
            bytes -= chunk.size();
        }
        return chunk;
    }

    public boolean isEmpty() {
        return queue.isEmpty();
    }

    public void clear() {
        queue.clear();
        bytes = 0;
    }
}
