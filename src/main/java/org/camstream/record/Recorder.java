package org.camstream.record;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.camstream.config.CameraSettings;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.process.Lease;
import org.camstream.process.LogLimiter;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Chunk;
import org.camstream.stream.GopBacklog;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.Subscriber;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Records one camera: the fMP4 fragments the camera already makes for its viewers, sound included, written to
 * disk as they are, one file per {@code record-segment} and per picture size (see {@link SegmentWriter}). No
 * encoder, no muxer and no process of its own: what it costs is the stream's bitrate in disk writes, and one
 * thread.
 *
 * <p>The camera's thread only puts each fragment in a bounded queue ({@value #QUEUE_SECONDS} s, at most
 * {@value #QUEUE_BYTES} bytes); the recorder's thread writes. A disk that cannot keep up loses pictures up to the
 * next keyframe, counted in {@code dropped}, and never slows a viewer. A write that fails (a full disk, a disk
 * gone) stops the recording with the reason in the status, closes the file as far as it was written, and tries
 * again every {@value #RETRY_SECONDS} s; it goes on, in a new file, once there is room. Files are cut on the
 * media timeline, so a wall clock that jumps changes nothing but the next file's name.
 */
public final class Recorder implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Recorder.class);
    static final int QUEUE_SECONDS = 10;
    static final long QUEUE_BYTES = 8L * 1024 * 1024;
    static final int RETRY_SECONDS = 5;
    /** A jump in the camera's timeline longer than this (a camera that was stopped) starts a new file. */
    static final long GAP_TICKS = 2L * FragmentTimeline.TIMESCALE;
    private static final long FLUSH_NANOS = TimeUnit.SECONDS.toNanos(1);

    /** What the recorder is doing. */
    public enum State {
        /** Writing, or waiting for the camera's next keyframe to. */
        RECORDING,
        /** A write failed; waiting for room, or for the disk, to try again. */
        STOPPED,
        CLOSED;

        public String id() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    /**
     * @param file the file being written, or null
     * @param lastError why it stopped, while {@code state} is {@link State#STOPPED}
     */
    public record Status(State state, Instant since, Path file, long bytesWritten, long filesWritten, long dropped,
            String lastError, Instant lastErrorAt) {
    }

    private final String camera;
    private final Supplier<CameraSettings> settings;
    private final RecordingCatalog catalog;
    private final RecordingStorage storage;
    private final LongSupplier minFree;
    private final Runnable afterFile;
    private final Lease lease;
    private final Broadcast<Mp4Chunk> source;
    private final Thread thread;
    private final LogLimiter warnings = LogLimiter.standard();
    private final AtomicLong dropped = new AtomicLong();
    private final Inbox inbox;

    // Touched by the recorder's thread only, but read by the status: volatile.
    private volatile SegmentWriter writer;
    private volatile State state = State.RECORDING;
    private volatile Instant since;
    private volatile String lastError;
    private volatile Instant lastErrorAt;
    private volatile long bytesWritten;
    private volatile long filesWritten;
    private long lastFlushNanos = System.nanoTime();
    private long retryAtNanos;
    private boolean waitingForKeyframe = true;

    /**
     * Starts recording: claims the camera's fragments (the camera, and its sound, run while it records) and
     * starts its thread.
     *
     * @param minFree the free space kept on the disk, below which a failed recording does not try again
     * @param afterFile what to do after each file is complete: the retention's sweep
     */
    public static Recorder start(String camera, Supplier<CameraSettings> settings, Supplier<Lease> claim,
            Broadcast<Mp4Chunk> source, RecordingCatalog catalog, RecordingStorage storage, LongSupplier minFree,
            Runnable afterFile) {
        Lease lease = claim.get();
        Recorder recorder;
        try {
            recorder = new Recorder(camera, settings, lease, source, catalog, storage, minFree, afterFile);
        } catch (RuntimeException e) {
            lease.close();
            throw e;
        }
        source.subscribe(recorder.inbox);
        recorder.thread.start();
        LOG.info("{}: recording to {}", camera, catalog.root().resolve(camera));
        return recorder;
    }

    private Recorder(String camera, Supplier<CameraSettings> settings, Lease lease, Broadcast<Mp4Chunk> source,
            RecordingCatalog catalog, RecordingStorage storage, LongSupplier minFree, Runnable afterFile) {
        this.camera = camera;
        this.settings = settings;
        this.lease = lease;
        this.source = source;
        this.catalog = catalog;
        this.storage = storage;
        this.minFree = minFree;
        this.afterFile = afterFile;
        double fps = settings.get().fps();
        int chunks = (int) Math.max(20, Math.ceil(fps * QUEUE_SECONDS));
        this.inbox = new Inbox(new GopBacklog<>(chunks, 2 * chunks, QUEUE_BYTES));
        this.since = catalog.clock().wall();
        this.thread = new Thread(this::run, "camstream-record-" + camera);
        thread.setDaemon(true);
    }

    /**
     * A fragment as it reached the recorder, with the recorder's clocks read then: the camera hands each one over
     * as soon as it is made, so this is when it was captured, to within the camera's own delay. A fragment is
     * stamped here and not when it is written: a disk that stalls for seconds (an SD card can) would otherwise
     * date everything in the queue seconds late, and playback would find it there.
     */
    record Arrival(Mp4Chunk chunk, long mono, long wallMicros) implements Chunk {
        @Override
        public long sequence() {
            return chunk.sequence();
        }

        @Override
        public int size() {
            return chunk.size();
        }

        @Override
        public boolean isKeyframe() {
            return chunk.isKeyframe();
        }

        @Override
        public void writeTo(java.io.OutputStream out) throws IOException {
            chunk.writeTo(out);
        }
    }

    /** The camera's fragments, waiting for the recorder's thread; the camera's thread never waits here. */
    private final class Inbox implements Subscriber<Mp4Chunk> {
        private final GopBacklog<Arrival> backlog;
        private boolean closed;

        Inbox(GopBacklog<Arrival> backlog) {
            this.backlog = backlog;
        }

        @Override
        public void offer(Mp4Chunk chunk) {
            // Dated by its place on the timeline, as HLS dates it: its arrival, less how late it came after a stall.
            long lagMicros = chunk.timing().lagMicros();
            Arrival arrival = new Arrival(chunk, mono() - lagMicros * 1000, wallMicros() - lagMicros);
            synchronized (this) {
                put(arrival);
            }
        }

        private void put(Arrival arrival) {
            if (closed) {
                return;
            }
            int lost = backlog.put(arrival);
            if (lost > 0) {
                dropped.addAndGet(lost);
            }
            notifyAll();
        }

        /** The next fragment, or null after {@code timeoutNanos} or once closed. */
        synchronized Arrival take(long timeoutNanos) throws InterruptedException {
            long deadline = System.nanoTime() + timeoutNanos;
            while (!closed) {
                Arrival chunk = backlog.take();
                if (chunk != null) {
                    return chunk;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return null;
                }
                TimeUnit.NANOSECONDS.timedWait(this, left);
            }
            return null;
        }

        synchronized void close() {
            closed = true;
            backlog.clear();
            notifyAll();
        }

        synchronized boolean isClosed() {
            return closed;
        }

        synchronized boolean isEmpty() {
            return backlog.isEmpty();
        }
    }

    /** Whether nothing waits to be written: for tests that feed faster than a camera. */
    boolean caughtUp() {
        return inbox.isEmpty();
    }

    private void run() {
        try {
            while (!inbox.isClosed()) {
                Arrival arrival = inbox.take(FLUSH_NANOS);
                if (arrival != null) {
                    handle(arrival);
                }
                long now = System.nanoTime();
                if (state == State.STOPPED && now - retryAtNanos >= 0) {
                    retry(now);
                }
                SegmentWriter current = writer;
                if (current != null && (current.flushDue() || now - lastFlushNanos >= FLUSH_NANOS)) {
                    lastFlushNanos = now;
                    if (write(current::flush)) {
                        update(current, true);
                    }
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            finishFile();
        }
    }

    private void handle(Arrival arrival) {
        if (state != State.RECORDING) {
            return;
        }
        Mp4Chunk chunk = arrival.chunk();
        SegmentWriter current = writer;
        if (current != null && chunk.isKeyframe() && mustStartNewFile(current, chunk)) {
            finishFile();
            current = null;
        }
        if (current == null) {
            if (!chunk.isKeyframe()) {
                waitingForKeyframe = true;
                return;
            }
            if (!open(arrival)) {
                return;
            }
            current = writer;
        } else if (chunk.track().generation() != current.track().generation() || waitingForKeyframe) {
            return; // the new track's keyframe starts the next file
        }
        SegmentWriter target = current;
        long before = target.length();
        if (write(() -> target.append(chunk, arrival.mono(), arrival.wallMicros()))) {
            bytesWritten += target.length() - before;
        }
    }

    private boolean mustStartNewFile(SegmentWriter current, Mp4Chunk chunk) {
        if (chunk.track().generation() != current.track().generation()) {
            return true;
        }
        long segment = settings.get().recordSegment().toMillis() * FragmentTimeline.TIMESCALE / 1000;
        if (current.mediaDuration() >= segment) {
            return true;
        }
        long decode = current.decodeTimeOf(chunk);
        return decode < current.mediaDuration() - FragmentTimeline.TIMESCALE / 10
                || decode > current.mediaDuration() + GAP_TICKS;
    }

    private boolean open(Arrival keyframe) {
        long free = free();
        if (free >= 0 && free < minFree.getAsLong()) {
            afterFile.run(); // the sweep deletes the oldest recordings to make room, if there are any
            free = free();
            if (free >= 0 && free < minFree.getAsLong()) {
                fail("only " + free / (1024 * 1024) + " MB are free on the disk, under record-min-free ("
                        + minFree.getAsLong() / (1024 * 1024) + " MB), and no recording is left to delete");
                return false;
            }
        }
        Instant wall = Instant.EPOCH.plus(keyframe.wallMicros(), java.time.temporal.ChronoUnit.MICROS);
        Path file = catalog.newFile(camera, wall);
        long seq = catalog.nextSeq(camera);
        try {
            SegmentWriter opened = SegmentWriter.create(storage, file, camera, catalog.clock().bootId(), seq,
                    keyframe.mono(), keyframe.wallMicros(), keyframe.chunk().track(),
                    settings.get().recordSegment().toSeconds());
            writer = opened;
            waitingForKeyframe = false;
            update(opened, true);
            return true;
        } catch (IOException | RuntimeException e) {
            fail("cannot create " + file + ": " + e.getMessage());
            return false;
        }
    }

    /** Completes the file being written, if any, and tells the catalogue and the retention. */
    private void finishFile() {
        SegmentWriter current = writer;
        if (current == null) {
            return;
        }
        writer = null;
        try {
            current.close();
            filesWritten++;
        } catch (IOException | RuntimeException e) {
            current.abandon();
            fail("cannot finish " + current.file() + ": " + e.getMessage());
        }
        update(current, false);
        try {
            afterFile.run();
        } catch (RuntimeException e) {
            LOG.warn("{}: the sweep after a recording failed", camera, e);
        }
    }

    private interface Write {
        void run() throws IOException;
    }

    /** Runs a write; one that fails stops the recording, keeping what the file holds. */
    private boolean write(Write write) {
        try {
            write.run();
            return true;
        } catch (IOException | RuntimeException e) {
            SegmentWriter current = writer;
            writer = null;
            if (current != null) {
                current.abandon();
                update(current, false);
            }
            fail(e.getMessage() == null ? e.toString() : e.getMessage());
            return false;
        }
    }

    private void fail(String why) {
        boolean full = why != null && why.toLowerCase(java.util.Locale.ROOT).contains("no space");
        lastError = full ? "the disk is full: " + why : why;
        lastErrorAt = catalog.clock().wall();
        if (state != State.STOPPED) {
            state = State.STOPPED;
            since = lastErrorAt;
        }
        retryAtNanos = System.nanoTime() + TimeUnit.SECONDS.toNanos(RETRY_SECONDS);
        String admitted = warnings.admit(camera + ": recording stopped: " + lastError + "; trying again in "
                + RETRY_SECONDS + " s");
        if (admitted != null) {
            LOG.warn(admitted);
        }
        try {
            afterFile.run(); // the sweep may make room
        } catch (RuntimeException e) {
            LOG.warn("{}: the sweep after a failed write failed", camera, e);
        }
    }

    /** Goes on recording, in a new file at the next keyframe, once the disk has room again. */
    private long free() {
        try {
            return storage.usableSpace(catalog.root());
        } catch (IOException e) {
            return -1;
        }
    }

    private void retry(long now) {
        long free = free();
        if (free >= 0 && free >= minFree.getAsLong() + SegmentWriter.FLUSH_BYTES) {
            state = State.RECORDING;
            since = catalog.clock().wall();
            waitingForKeyframe = true;
            LOG.info("{}: recording again ({} MB free)", camera, free / (1024 * 1024));
        } else {
            retryAtNanos = now + TimeUnit.SECONDS.toNanos(RETRY_SECONDS);
        }
    }

    private void update(SegmentWriter file, boolean open) {
        try {
            RecordingIndex.Parsed parsed = RecordingIndex.summary(SegmentWriter.indexOf(file.file()));
            catalog.put(catalog.recording(file.file(), parsed, open));
        } catch (IOException | RuntimeException e) {
            // the index did not get its header: nothing of this file can be played back
            catalog.remove(file.file());
        }
    }

    private long mono() {
        return catalog.clock().monotonicNanos();
    }

    private long wallMicros() {
        Instant wall = catalog.clock().wall();
        return wall.getEpochSecond() * 1_000_000L + wall.getNano() / 1_000;
    }

    public Status status() {
        SegmentWriter current = writer;
        return new Status(state, since, current == null ? null : current.file(), bytesWritten, filesWritten,
                dropped.get(), state == State.STOPPED ? lastError : null, lastErrorAt);
    }

    /** The file being written, or null: the retention leaves it alone. */
    public Path current() {
        SegmentWriter current = writer;
        return current == null ? null : current.file();
    }

    /** Stops recording: the file being written is completed, then the camera is let go. */
    @Override
    public void close() {
        state = State.CLOSED;
        source.unsubscribe(inbox);
        inbox.close();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        lease.close();
        LOG.info("{}: recording stopped", camera);
    }

    /** How long the recorder waits at most for its disk before it gives up a file: for tests. */
    static Duration retryDelay() {
        return Duration.ofSeconds(RETRY_SECONDS);
    }
}
