package org.camstream.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The retention on an injected clock and an injected disk: by age, by total size, by free space, oldest first,
 * never the file being written; and recordings of an earlier boot whose clock was not yet set, which are never
 * aged out but go first when room is needed.
 */
class RetentionTest {

    @TempDir
    Path data;

    private final RecorderTest.FakeClock clock = new RecorderTest.FakeClock();
    private final AtomicLong free = new AtomicLong(Long.MAX_VALUE / 2);
    private final AtomicReference<Retention.Limits> limits = new AtomicReference<>(
            new Retention.Limits(Duration.ZERO, 0, 0));
    private RecordingCatalog catalog;
    private Retention retention;
    private Set<Path> writing = Set.of();

    @BeforeEach
    void setUp() {
        catalog = new RecordingCatalog(data.resolve("recordings"), clock, ZoneOffset.UTC);
        RecordingStorage disk = RecordingStorage.disk();
        RecordingStorage storage = new RecordingStorage() {
            @Override
            public Output create(Path file) throws IOException {
                return disk.create(file);
            }

            @Override
            public long usableSpace(Path directory) {
                return free.get();
            }

            @Override
            public void delete(Path file) throws IOException {
                if (Files.exists(file)) {
                    free.addAndGet(Files.size(file));
                }
                disk.delete(file);
            }
        };
        retention = new Retention(catalog, storage, limits::get, () -> writing);
    }

    /** A closed recording of {@code seconds}, {@code bytes} long, made now on the fake clock, which then moves on. */
    private Recording recording(String boot, long seconds, int bytes, Instant wall) throws IOException {
        long seq = catalog.nextSeq("garden");
        Path file = catalog.newFile("garden", wall);
        Files.createDirectories(file.getParent());
        Files.write(file, new byte[bytes]);
        long mono = clock.monotonicNanos();
        long wallMicros = wall.getEpochSecond() * 1_000_000L;
        RecordingIndex.Header header = new RecordingIndex.Header("garden", boot, seq, mono, wallMicros, 640, 480,
                "avc1.64001f", 0, 0, "27", "28", "-");
        long endMono = mono + seconds * 1_000_000_000L;
        String index = RecordingIndex.MAGIC + "\n" + header.line() + "\n"
                + RecordingIndex.progressLine('e', bytes, seconds * 90_000, endMono, wallMicros + seconds * 1_000_000L)
                + "\n";
        Files.writeString(SegmentWriter.indexOf(file), index, StandardCharsets.UTF_8);
        Recording r = catalog.recording(file, RecordingIndex.summary(SegmentWriter.indexOf(file)), false);
        catalog.put(r);
        clock.advance(Duration.ofSeconds(seconds));
        return r;
    }

    private List<Long> seqs() {
        return catalog.of("garden").stream().map(Recording::seq).toList();
    }

    @Test
    void byAgeOnTheSteadyClockWhateverTheWallClockSays() throws IOException {
        for (int i = 0; i < 5; i++) {
            recording("boot-1", 3600, 1000, clock.wall());
        }
        limits.set(new Retention.Limits(Duration.ofHours(2).plusMinutes(30), 0, 0));
        clock.wall.set(clock.wall().minus(Duration.ofDays(400))); // the clock jumps back a year: ages do not change
        Retention.Report report = retention.sweep();
        assertEquals(2, report.deleted(), "the two that ended more than 2.5 h ago, on the steady clock");
        assertEquals(List.of(3L, 4L, 5L), seqs());
    }

    @Test
    void bySizeOldestFirstAndNeverTheFileBeingWritten() throws IOException {
        List<Recording> made = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            made.add(recording("boot-1", 600, 100_000, clock.wall()));
        }
        writing = Set.of(made.get(0).file()); // pretend the oldest is still being written
        limits.set(new Retention.Limits(Duration.ZERO, 250_000, 0));
        retention.sweep();
        assertTrue(catalog.totalBytes() <= 250_000, "under the cap: " + catalog.totalBytes());
        assertEquals(List.of(1L, 5L), seqs(), "the oldest closed ones went, the one being written stayed");
    }

    @Test
    void theFreeSpaceFloorWinsOverEverythingElse() throws IOException {
        for (int i = 0; i < 4; i++) {
            recording("boot-1", 600, 100_000, clock.wall());
        }
        free.set(50_000);
        limits.set(new Retention.Limits(Duration.ofDays(365), 10_000_000, 220_000));
        retention.sweep();
        assertEquals(List.of(3L, 4L), seqs(), "two deleted to get back over the floor: " + free.get());
        assertTrue(free.get() >= 220_000);
    }

    @Test
    void aRecordingOfAnEarlierBootWhoseClockWasNotSetIsKeptByAgeButGoesFirstForRoom() throws IOException {
        recording("boot-0", 600, 100_000, Instant.parse("1970-01-01T00:10:00Z")); // before NTP, an older boot
        recording("boot-1", 600, 100_000, clock.wall());
        recording("boot-1", 600, 100_000, clock.wall());
        List<Recording> all = catalog.of("garden");
        assertFalse(all.get(0).timeKnown(), "1970 on another boot: the time is not known");
        assertEquals(1L, all.get(0).seq(), "it counts as the oldest");
        limits.set(new Retention.Limits(Duration.ofDays(1), 0, 0));
        assertEquals(0, retention.sweep().deleted(), "never aged out: its age is not known");
        limits.set(new Retention.Limits(Duration.ofDays(1), 250_000, 0));
        retention.sweep();
        assertEquals(List.of(2L, 3L), seqs(), "but the first to go for room");
    }
}
