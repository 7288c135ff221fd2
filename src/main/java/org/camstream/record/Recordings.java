package org.camstream.record;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.camstream.config.CameraSettings;
import org.camstream.process.Lease;
import org.camstream.stream.Broadcast;
import org.camstream.stream.Mp4Chunk;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's recordings: their catalogue, the disk they are on, their retention, and the recorders of the
 * cameras that record. One of these serves every camera; each recorder is its camera's own.
 */
public final class Recordings implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Recordings.class);
    static final long SWEEP_SECONDS = 60;

    private final RecordingCatalog catalog;
    private final RecordingStorage storage;
    private final Supplier<Retention.Limits> limits;
    private final Retention retention;
    private final Set<Recorder> recorders = ConcurrentHashMap.newKeySet();
    private final ScheduledFuture<?> sweeps;

    public Recordings(Path dataDir, RecordingClock clock, RecordingStorage storage, Supplier<Retention.Limits> limits,
            ScheduledExecutorService scheduler) {
        this.catalog = RecordingCatalog.under(dataDir, clock);
        this.storage = storage;
        this.limits = limits;
        this.retention = new Retention(catalog, storage, limits, this::writing);
        catalog.load();
        this.sweeps = scheduler.scheduleWithFixedDelay(this::sweep, SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /** Makes sure recordings can be written: the directory exists, and a file can be created in it. */
    public void checkWritable() throws IOException {
        Path root = catalog.root();
        Files.createDirectories(root);
        Path probe = root.resolve(".camstream-probe-" + ProcessHandle.current().pid());
        try {
            storage.create(probe).close();
        } finally {
            storage.delete(probe);
        }
    }

    /** Starts recording a camera. */
    public Recorder record(String camera, Supplier<CameraSettings> settings, Supplier<Lease> claim,
            Broadcast<Mp4Chunk> source) {
        Recorder recorder = Recorder.start(camera, settings, claim, source, catalog, storage,
                () -> limits.get().minFree(), this::sweep);
        recorders.add(recorder);
        return recorder;
    }

    /** Stops a camera's recorder: its file is completed. */
    public void stop(Recorder recorder) {
        recorders.remove(recorder);
        recorder.close();
    }

    private Set<Path> writing() {
        Set<Path> files = new HashSet<>();
        for (Recorder recorder : recorders) {
            Path current = recorder.current();
            if (current != null) {
                files.add(current);
            }
        }
        return files;
    }

    private void sweep() {
        try {
            retention.sweep();
        } catch (RuntimeException e) {
            LOG.warn("The recordings' sweep failed", e);
        }
    }

    public RecordingCatalog catalog() {
        return catalog;
    }

    public Retention retention() {
        return retention;
    }

    /** Free bytes on the recordings' disk, or -1 when it cannot be told. */
    public long freeBytes() {
        try {
            return storage.usableSpace(catalog.root());
        } catch (IOException e) {
            return -1;
        }
    }

    @Override
    public void close() {
        sweeps.cancel(false);
        for (Recorder recorder : recorders) {
            recorder.close();
        }
        recorders.clear();
    }
}
