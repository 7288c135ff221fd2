package org.camstream.record;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.camstream.config.CameraSettings;
import org.camstream.config.RecordMode;
import org.camstream.stream.Frame;
import org.camstream.stream.H264Pipeline;
import org.camstream.testing.CameraFrames;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The recorder on a Raspberry Pi recording's real bytes, through the camera's own pipeline: files that ffmpeg
 * reads whole with a 'sidx', cut at keyframes by media time and at a change of size, an index that says where
 * each group of pictures is, a write that fails (a full disk) stopping the recording and the recording going on
 * once there is room, and a clock that jumps while it records.
 */
class RecorderTest {

    @TempDir
    Path data;

    private final CameraFrames camera = new CameraFrames();
    private final FakeClock clock = new FakeClock();

    /** A clock the test moves: a wall clock that may jump, and a steady one that does not. */
    static final class FakeClock implements RecordingClock {
        final AtomicReference<Instant> wall = new AtomicReference<>(Instant.parse("2026-12-07T10:00:00Z"));
        final AtomicLong mono = new AtomicLong(5_000_000_000L);

        @Override
        public Instant wall() {
            return wall.get();
        }

        @Override
        public long monotonicNanos() {
            return mono.get();
        }

        @Override
        public String bootId() {
            return "boot-1";
        }

        void advance(Duration d) {
            mono.addAndGet(d.toNanos());
            wall.set(wall.get().plus(d));
        }
    }

    /**
     * A disk that refuses writes while {@code full} is set, as one with no room left, and holds every write while
     * {@code stall} is set, as an SD card can for seconds.
     */
    static final class FillableStorage implements RecordingStorage {
        final RecordingStorage disk = RecordingStorage.disk();
        final AtomicBoolean full = new AtomicBoolean();
        final AtomicReference<java.util.concurrent.CountDownLatch> stall = new AtomicReference<>();

        @Override
        public Output create(Path file) throws IOException {
            if (full.get()) {
                throw new IOException("No space left on device");
            }
            Output out = disk.create(file);
            return new Output() {
                @Override
                public void append(ByteBuffer... buffers) throws IOException {
                    java.util.concurrent.CountDownLatch held = stall.get();
                    if (held != null) {
                        try {
                            held.await();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new java.io.InterruptedIOException("stalled");
                        }
                    }
                    if (full.get()) {
                        throw new IOException("No space left on device");
                    }
                    out.append(buffers);
                }

                @Override
                public void writeAt(long position, ByteBuffer bytes) throws IOException {
                    out.writeAt(position, bytes);
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }

        @Override
        public long usableSpace(Path directory) throws IOException {
            return full.get() ? 0 : disk.usableSpace(directory);
        }

        @Override
        public void delete(Path file) throws IOException {
            disk.delete(file);
        }
    }

    private final FillableStorage storage = new FillableStorage();
    private final AtomicInteger sweeps = new AtomicInteger();
    private RecordingCatalog catalog;

    @org.junit.jupiter.api.BeforeEach
    void catalogue() {
        catalog = new RecordingCatalog(data.resolve("recordings"), clock, ZoneOffset.UTC);
    }

    private Recorder record(H264Pipeline pipeline, Duration segment) {
        CameraSettings settings = CameraSettings.builder().name("bench").record(RecordMode.CONTINUOUS)
                .recordSegment(segment).build();
        recorder = Recorder.start("bench", () -> settings, () -> () -> { }, pipeline.mp4(), catalog, storage, () -> 0,
                sweeps::incrementAndGet);
        return recorder;
    }

    private Recorder recorder;

    /**
     * Feeds the recording's frames at 30 fps on both clocks, {@code times} over, a second at a time, each second
     * once the recorder has written the one before (the test feeds faster than a camera).
     */
    private void feed(H264Pipeline pipeline, List<Frame> frames, int times) {
        int fed = 0;
        for (int t = 0; t < times; t++) {
            for (Frame frame : frames) {
                pipeline.onFrame(camera.again(frame)); // numbered and timed on, however often the list is fed
                clock.advance(Duration.ofNanos(33_333_333));
                if (++fed % 30 == 0 && recorder != null) {
                    Poll.until(Duration.ofSeconds(10), "the recorder to catch up", recorder::caughtUp);
                }
            }
        }
    }

    @Test
    void filesAreCutByMediaTimeAndPlayWholeWithAnIndex() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        List<Frame> frames = camera.frames(Fixtures.PI_720P_INLINE); // 141 pictures, 4.7 s
        Recorder recorder = record(pipeline, Duration.ofSeconds(10));
        feed(pipeline, frames, 5); // 23.5 s
        Poll.until(Duration.ofSeconds(20), "the recorder to take everything",
                () -> recorder.status().bytesWritten() > 0 && recorder.status().dropped() == 0
                        && catalog.of("bench").size() == 3);
        recorder.close();
        List<Recording> files = catalog.of("bench");
        assertEquals(3, files.size(), "10 s, 10 s and the rest: " + files);
        for (int i = 0; i < files.size(); i++) {
            Recording r = files.get(i);
            assertTrue(r.closed(), r.file() + " is complete");
            assertEquals(i + 1, r.seq());
            Map<String, Object> format = format(r.file());
            double duration = Double.parseDouble(String.valueOf(format.get("duration")));
            assertEquals(0.0, Double.parseDouble(String.valueOf(format.get("start_time"))), 0.05, "starts at 0");
            if (i < 2) {
                assertTrue(duration >= 10.0 && duration <= 11.0, r.file() + " lasts " + duration + " s");
            }
            assertEquals(r.seconds(), duration, 0.1, "the index and the file agree");
            MediaTools.Result decoded = MediaTools.runOk(List.of("ffmpeg", "-v", "error", "-i", r.file().toString(),
                    "-f", "null", "-"));
            assertEquals("", decoded.stderr().trim(), "decodes without an error");
            assertTrue(hasSidx(r.file()), r.file() + " has its sidx");
            RecordingIndex.Parsed index = RecordingIndex.read(r.index());
            assertEquals(1280, index.header().width());
            assertTrue(index.gops().size() >= r.seconds(), "two groups of pictures a second in this recording: "
                    + index.gops().size() + " in " + r.seconds() + " s");
            assertEquals(Files.size(r.file()), index.length(), "the index knows the file's length");
        }
        assertTrue(sweeps.get() >= 3, "the retention ran after each file");
    }

