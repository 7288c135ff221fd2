package org.camstream.publish;

import java.util.concurrent.atomic.AtomicLong;
import org.camstream.stream.Chunk;
import org.camstream.stream.GopBacklog;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.Subscriber;
import org.camstream.stream.VideoTrack;

/**
 * The camera's fMP4 for one publishing ffmpeg: the init segment of the first fragment's track, then the
 * fragments. The camera's thread offers and never waits; the process's writer thread takes and waits.
 *
 * <p>Bounded by a {@link GopBacklog}: when ffmpeg (or the network behind it) cannot keep up, a backlog found
 * at a keyframe is dropped and the relay goes on from that keyframe, and a backlog that reaches the mailbox's
 * hard bound is dropped up to the next keyframe. The relay loses pictures, never the reference chain, and
 * camstream's own viewers, who have mailboxes of their own, notice nothing.
 *
 * <p>A progressive fMP4 cannot change its track, so the feed ends once the camera's parameters change (a new
 * picture size): ffmpeg finishes, and the publisher starts a new one on the new track.
 */
final class PublishFeed implements Subscriber<Mp4Chunk> {

    /** What {@link #next} returns when the feed is over. */
    static final Chunk END = Chunk.of(0, out -> { });

    private final GopBacklog<Mp4Chunk> pending;
    private final AtomicLong dropped = new AtomicLong();
    private VideoTrack track;
    private boolean initSent;
    private boolean closed;
    private boolean trackChanged;

    PublishFeed(double fps) {
        this.pending = GopBacklog.forVideo(fps);
    }

    /** Called on the camera's thread; returns at once. */
    @Override
    public synchronized void offer(Mp4Chunk chunk) {
        if (closed) {
            return;
        }
        if (track == null) {
            if (!chunk.isKeyframe()) {
                return; // the mailbox would skip it anyway; the init segment must match a keyframe's track
            }
            track = chunk.track();
        } else if (chunk.track().generation() != track.generation()) {
            trackChanged = true;
            closed = true;
            notifyAll();
            return;
        }
        int lost = pending.put(chunk);
        if (lost > 0) {
            dropped.addAndGet(lost);
        }
        notifyAll();
    }

    /**
     * The next chunk to write, waiting at most {@code timeoutMillis}: null if none came in time, {@link #END}
     * once the feed is closed and what it held is written.
     */
    synchronized Chunk next(long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        while (true) {
            if (track != null && !initSent) {
                initSent = true;
                return Chunk.of(track.init().size(), track.init()::writeTo);
            }
            Mp4Chunk chunk = pending.take();
            if (chunk != null) {
                return chunk;
            }
            if (closed) {
                return END;
            }
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return null;
            }
            wait(Math.max(1, left / 1_000_000));
        }
    }

    /** Ends the feed; what it holds is still handed out, then {@link #END}. */
    synchronized void close() {
        closed = true;
        notifyAll();
    }

    /** Whether the feed ended because the camera's track changed, which is no fault of the relay. */
    synchronized boolean trackChanged() {
        return trackChanged;
    }

    /** The fragments dropped because ffmpeg did not keep up. */
    long dropped() {
        return dropped.get();
    }

    /** The picture size being published, or null before the first keyframe. */
    synchronized VideoTrack track() {
        return track;
    }
}
