package org.camstream.hls;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.Subscriber;
import org.camstream.stream.VideoTrack;

/**
 * Cuts the shared fMP4 fragments into LL-HLS parts and segments, for one run. It subscribes to the same
 * fan-out as the MP4 and WebSocket viewers, so it copies no bytes and encodes nothing: a part is a list of
 * those fragments.
 *
 * <p>Each completed part makes a new immutable {@link HlsSnapshot}, which is published and then handed to
 * the listener with no lock held. {@link #offer} runs on the fan-out's thread: it only appends to lists and
 * never blocks.
 *
 * <p>Bounded whatever the number of viewers: {@link #KEPT_SEGMENTS} complete segments and at most
 * {@link #MAX_KEPT_BYTES} of them, plus the open one, which is abandoned (and the pictures skipped to the
 * next keyframe) past {@link #MAX_SEGMENT_FRAMES} or {@link #MAX_SEGMENT_BYTES}. Only the latest snapshot is
 * kept; it references those same segments.
 */
public final class Segmenter implements Subscriber<Mp4Chunk> {

    public static final int KEPT_SEGMENTS = 7;
    public static final long MAX_KEPT_BYTES = 16L * 1024 * 1024;
    /** The GOP cache's caps: a longer group of pictures has no keyframe to cut at, so it cannot be served. */
    public static final int MAX_SEGMENT_FRAMES = 600;
    public static final long MAX_SEGMENT_BYTES = 8L * 1024 * 1024;

    private final String runId;
    private final PartPlan plan;
    private final Consumer<HlsSnapshot> listener;
    private final Object lock = new Object();

    // Guarded by lock.
    private final ArrayDeque<HlsSegment> closed = new ArrayDeque<>();
    private long closedBytes;
    private HlsSegment open;
    private int openFrames;
    private long openBytes;
    private final List<Mp4Chunk> pending = new ArrayList<>();
    private long pendingTicks;
    private long pendingBytes;
    private long nextPart;
    private long nextMsn;
    private long discontinuities;
    private VideoTrack track;
    private boolean waitingForKeyframe = true;
    private boolean gap;
    private int targetSeconds = 1;

    private volatile HlsSnapshot current;

    public Segmenter(String runId, PartPlan plan, Consumer<HlsSnapshot> listener) {
        this.runId = runId;
        this.plan = plan;
        this.listener = listener;
        this.current = HlsSnapshot.of(runId, -1, List.of(), plan, 1);
    }

    @Override
    public void offer(Mp4Chunk chunk) {
        List<HlsSnapshot> published = new ArrayList<>(2);
        synchronized (lock) {
            add(chunk, published);
        }
        for (HlsSnapshot snapshot : published) {
            listener.accept(snapshot);
        }
    }

    /** The latest version. */
    public HlsSnapshot current() {
        return current;
    }

    /**
     * The playlist that answers {@code query}, or null while none does: the latest version, once it has what
     * was asked for (RFC 8216bis 6.2.5.2). Not the first version that had it: a player that fell behind gets
     * the live edge in one step, instead of one part per round trip through a cache's lock. A cache in front
     * keeps the answer for its URL for a second, so every viewer behind it reads the same bytes.
     */
    public HlsSnapshot answer(PlaylistQuery query) {
        HlsSnapshot latest = current;
        return query.satisfiedBy(latest) ? latest : null;
    }

    public String runId() {
        return runId;
    }

    public PartPlan plan() {
        return plan;
    }

    private void add(Mp4Chunk chunk, List<HlsSnapshot> published) {
        boolean keyframe = chunk.isKeyframe();
        if (chunk.timing().afterGap() && open != null) {
            // The timeline skipped a gap in capture (the camera restarted or stalled): from here the capture
            // times are later than the durations before say, so the segment after this one starts after
            // EXT-X-DISCONTINUITY, with its own PROGRAM-DATE-TIME, and at the first keyframe, however short
            // the open segment is: appended to it, a restarted camera's first second would make a segment
            // longer than the target duration.
            gap = true;
        }
        if (waitingForKeyframe && !keyframe) {
            return;
        }
        boolean trackChanged = track != null && chunk.track() != track;
        if (open == null || keyframe && (trackChanged || gap || openTicks() >= plan.minSegmentTicks()
                || openFrames >= plan.framesPerSegment())) {
            closeOpenSegment(published);
            boolean discontinuity = trackChanged || gap;
            if (discontinuity) {
                discontinuities++;
            }
            open = HlsSegment.open(nextMsn++, chunk.track(), discontinuity, discontinuities);
            openFrames = 0;
            openBytes = 0;
            track = chunk.track();
            waitingForKeyframe = false;
            gap = false;
        } else if (openFrames + 1 > MAX_SEGMENT_FRAMES || openBytes + chunk.size() > MAX_SEGMENT_BYTES) {
            // No keyframe to cut at: end the segment here and skip to the next keyframe, after a discontinuity.
            closeOpenSegment(published);
            waitingForKeyframe = true;
            gap = true;
            return;
        }
        long duration = chunk.timing().duration();
        if (!pending.isEmpty() && pendingTicks + duration > plan.partTargetTicks()) {
            completePart(false, published); // a late frame goes to the next part: no part overruns the target
        }
        pending.add(chunk);
        pendingTicks += duration;
        pendingBytes += chunk.size();
        openFrames++;
        openBytes += chunk.size();
        if (pending.size() >= plan.framesPerPart() || pendingTicks + plan.frameTicks() > plan.partTargetTicks()) {
            completePart(false, published);
        }
    }

    private long openTicks() {
        return (open == null ? 0 : open.durationTicks()) + pendingTicks;
    }

    /**
     * Ends the open segment. When frames are waiting, they make its last part and that version shows the
     * segment complete; when its last part is already out, the segment shows as complete from the next
     * version on, because a version is a part and no part came.
     */
    private void closeOpenSegment(List<HlsSnapshot> published) {
        if (open == null) {
            return;
        }
        if (!pending.isEmpty()) {
            completePart(true, published);
        } else if (open.parts().isEmpty()) {
            open = null;
        } else {
            retire(open.close());
        }
    }

    private void completePart(boolean closesSegment, List<HlsSnapshot> published) {
        HlsPart part = new HlsPart(nextPart++, open.msn(), open.parts().size(), pending, pendingTicks, pendingBytes);
        pending.clear();
        pendingTicks = 0;
        pendingBytes = 0;
        open = open.with(part);
        if (closesSegment) {
            retire(open.close());
        }
        List<HlsSegment> segments = new ArrayList<>(closed.size() + 1);
        segments.addAll(closed);
        if (open != null) {
            segments.add(open);
        }
        HlsSnapshot snapshot = HlsSnapshot.of(runId, part.index(), segments, plan, targetSeconds);
        current = snapshot;
        published.add(snapshot);
    }

    private void retire(HlsSegment done) {
        // RFC 8216bis 6.2.1: the target duration must not change in a run, so it is the longest segment the run
        // has made, not the longest still kept, which would shrink when a long first segment is dropped.
        targetSeconds = Math.max(targetSeconds, (int) Math.round(done.durationTicks() / (double) FragmentTimeline.TIMESCALE));
        open = null;
        closed.addLast(done);
        closedBytes += done.size();
        while (closed.size() > KEPT_SEGMENTS || closedBytes > MAX_KEPT_BYTES && closed.size() > 1) {
            closedBytes -= closed.removeFirst().size();
        }
    }
}
