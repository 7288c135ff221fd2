package org.camstream.record;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every recording under {@code <data-dir>/recordings/<camera>/<date>/<time>.mp4}, by camera, from their
 * indexes: what the playback API lists and cuts clips from, and what the retention ages and weighs. At start it
 * reads each index's first and last few kilobytes only; then the recorders tell it what they write.
 *
 * <p>Times: a recording of this boot is placed by its monotonic clock and the wall clock as it is now, so a
 * recording made before NTP set the clock takes its true time afterwards; one of an earlier boot keeps the wall
 * time it was written with. Thread-safe: the map holds immutable values.
 */
public final class RecordingCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(RecordingCatalog.class);
    /** A wall clock before this was not set yet: a Pi without a real-time clock starts in 1970, or where it stopped. */
    static final Instant PLAUSIBLE = Instant.parse("2024-01-01T00:00:00Z");
    static final String DIRECTORY = "recordings";
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH-mm-ss");

    private final Path root;
    private final RecordingClock clock;
    private final ZoneId zone;
    private final Map<Path, Recording> recordings = new ConcurrentHashMap<>();
    private final Map<String, Long> lastSeq = new ConcurrentHashMap<>();

    public RecordingCatalog(Path root, RecordingClock clock, ZoneId zone) {
        this.root = root;
        this.clock = clock;
        this.zone = zone;
    }

    /** The catalogue of {@code <data-dir>/recordings}. */
    public static RecordingCatalog under(Path dataDir, RecordingClock clock) {
        return new RecordingCatalog(dataDir.resolve(DIRECTORY), clock, ZoneId.systemDefault());
    }

    public Path root() {
        return root;
    }

    RecordingClock clock() {
        return clock;
    }

    /** Reads what is on the disk; an index that cannot be read is logged and left alone. */
    public void load() {
        if (!Files.isDirectory(root)) {
            return;
        }
        int found = 0;
        try (DirectoryStream<Path> cameras = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path camera : cameras) {
                try (DirectoryStream<Path> days = Files.newDirectoryStream(camera, Files::isDirectory)) {
                    for (Path day : days) {
                        try (DirectoryStream<Path> indexes = Files.newDirectoryStream(day, "*" + RecordingIndex.SUFFIX)) {
                            for (Path index : indexes) {
                                found += load(index) ? 1 : 0;
                            }
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot read all the recordings under {}: {}", root, e.getMessage());
        }
        LOG.info("{} recordings found under {}", found, root);
    }

    private boolean load(Path index) {
        String name = index.getFileName().toString();
        Path file = index.resolveSibling(name.substring(0, name.length() - RecordingIndex.SUFFIX.length()) + ".mp4");
        try {
            RecordingIndex.Parsed parsed = RecordingIndex.summary(index);
            put(recording(file, parsed, false));
            return true;
        } catch (IOException | RuntimeException e) {
            LOG.warn("Skipping the recording {}: {}", file, e.getMessage());
            return false;
        }
    }

    /** A recording as its index says now. */
    Recording recording(Path file, RecordingIndex.Parsed parsed, boolean open) throws IOException {
        long bytes = (Files.exists(file) ? Files.size(file) : 0) + Files.size(SegmentWriter.indexOf(file));
        return placed(new Recording(file, parsed.header(), parsed.length(), parsed.duration(), bytes,
                parsed.endMono(), parsed.endWallMicros(), Instant.EPOCH, Instant.EPOCH, false, parsed.closed(), open));
    }

    /** A recording placed in time as the clock knows it now: by its monotonic times, if it is of this boot. */
    Recording placed(Recording r) {
        RecordingIndex.Header h = r.header();
        if (h.boot().equals(clock.bootId())) {
            return r.placed(clock.wallAt(h.startMono()), clock.wallAt(r.endMono()), true);
        }
        Instant start = Instant.ofEpochSecond(0, h.startWallMicros() * 1000);
        Instant end = Instant.ofEpochSecond(0, r.endWallMicros() * 1000);
        return r.placed(start, end, !start.isBefore(PLAUSIBLE));
    }

    void put(Recording recording) {
        recordings.put(recording.file(), recording);
        lastSeq.merge(recording.camera(), recording.seq(), Math::max);
    }

    void remove(Path file) {
        recordings.remove(file);
    }

    /** The next sequence number of a camera's recordings: after every one there is, whatever their times. */
    long nextSeq(String camera) {
        return lastSeq.merge(camera, 1L, (old, one) -> old + 1);
    }

    /**
     * Where a new recording of {@code camera} goes: named after the wall clock, in the camera's zone, and never
     * over another (a clock that went back gives a name taken: the next free one is used).
     */
    Path newFile(String camera, Instant wall) {
        LocalDateTime local = LocalDateTime.ofInstant(wall, zone);
        Path day = root.resolve(camera).resolve(DAY.format(local));
        String time = TIME.format(local);
        Path file = day.resolve(time + ".mp4");
        for (int n = 2; Files.exists(file) || recordings.containsKey(file); n++) {
            file = day.resolve(time + "-" + n + ".mp4");
        }
        return file;
    }

    /** Every recording, oldest first: those of unknown time, then by time, then by number. */
    public List<Recording> all() {
        List<Recording> all = new ArrayList<>(recordings.size());
        for (Recording recording : recordings.values()) {
            all.add(placed(recording));
        }
        all.sort(OLDEST_FIRST);
        return all;
    }

    /** A camera's recordings, oldest first. */
    public List<Recording> of(String camera) {
        List<Recording> list = new ArrayList<>();
        for (Recording recording : recordings.values()) {
            if (recording.camera().equals(camera)) {
                list.add(placed(recording));
            }
        }
        list.sort(OLDEST_FIRST);
        return list;
    }

    /** The bytes every recording takes, and each camera's. */
    public Map<String, Long> bytesByCamera() {
        Map<String, Long> bytes = new HashMap<>();
        for (Recording recording : recordings.values()) {
            bytes.merge(recording.camera(), recording.bytes(), Long::sum);
        }
        return bytes;
    }

    public long totalBytes() {
        long total = 0;
        for (Recording recording : recordings.values()) {
            total += recording.bytes();
        }
        return total;
    }

    static final Comparator<Recording> OLDEST_FIRST = Comparator.comparing((Recording r) -> r.timeKnown())
            .thenComparing(Recording::start).thenComparingLong(Recording::seq);
}
