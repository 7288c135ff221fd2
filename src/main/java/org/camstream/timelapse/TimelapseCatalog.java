package org.camstream.timelapse;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.camstream.record.RecordingStorage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every session under {@code <data-dir>/timelapse/<camera>/<session>/}, of every camera, those of cameras no
 * longer configured too (their stills still count against the disk). Read from the disk once at start; then it
 * is told of every session made and deleted. Thread-safe without a lock of its own: the map is concurrent, the
 * sessions guard themselves.
 */
final class TimelapseCatalog {

    private static final Logger LOG = LoggerFactory.getLogger(TimelapseCatalog.class);
    static final String DIRECTORY = "timelapse";
    /** Oldest first, of every camera together: the order the retention deletes in. */
    static final Comparator<TimelapseSession.Snapshot> OLDEST_FIRST = Comparator
            .comparing(TimelapseSession.Snapshot::start).thenComparing(TimelapseSession.Snapshot::camera)
            .thenComparing(TimelapseSession.Snapshot::id);

    private final Path root;
    private final Map<String, TimelapseSession> sessions = new ConcurrentHashMap<>();

    TimelapseCatalog(Path root) {
        this.root = root;
    }

    Path root() {
        return root;
    }

    /** The directory of a session; both names must have been checked ({@link SessionIds}). */
    Path dir(String camera, String id) {
        if (!SessionIds.validCamera(camera) || !SessionIds.valid(id)) {
            throw new IllegalArgumentException("not a session: " + camera + "/" + id);
        }
        return root.resolve(camera).resolve(id);
    }

    /**
     * Reads every session's directory. A session that was running when the server went away is marked ended
     * (a continuous one of today is taken up again by its camera); what a crash left half-written is deleted.
     */
    void load(SessionContext context, RecordingStorage storage, ZoneId zone) {
        if (!Files.isDirectory(root)) {
            return;
        }
        int found = 0;
        try (DirectoryStream<Path> cameras = Files.newDirectoryStream(root, Files::isDirectory)) {
            for (Path cameraDir : cameras) {
                String camera = cameraDir.getFileName().toString();
                if (!SessionIds.validCamera(camera)) {
                    continue;
                }
                try (DirectoryStream<Path> dirs = Files.newDirectoryStream(cameraDir, Files::isDirectory)) {
                    for (Path dir : dirs) {
                        String id = dir.getFileName().toString();
                        if (!SessionIds.valid(id)) {
                            continue;
                        }
                        try {
                            Map<String, Object> meta = SessionFiles.readMeta(dir);
                            SessionFiles.Scan scan = SessionFiles.scan(storage, dir);
                            Instant fallback = SessionIds.startOf(id, zone);
                            TimelapseSession session = TimelapseSession.restore(context, camera, id, dir, meta, scan,
                                    fallback == null ? Instant.EPOCH : fallback);
                            if (session.metaDirty()) {
                                session.writeMeta();
                            }
                            sessions.put(key(camera, id), session);
                            found++;
                        } catch (IOException | RuntimeException e) {
                            LOG.warn("Cannot read the timelapse session {}: {}", dir, e.toString());
                        }
                    }
                }
            }
        } catch (IOException e) {
            LOG.warn("Cannot read the timelapse sessions under {}: {}", root, e.toString());
        }
        if (found > 0) {
            LOG.info("Timelapse: {} session(s) found under {}", found, root);
        }
    }

    static String key(String camera, String id) {
        return camera + "/" + id;
    }

    TimelapseSession get(String camera, String id) {
        return sessions.get(key(camera, id));
    }

    /** Adds a new session; false when one of that name is there already. */
    boolean add(TimelapseSession session) {
        return sessions.putIfAbsent(key(session.camera(), session.id()), session) == null;
    }

    void remove(TimelapseSession session) {
        sessions.remove(key(session.camera(), session.id()), session);
    }

    boolean has(String camera, String id) {
        return sessions.containsKey(key(camera, id));
    }

    /** Every session, oldest first. */
    List<TimelapseSession> all() {
        List<TimelapseSession> all = new ArrayList<>(sessions.values());
        List<TimelapseSession.Snapshot> order = new ArrayList<>(all.size());
        Map<TimelapseSession.Snapshot, TimelapseSession> by = new LinkedHashMap<>();
        for (TimelapseSession s : all) {
            TimelapseSession.Snapshot snapshot = s.snapshot();
            order.add(snapshot);
            by.put(snapshot, s);
        }
        order.sort(OLDEST_FIRST);
        List<TimelapseSession> sorted = new ArrayList<>(order.size());
        for (TimelapseSession.Snapshot snapshot : order) {
            sorted.add(by.get(snapshot));
        }
        return sorted;
    }

    /** A camera's sessions, newest first: what a page lists. */
    List<TimelapseSession.Snapshot> of(String camera) {
        List<TimelapseSession.Snapshot> list = new ArrayList<>();
        for (TimelapseSession s : sessions.values()) {
            if (s.camera().equals(camera)) {
                list.add(s.snapshot());
            }
        }
        list.sort(OLDEST_FIRST.reversed());
        return list;
    }

    /** Bytes of every session together, and by camera. */
    Map<String, Long> bytesByCamera() {
        Map<String, Long> bytes = new java.util.TreeMap<>();
        for (TimelapseSession s : sessions.values()) {
            bytes.merge(s.camera(), s.snapshot().bytes(), Long::sum);
        }
        return bytes;
    }

    long totalBytes() {
        long total = 0;
        for (TimelapseSession s : sessions.values()) {
            total += s.snapshot().bytes();
        }
        return total;
    }

    int size() {
        return sessions.size();
    }
}
