package org.camstream.timelapse;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camstream.record.RecordingStorage;
import org.camstream.stream.Frame;

/**
 * The files of one session's directory, and nothing else touches them: the numbered stills, {@code session.json},
 * the video and the render's partial output. Stills and metadata are written through {@link RecordingStorage},
 * so that a full disk fails as an IOException, as it does for the recordings.
 */
final class SessionFiles {

    static final String META = "session.json";
    static final String VIDEO = "video.mp4";
    /** What ffmpeg writes while it renders; renamed to {@link #VIDEO} when it has finished. */
    static final String PARTIAL = "video.mp4.part";
    private static final String META_TEMP = "session.json.tmp";
    private static final Pattern STILL = Pattern.compile("(\\d{6,9})\\.jpg");
    private static final JSON JSON_WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    /** What a directory holds, as found by {@link #scan}. */
    record Scan(long first, long next, long stillBytes, Instant lastStillAt, long videoBytes) {
    }

    private SessionFiles() {
    }

    /** The still of number {@code n}: six digits at least, as ffmpeg's {@code %06d} reads them. */
    static Path still(Path dir, long n) {
        return dir.resolve(String.format("%06d.jpg", n));
    }

    /** The number of a still's file name, or -1 when it is not one. */
    static long number(String fileName) {
        Matcher m = STILL.matcher(fileName);
        return m.matches() ? Long.parseLong(m.group(1)) : -1;
    }

    /** Writes a new still; a file left half-written by a failure is deleted. */
    static void writeStill(RecordingStorage storage, Path file, Frame frame) throws IOException {
        boolean done = false;
        try (RecordingStorage.Output out = storage.create(file)) {
            out.append(frame.asByteBuffer());
            done = true;
        } finally {
            if (!done) {
                deleteQuietly(storage, file);
            }
        }
    }

    /** Writes the metadata whole, then puts it in place in one rename, so a crash leaves the old one or the new. */
    static void writeMeta(RecordingStorage storage, Path dir, Map<String, Object> meta) throws IOException {
        byte[] bytes = JSON_WRITER.asString(meta).getBytes(StandardCharsets.UTF_8);
        Path temp = dir.resolve(META_TEMP);
        storage.delete(temp);
        boolean done = false;
        try (RecordingStorage.Output out = storage.create(temp)) {
            out.append(ByteBuffer.wrap(bytes));
            done = true;
        } finally {
            if (!done) {
                deleteQuietly(storage, temp);
            }
        }
        moveIntoPlace(temp, dir.resolve(META));
    }

    /** The metadata, or null when there is none or it cannot be read. */
    static Map<String, Object> readMeta(Path dir) {
        try {
            return JSON.std.mapFrom(Files.readAllBytes(dir.resolve(META)));
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /**
     * Reads what the directory holds: which stills (the first and one past the last number; the numbers have no
     * gaps, since only the oldest are ever deleted), their bytes, and the video. What a crash left behind, a
     * partial render or metadata not yet renamed, is deleted.
     */
    static Scan scan(RecordingStorage storage, Path dir) throws IOException {
        long first = Long.MAX_VALUE;
        long last = 0;
        long bytes = 0;
        long videoBytes = 0;
        Instant lastAt = null;
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                String name = file.getFileName().toString();
                long n = number(name);
                if (n > 0) {
                    long size = sizeOrZero(file);
                    bytes += size;
                    first = Math.min(first, n);
                    if (n > last) {
                        last = n;
                        lastAt = Files.getLastModifiedTime(file).toInstant();
                    }
                } else if (name.equals(VIDEO)) {
                    videoBytes = sizeOrZero(file);
                } else if (name.equals(PARTIAL) || name.equals(META_TEMP)) {
                    deleteQuietly(storage, file);
                }
            }
        }
        return last == 0 ? new Scan(1, 1, 0, null, videoBytes) : new Scan(first, last + 1, bytes, lastAt, videoBytes);
    }

    /** Deletes the directory and everything in it; the files go through the storage. */
    static void deleteAll(RecordingStorage storage, Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path file : files) {
                storage.delete(file);
            }
        }
        Files.deleteIfExists(dir);
    }

    /** Renames {@code from} over {@code to} in one step where the file system can; a plain replace otherwise. */
    static void moveIntoPlace(Path from, Path to) throws IOException {
        try {
            Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(from, to, StandardCopyOption.REPLACE_EXISTING);
        }
    }

    static long sizeOrZero(Path file) {
        try {
            return Files.size(file);
        } catch (NoSuchFileException e) {
            return 0;
        } catch (IOException e) {
            return 0;
        }
    }

    static void deleteQuietly(RecordingStorage storage, Path file) {
        try {
            storage.delete(file);
        } catch (IOException e) {
            // what is left is deleted with its session, or found by the next scan
        }
    }
}