    /**
     * A disk that stalls does not move the recording in time: what waited in the queue is dated when it was
     * captured, not when it could be written, so playback finds each moment where it happened.
     */
    @Test
    void aDiskThatStallsForSecondsDatesNothingLate() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        Recorder recorder = record(pipeline, Duration.ofSeconds(600));
        List<Frame> frames = camera.frames(Fixtures.PI_720P_INLINE); // 4.7 s
        feed(pipeline, frames.subList(0, 60), 1);
        java.util.concurrent.CountDownLatch stall = new java.util.concurrent.CountDownLatch(1);
        storage.stall.set(stall);
        for (Frame frame : frames.subList(60, frames.size())) { // 2.7 s, while the disk takes nothing
            pipeline.onFrame(camera.again(frame));
            clock.advance(Duration.ofNanos(33_333_333));
        }
        clock.advance(Duration.ofSeconds(3)); // and it is not back for 3 s more
        storage.stall.set(null);
        stall.countDown();
        Poll.until(Duration.ofSeconds(10), "the recorder to catch up", recorder::caughtUp);
        recorder.close();
        assertEquals(0, recorder.status().dropped(), "the queue held it all");
        List<Recording> files = catalog.of("bench");
        assertEquals(1, files.size(), "one file: " + files);
        RecordingIndex.Parsed index = RecordingIndex.read(files.get(0).index());
        long startMono = index.header().startMono();
        assertTrue(index.gops().size() >= 8, "the groups of pictures: " + index.gops());
        for (RecordingIndex.Gop gop : index.gops()) {
            double captured = (gop.mono() - startMono) / 1e9;
            double media = gop.decodeTime() / (double) org.camstream.mp4.FragmentTimeline.TIMESCALE;
            assertEquals(media, captured, 0.05, "dated when captured: " + gop);
            assertEquals(gop.mono() - startMono, (gop.wallMicros() - index.header().startWallMicros()) * 1000,
                    50_000_000, "on both clocks: " + gop);
        }
        double end = (index.endMono() - startMono) / 1e9;
        assertEquals(index.duration() / (double) org.camstream.mp4.FragmentTimeline.TIMESCALE, end, 0.05,
                "its end too, not when the disk came back");
    }

