package org.camstream.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.mp4.FragmentHeader;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.mp4.InitSegment;
import org.camstream.mp4.SegmentIndexBox;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.VideoTrack;

/**
 * One recording file being written: the camera's init segment, room for a 'sidx', then the camera's own fMP4
 * fragments, the bytes every viewer gets, moved on the timeline so that the file starts at 0. Its index beside
 * it says where each group of pictures starts. Writes are gathered and go out about once a second, or when
 * {@value #FLUSH_BYTES} bytes wait; each write ends at a fragment's end, so what a crash leaves is whole up to
 * the last write. When the file is complete, the 'sidx' goes into its room: a player then seeks with one box and
 * knows the duration at once. Not thread-safe: the recorder's one thread uses it.
 */
final class SegmentWriter {

    /** Bytes that wait at most before they are written. */
    static final int FLUSH_BYTES = 256 * 1024;
    /** A subsegment of the 'sidx' lasts at least this long: about one reference a second, whatever the GOP. */
    static final long SUBSEGMENT_TICKS = FragmentTimeline.TIMESCALE;

    private final RecordingStorage.Output mp4;
    private final RecordingStorage.Output index;
    private final Path file;
    private final VideoTrack track;
    private final int roomOffset;
    private final int roomLength;
    private final int audioRate;
    private final List<ByteBuffer> pending = new ArrayList<>();
    private final StringBuilder pendingIndex = new StringBuilder();
    private final List<SegmentIndexBox.Subsegment> subsegments = new ArrayList<>();
    private int pendingBytes;
    private long length;
    private long written;
    private long videoBase = -1;
    private long audioBase;
    private long mediaEnd;
    // When the end of the media so far was captured: the last picture's arrival and its duration.
    private long endMono;
    private long endWallMicros;
    // The group of pictures under way.
    private long gopOffset = -1;
    private int gopFragments;
    private long gopDecode;
    private long gopMono;
    private long gopWall;
    // The subsegment under way, for the 'sidx'.
    private long subsegmentOffset = -1;
    private long subsegmentDecode;

    private SegmentWriter(RecordingStorage.Output mp4, RecordingStorage.Output index, Path file, VideoTrack track,
            int roomLength) {
        this.mp4 = mp4;
        this.index = index;
        this.file = file;
        this.track = track;
        this.roomOffset = track.init().size();
        this.roomLength = roomLength;
        AudioSpecificConfig audio = track.init().audio();
        this.audioRate = audio == null ? 0 : audio.sampleRate();
    }

    /**
     * Creates the file and its index, and writes the init segment and the room for the 'sidx', sized for
     * {@code maxSeconds} of recording.
     */
    static SegmentWriter create(RecordingStorage storage, Path file, String camera, String boot, long seq, long mono,
            long wallMicros, VideoTrack track, long maxSeconds) throws IOException {
        int references = (int) Math.min(0xFFFF, maxSeconds + 64);
        int room = SegmentIndexBox.size(references) + 8;
        RecordingStorage.Output mp4 = storage.create(file);
        RecordingStorage.Output index;
        try {
            index = storage.create(indexOf(file));
        } catch (IOException e) {
            mp4.close();
            throw e;
        }
        SegmentWriter writer = new SegmentWriter(mp4, index, file, track, room);
        InitSegment init = track.init();
        HexFormat hex = HexFormat.of();
        RecordingIndex.Header header = new RecordingIndex.Header(camera, boot, seq, mono, wallMicros, track.width(),
                track.height(), init.codecs(), init.size(), room, hex.formatHex(init.sps().nal().toByteArray()),
                hex.formatHex(init.pps().toByteArray()),
                init.audio() == null ? "-" : hex.formatHex(init.audio().bytes()));
        writer.pendingIndex.append(RecordingIndex.MAGIC).append('\n').append(header.line()).append('\n');
        writer.queue(init.asByteBuffer());
        writer.queue(ByteBuffer.wrap(SegmentIndexBox.room(room)));
        writer.endMono = mono;
        writer.endWallMicros = wallMicros;
        writer.flush();
        return writer;
    }

    static Path indexOf(Path file) {
        String name = file.getFileName().toString();
        return file.resolveSibling(name.substring(0, name.length() - ".mp4".length()) + RecordingIndex.SUFFIX);
    }

    Path file() {
        return file;
    }

    VideoTrack track() {
        return track;
    }

    /** Media time written so far, in 90 kHz ticks from the file's start. */
    long mediaDuration() {
        return mediaEnd;
    }

    /** Bytes in the file, written or waiting. */
    long length() {
        return length;
    }

    /** The fragment's media time as it would be in this file; for the recorder to see a jump in the timeline. */
    long decodeTimeOf(Mp4Chunk chunk) {
        return videoBase < 0 ? 0 : chunk.timing().decodeTime() - videoBase;
    }

