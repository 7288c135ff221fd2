package org.camstream.rtsp;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.camstream.camera.Camera;
import org.camstream.process.Lease;
import org.camstream.rtp.RtpPicture;
import org.camstream.stream.GopMailbox;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.Subscriber;

/**
 * One client's session on one camera, from its first SETUP to its TEARDOWN, its timeout or its connection's end:
 * the tracks it set up with their own RTP sequence, SSRC and timestamp offset, its place under
 * {@code max-viewers}, and its mailbox of pictures. The camera's fan-out offers it pictures on the camera's
 * thread; everything else happens on the server's one thread.
 */
final class RtspSession implements Subscriber<Mp4Chunk> {

    private static final SecureRandom RANDOM = new SecureRandom();

    enum State { READY, PLAYING, ENDED }

    private final String id;
    private final Camera camera;
    private final RtspConnection connection;
    private final Lease place;
    private final TrackOut[] tracks = new TrackOut[2];
    private final GopMailbox<Mp4Chunk> mailbox;
    private final long startedMillis;
    private final AtomicBoolean queued = new AtomicBoolean();
    private final AtomicLong droppedPictures = new AtomicLong();
    private final Consumer<RtspSession> onReady;
    private Cursor cursor;
    private volatile State state = State.READY;
    private volatile long lastHeardNanos;

    RtspSession(Camera camera, RtspConnection connection, Lease place, long nowNanos, long nowMillis,
            Consumer<RtspSession> onReady) {
        byte[] bytes = new byte[8];
        RANDOM.nextBytes(bytes);
        this.id = HexFormat.of().formatHex(bytes);
        this.camera = camera;
        this.connection = connection;
        this.place = place;
        this.mailbox = GopMailbox.forVideo(camera.settings().fps());
        this.lastHeardNanos = nowNanos;
        this.startedMillis = nowMillis;
        this.onReady = onReady;
    }

    @Override
    public void offer(Mp4Chunk chunk) {
        if (state != State.PLAYING) {
            return;
        }
        int dropped = mailbox.put(chunk);
        if (dropped > 0) {
            droppedPictures.addAndGet(dropped);
        }
        if (queued.compareAndSet(false, true)) {
            onReady.accept(this);
        }
    }

    /** Called before the mailbox is looked at: an offer from now on queues the session again. */
    void dequeued() {
        queued.set(false);
    }

    /** The next picture to send, or null. */
    Mp4Chunk take() {
        return mailbox.take();
    }

    /** Where a UDP session is in the picture it is sending, across turns of the loop. */
    static final class Cursor {
        private final RtpPicture picture;
        private int next;

        Cursor(RtpPicture picture) {
            this.picture = picture;
        }

        RtpPicture picture() {
            return picture;
        }

        int next() {
            return next;
        }

        void advance() {
            next++;
        }
    }

    Cursor cursor() {
        return cursor;
    }

    Cursor startCursor(RtpPicture picture) {
        cursor = new Cursor(picture);
        return cursor;
    }

    void endCursor() {
        cursor = null;
    }

    /** The RTCP CNAME of both its tracks, by which a client knows they belong together. */
    String cname() {
        return "camstream-" + camera.name();
    }

    boolean hasWaiting() {
        return !mailbox.isEmpty();
    }

    void play() {
        state = State.PLAYING;
    }

    /** Ends it: the caller unsubscribes it from the camera; its place is given back and its mailbox emptied. */
    void end() {
        state = State.ENDED;
        cursor = null;
        mailbox.clear();
        place.close();
    }

    void heard(long nowNanos) {
        lastHeardNanos = nowNanos;
    }

    String id() {
        return id;
    }

    Camera camera() {
        return camera;
    }

    RtspConnection connection() {
        return connection;
    }

    State state() {
        return state;
    }

    long lastHeardNanos() {
        return lastHeardNanos;
    }

    long startedMillis() {
        return startedMillis;
    }

    long droppedPictures() {
        return droppedPictures.get();
    }

    TrackOut track(int index) {
        return tracks[index];
    }

    void setTrack(int index, TrackOut track) {
        tracks[index] = track;
    }

    boolean hasTrack(int index) {
        return tracks[index] != null;
    }

    boolean hasTracks() {
        for (TrackOut track : tracks) {
            if (track != null) {
                return true;
            }
        }
        return false;
    }

    /** Whether the session uses UDP: all its tracks go the same way (a mixed SETUP is refused). */
    boolean udp() {
        for (TrackOut track : tracks) {
            if (track != null) {
                return !track.transport().tcp();
            }
        }
        return false;
    }

    long bytesSent() {
        long total = 0;
        for (TrackOut track : tracks) {
            if (track != null) {
                total += track.stream().octets() + 12L * track.stream().packets();
            }
        }
        return total;
    }

    long packetsDropped() {
        long total = 0;
        for (TrackOut track : tracks) {
            if (track != null) {
                total += track.droppedPackets();
            }
        }
        return total;
    }

    long packetsSent() {
        long total = 0;
        for (TrackOut track : tracks) {
            if (track != null) {
                total += track.stream().packets();
            }
        }
        return total;
    }
}
