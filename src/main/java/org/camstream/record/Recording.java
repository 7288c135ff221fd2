package org.camstream.record;

import java.nio.file.Path;
import java.time.Instant;

/**
 * One recording file as the catalogue knows it: its index's header and how far the file is complete, and where
 * it lies in time. Immutable; a recording still being written is replaced by a newer value at each change.
 *
 * @param bytes the MP4 and its index on the disk
 * @param start when its first picture was captured, on the wall clock as corrected since (see {@link #timeKnown})
 * @param timeKnown false for a recording of an earlier boot whose wall clock was not yet right (before
 *     {@link RecordingCatalog#PLAUSIBLE}): it counts as older than every other, and is never aged out
 * @param open whether the recorder is still writing it
 */
public record Recording(Path file, RecordingIndex.Header header, long length, long duration, long bytes,
        long endMono, long endWallMicros, Instant start, Instant end, boolean timeKnown, boolean closed, boolean open) {

    public String camera() {
        return header.camera();
    }

    public long seq() {
        return header.seq();
    }

    public int width() {
        return header.width();
    }

    public int height() {
        return header.height();
    }

    /** Seconds of media. */
    public double seconds() {
        return duration / 90_000.0;
    }

    Path index() {
        return SegmentWriter.indexOf(file);
    }

    /** The same recording, placed in time with what the clock knows now. */
    Recording placed(Instant newStart, Instant newEnd, boolean known) {
        return new Recording(file, header, length, duration, bytes, endMono, endWallMicros, newStart, newEnd, known,
                closed, open);
    }
}