    @Test
    void aChangeOfSizeStartsANewFileAtItsKeyframe() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        Recorder recorder = record(pipeline, Duration.ofSeconds(600));
        feed(pipeline, camera.frames(Fixtures.PI_720P_INLINE), 1);
        feed(pipeline, camera.frames(Fixtures.PI_480P_ONCE), 1);
        Poll.until(Duration.ofSeconds(20), "two files", () -> catalog.of("bench").size() == 2);
        recorder.close();
        List<Recording> files = catalog.of("bench");
        assertEquals(1280, files.get(0).width());
        assertEquals(640, files.get(1).width());
        for (Recording r : files) {
            Map<String, Object> stream = MediaTools.probeVideoStream(r.file());
            assertEquals(r.width(), MediaTools.intField(stream, "width"));
        }
    }

    @Test
    void aFullDiskStopsTheRecordingAndItGoesOnWhenThereIsRoom() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        List<Frame> frames = camera.frames(Fixtures.PI_720P_INLINE);
        Recorder recorder = record(pipeline, Duration.ofSeconds(600));
        feed(pipeline, frames, 1);
        Poll.until(Duration.ofSeconds(10), "a file", () -> recorder.status().bytesWritten() > 100_000);
        storage.full.set(true);
        feed(pipeline, frames, 1);
        Recorder.Status stopped = Poll.until(Duration.ofSeconds(10), "the recording to stop", recorder::status,
                s -> s.state() == Recorder.State.STOPPED);
        assertTrue(stopped.lastError().startsWith("the disk is full"), stopped.lastError());
        Recording first = catalog.of("bench").get(0);
        assertFalse(first.open(), "the file is no longer written");
        MediaTools.runOk(List.of("ffmpeg", "-v", "error", "-i", first.file().toString(), "-f", "null", "-"));

        storage.full.set(false);
        Poll.until(Duration.ofSeconds(Recorder.RETRY_SECONDS * 3L), "recording again", () -> {
            feed(pipeline, frames.subList(0, 30), 1);
            return recorder.status().state() == Recorder.State.RECORDING && catalog.of("bench").size() == 2;
        });
        recorder.close();
        assertNotNull(Files.size(catalog.of("bench").get(1).file()));
    }

    @Test
    void aWallClockThatJumpsNamesTheNextFileButOrdersAndMeasuresNothing() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        List<Frame> frames = camera.frames(Fixtures.PI_720P_INLINE);
        clock.wall.set(Instant.parse("1970-01-01T00:00:10Z")); // a Pi before NTP
        Recorder recorder = record(pipeline, Duration.ofSeconds(10));
        feed(pipeline, frames, 2);
        clock.wall.set(Instant.parse("2026-12-07T10:00:00Z")); // NTP: 56 years forward
        feed(pipeline, frames, 2);
        clock.wall.set(Instant.parse("2026-12-07T09:00:00Z")); // and an hour back
        feed(pipeline, frames, 2);
        Poll.until(Duration.ofSeconds(20), "three files", () -> catalog.of("bench"), list -> list.size() >= 3);
        recorder.close();
        List<Recording> files = catalog.of("bench");
        for (int i = 0; i < files.size(); i++) {
            assertEquals(i + 1, files.get(i).seq(), "in the order written: " + files);
            assertTrue(files.get(i).timeKnown(), "this boot's: placed by the steady clock");
            if (i > 0) {
                assertFalse(files.get(i).start().isBefore(files.get(i - 1).start()), "ordered in time: " + files);
            }
        }
        assertEquals(10.0, files.get(0).seconds(), 1.0, "cut by media time, not by the wall clock");
        assertTrue(files.get(0).file().toString().contains("1970-01-01"), "named as the clock said then");
    }

    @Test
    void aClipAcrossTwoFilesAndAChangeOfSizeDecodesAndAnyRangeOfItIsTheSame() throws Exception {
        H264Pipeline pipeline = new H264Pipeline(30);
        Recorder recorder = record(pipeline, Duration.ofSeconds(10));
        feed(pipeline, camera.frames(Fixtures.PI_720P_INLINE), 3); // 14.1 s: two files
        feed(pipeline, camera.frames(Fixtures.PI_480P_ONCE), 1); // 9.8 s at 640x480: a third
        Poll.until(Duration.ofSeconds(20), "three files", () -> catalog.of("bench"), l -> l.size() == 3);
        recorder.close();
        List<Recording> files = catalog.of("bench");
        Instant from = files.get(0).start().plusSeconds(5);
        Clip clip = Clip.of(catalog, "bench", from, Duration.ofSeconds(14));
        assertNotNull(clip);
        assertTrue(!clip.start().isAfter(from), "cut at the keyframe at or before the start");
        Path whole = data.resolve("clip.mp4");
        try (Clip.Reader reader = clip.read(0, clip.length());
                var out = java.nio.channels.FileChannel.open(whole, java.nio.file.StandardOpenOption.CREATE,
                        java.nio.file.StandardOpenOption.WRITE)) {
            while (reader.hasMore()) {
                out.write(reader.next(100_000));
            }
        }
        assertEquals(clip.length(), Files.size(whole), "as long as it said");
        assertTrue(hasSidx(whole));
        MediaTools.Result decoded = MediaTools.runOk(List.of("ffmpeg", "-v", "error", "-i", whole.toString(),
                "-f", "null", "-"));
        assertEquals("", decoded.stderr().trim(), "decodes across the files and the change of size");
        Map<String, Object> format = format(whole);
        double seconds = Double.parseDouble(String.valueOf(format.get("duration")));
        assertTrue(seconds >= 14 && seconds <= 16.5, "about the range asked for, from keyframe to keyframe: " + seconds);
        List<String> sizes = MediaTools.runOk(List.of("ffprobe", "-v", "error", "-select_streams", "v:0",
                "-show_entries", "frame=width", "-of", "csv=p=0", whole.toString())).stdoutText().lines()
                .distinct().toList();
        assertEquals(List.of("1280", "640"), sizes, "both sizes, in order");

        // Any range is the same bytes as the whole has there, wherever it starts.
        byte[] all = Files.readAllBytes(whole);
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < 40; i++) {
            long a = random.nextInt(all.length - 1);
            long b = Math.min(all.length, a + 1 + random.nextInt(300_000));
            java.io.ByteArrayOutputStream got = new java.io.ByteArrayOutputStream();
            try (Clip.Reader reader = clip.read(a, b)) {
                while (reader.hasMore()) {
                    ByteBuffer piece = reader.next(65_536);
                    byte[] bytes = new byte[piece.remaining()];
                    piece.get(bytes);
                    got.write(bytes);
                }
            }
            assertTrue(java.util.Arrays.equals(all, (int) a, (int) b, got.toByteArray(), 0, got.size()),
                    "bytes " + a + "-" + b);
        }
        assertEquals(null, Clip.of(catalog, "bench", Instant.parse("2020-01-01T00:00:00Z"), Duration.ofSeconds(10)),
                "nothing recorded then");
    }

    private static Map<String, Object> format(Path file) throws IOException {
        MediaTools.Result result = MediaTools.runOk(List.of("ffprobe", "-v", "error", "-show_entries",
                "format=start_time,duration", "-of", "json", file.toString()));
        @SuppressWarnings("unchecked")
        Map<String, Object> format = (Map<String, Object>) JSON.std.mapFrom(result.stdoutText()).get("format");
        return format;
    }

    /** Whether the file's top-level boxes hold a 'sidx'. */
    static boolean hasSidx(Path file) throws IOException {
        List<String> types = new ArrayList<>();
        try (var channel = java.nio.channels.FileChannel.open(file)) {
            long at = 0;
            ByteBuffer header = ByteBuffer.allocate(8);
            while (at + 8 <= channel.size() && types.size() < 8) {
                header.clear();
                channel.read(header, at);
                header.flip();
                long size = Integer.toUnsignedLong(header.getInt());
                byte[] type = new byte[4];
                header.get(type);
                types.add(new String(type, java.nio.charset.StandardCharsets.US_ASCII));
                if (size < 8) {
                    break;
                }
                at += size;
            }
        }
        return types.contains("sidx");
    }
}