    /**
     * Appends a fragment of the file's track; the first one must be a keyframe. {@code mono} and {@code wallMicros}
     * say when it was captured.
     */
    void append(Mp4Chunk chunk, long mono, long wallMicros) throws IOException {
        if (videoBase < 0) {
            if (!chunk.isKeyframe()) {
                throw new IllegalStateException("a recording starts with a keyframe");
            }
            videoBase = chunk.timing().decodeTime();
            if (chunk.audio() != null && audioRate > 0) {
                // The sound may start a little before the picture; no time may come out below zero.
                long audioInVideoTicks = Math.floorDiv(chunk.audio().decodeTime() * FragmentTimeline.TIMESCALE, audioRate);
                videoBase = Math.min(videoBase, audioInVideoTicks);
            }
            audioBase = audioRate == 0 ? 0 : Math.floorDiv(videoBase * audioRate, FragmentTimeline.TIMESCALE);
        }
        ByteBuffer bytes = chunk.asByteBuffer();
        FragmentHeader head = FragmentHeader.of(bytes);
        head.shift(InitSegment.TRACK_ID, -videoBase);
        if (audioRate > 0) {
            head.shift(InitSegment.AUDIO_TRACK_ID, -audioBase);
        }
        long decode = chunk.timing().decodeTime() - videoBase;
        if (chunk.isKeyframe()) {
            endGop();
            gopOffset = length;
            gopDecode = decode;
            gopMono = mono;
            gopWall = wallMicros;
            gopFragments = 0;
            if (subsegmentOffset < 0 || decode - subsegmentDecode >= SUBSEGMENT_TICKS) {
                endSubsegment(decode);
                subsegmentOffset = length;
                subsegmentDecode = decode;
            }
        }
        gopFragments++;
        ByteBuffer payload = bytes.duplicate();
        payload.position(payload.position() + head.length());
        queue(head.asByteBuffer());
        queue(payload);
        mediaEnd = decode + chunk.timing().duration();
        long durationNanos = chunk.timing().duration() * 1_000_000_000L / FragmentTimeline.TIMESCALE;
        endMono = mono + durationNanos;
        endWallMicros = wallMicros + durationNanos / 1000;
    }

    private void endGop() {
        if (gopOffset < 0) {
            return;
        }
        RecordingIndex.Gop gop = new RecordingIndex.Gop(gopOffset, length - gopOffset, gopFragments, gopDecode,
                mediaEnd - gopDecode, gopMono, gopWall);
        pendingIndex.append(gop.line()).append('\n');
        gopOffset = -1;
    }

    private void endSubsegment(long decode) {
        if (subsegmentOffset >= 0 && length > subsegmentOffset) {
            subsegments.add(new SegmentIndexBox.Subsegment(length - subsegmentOffset, decode - subsegmentDecode));
        }
    }

    private void queue(ByteBuffer buffer) {
        pending.add(buffer);
        pendingBytes += buffer.remaining();
        length += buffer.remaining();
    }

    /** Whether enough waits for a write now, rather than at the next tick. */
    boolean flushDue() {
        return pendingBytes >= FLUSH_BYTES;
    }

    /**
     * Writes what waits, and notes in the index how far the file is complete, and when that end was captured: not
     * when it is written, which may be seconds later on a slow disk.
     */
    void flush() throws IOException {
        if (!pending.isEmpty()) {
            mp4.append(pending.toArray(ByteBuffer[]::new));
            pending.clear();
            pendingBytes = 0;
            written = length;
            pendingIndex.append(RecordingIndex.progressLine('f', written, mediaEnd, endMono, endWallMicros)).append('\n');
        }
        writeIndex();
    }

    private void writeIndex() throws IOException {
        if (pendingIndex.length() > 0) {
            index.append(ByteBuffer.wrap(pendingIndex.toString().getBytes(StandardCharsets.UTF_8)));
            pendingIndex.setLength(0);
        }
    }

    /** Finishes the file: the last group of pictures, the 'sidx' in its room, and the index's end. */
    void close() throws IOException {
        try {
            endGop();
            endSubsegment(mediaEnd);
            subsegmentOffset = -1;
            flush();
            List<SegmentIndexBox.Subsegment> references = fitted(subsegments);
            int sidxSize = SegmentIndexBox.size(references.size());
            if (!references.isEmpty() && sidxSize + 8 <= roomLength) {
                byte[] sidx = SegmentIndexBox.write(InitSegment.TRACK_ID, FragmentTimeline.TIMESCALE, 0, references,
                        roomLength - sidxSize);
                mp4.writeAt(roomOffset, ByteBuffer.wrap(sidx));
            }
            pendingIndex.append(RecordingIndex.progressLine('e', written, mediaEnd, endMono, endWallMicros)).append('\n');
            writeIndex();
        } finally {
            try {
                mp4.close();
            } finally {
                index.close();
            }
        }
    }

    /** Closes without finishing, after a failed write: what was written stays readable. */
    void abandon() {
        try {
            mp4.close();
        } catch (IOException | RuntimeException e) {
            // the file is as far as the last write got
        }
        try {
            index.close();
        } catch (IOException | RuntimeException e) {
            // likewise
        }
    }

    /** The references, merged pairwise until they fit the room (a camera whose keyframes come faster than kept for). */
    private List<SegmentIndexBox.Subsegment> fitted(List<SegmentIndexBox.Subsegment> all) {
        List<SegmentIndexBox.Subsegment> references = all;
        while (SegmentIndexBox.size(references.size()) + 8 > roomLength && references.size() > 1) {
            List<SegmentIndexBox.Subsegment> merged = new ArrayList<>((references.size() + 1) / 2);
            for (int i = 0; i < references.size(); i += 2) {
                SegmentIndexBox.Subsegment a = references.get(i);
                if (i + 1 < references.size()) {
                    SegmentIndexBox.Subsegment b = references.get(i + 1);
                    merged.add(new SegmentIndexBox.Subsegment(a.size() + b.size(), a.duration() + b.duration()));
                } else {
                    merged.add(a);
                }
            }
            references = merged;
        }
        return references;
    }
}
