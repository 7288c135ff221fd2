package org.camstream.record;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the recordings within their bounds, and never ignores one: first by age ({@code record-keep}), then by
 * total size ({@code record-max-size}), then by free space on the disk ({@code record-min-free}), which wins over
 * the other two. Whichever rule deletes, the oldest recordings go first, of every camera together; a recording
 * being written is never touched. Ages are measured on the corrected clock ({@link RecordingCatalog}); a recording
 * whose time is unknown is never aged out, but goes first when room is needed. Runs after every file a recorder
 * completes or fails, and once a minute.
 */
public final class Retention {

    private static final Logger LOG = LoggerFactory.getLogger(Retention.class);

    /** The bounds, as the settings say now. */
    public record Limits(Duration keep, long maxBytes, long minFree) {
    }

    /** What the last sweep found and did. */
    public record Report(Instant at, int deleted, long bytesDeleted, long totalBytes, long freeBytes, String lastError) {
    }

    private final RecordingCatalog catalog;
    private final RecordingStorage storage;
    private final Supplier<Limits> limits;
    private final Supplier<Set<Path>> writing;
    private final AtomicLong deletedEver = new AtomicLong();
    private volatile Report last;

    /** @param writing the files the recorders are writing now */
    public Retention(RecordingCatalog catalog, RecordingStorage storage, Supplier<Limits> limits,
            Supplier<Set<Path>> writing) {
        this.catalog = catalog;
        this.storage = storage;
        this.limits = limits;
        this.writing = writing;
    }

    /** One sweep. Runs on whichever thread asks; two at once only delete what is there. */
    public synchronized Report sweep() {
        Limits now = limits.get();
        Set<Path> open = writing.get();
        Instant clock = catalog.clock().wall();
        int deleted = 0;
        long bytesDeleted = 0;
        String error = null;
        List<Recording> all = catalog.all();
        long total = 0;
        for (Recording r : all) {
            total += r.bytes();
        }
        long free = free();
        for (Recording r : all) {
            if (open.contains(r.file())) {
                continue;
            }
            boolean tooOld = !now.keep().isZero() && r.timeKnown() && r.end().isBefore(clock.minus(now.keep()));
            boolean tooBig = now.maxBytes() > 0 && total > now.maxBytes();
            boolean tooFull = free >= 0 && free < now.minFree();
            if (!tooOld && !tooBig && !tooFull) {
                continue;
            }
            try {
                delete(r);
                deleted++;
                bytesDeleted += r.bytes();
                total -= r.bytes();
                free = tooFull ? free() : free;
                LOG.info("Deleted the recording {} ({}; {} MB)", r.file(), tooOld ? "older than record-keep"
                        : tooBig ? "over record-max-size" : "under record-min-free", r.bytes() / (1024 * 1024));
            } catch (IOException e) {
                error = "cannot delete " + r.file() + ": " + e.getMessage();
                LOG.warn(error);
            }
        }
        deletedEver.addAndGet(deleted);
        Report report = new Report(clock, deleted, bytesDeleted, total, free(), error);
        last = report;
        return report;
    }

    private void delete(Recording r) throws IOException {
        storage.delete(r.file());
        storage.delete(r.index());
        catalog.remove(r.file());
        Path day = r.file().getParent();
        try (DirectoryStream<Path> left = Files.newDirectoryStream(day)) {
            if (!left.iterator().hasNext()) {
                Files.deleteIfExists(day);
            }
        } catch (IOException e) {
            // an empty day's directory left behind costs nothing
        }
    }

    private long free() {
        try {
            return storage.usableSpace(catalog.root());
        } catch (IOException e) {
            return -1;
        }
    }

    public Report last() {
        return last;
    }

    public long deletedEver() {
        return deletedEver.get();
    }
}
