package org.camstream.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.SpsParser;
import org.camstream.mp4.FragmentHeader;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.mp4.InitSegment;
import org.camstream.mp4.SegmentIndexBox;

/**
 * One MP4 of a stretch of a camera's recordings, cut at keyframes: an init segment, a 'sidx', then the
 * recordings' own fragments from the keyframe at or before the start to the keyframe at or after the end, across
 * files and across a change of size. Nothing is loaded into memory and nothing is encoded: the fragments are read
 * from the files as they are sent, each moved on the clip's timeline (a 'tfdt' rewritten in place), and the first
 * picture after a change of size carries its new parameter sets in its sample, which a decoder takes as they
 * come. Every byte's place is known before the first is sent, so a player may ask for any range of it.
 */
public final class Clip {

    /** A clip is at most this long. */
    public static final Duration MAX_DURATION = Duration.ofHours(3);

    /** The groups of pictures taken from one recording, and what they become in the clip. */
    private record Part(Path file, long from, long to, long offsetInClip, long shift, long audioShift, byte[] parameters,
            List<RecordingIndex.Gop> gops) {

        long length() {
            return to - from + parameters.length;
        }
    }

    private final byte[] head;
    private final List<Part> parts;
    private final long length;
    private final Instant start;
    private final double seconds;
    private final int width;
    private final int height;

    private Clip(byte[] head, List<Part> parts, long length, Instant start, double seconds, int width, int height) {
        this.head = head;
        this.parts = parts;
        this.length = length;
        this.start = start;
        this.seconds = seconds;
        this.width = width;
        this.height = height;
    }

    /**
     * The clip of {@code camera}'s recordings from {@code from} for {@code duration}, or null when nothing is
     * recorded in that range.
     */
    public static Clip of(RecordingCatalog catalog, String camera, Instant from, Duration duration) throws IOException {
        Instant to = from.plus(duration);
        List<Recording> overlapping = new ArrayList<>();
        for (Recording r : catalog.of(camera)) {
            if (r.duration() > 0 && r.end().isAfter(from) && r.start().isBefore(to)) {
                overlapping.add(r);
            }
        }
        if (overlapping.isEmpty()) {
            return null;
        }
        HexFormat hex = HexFormat.of();
        RecordingIndex.Header first = null;
        AudioSpecificConfig audio = null;
        List<Part> parts = new ArrayList<>();
        List<SegmentIndexBox.Subsegment> subsegments = new ArrayList<>();
        long cursor = 0; // media time in the clip, 90 kHz
        Instant clipStart = null;
        long offset = 0; // bytes of fragments in the clip so far
        for (Recording r : overlapping) {
            RecordingIndex.Parsed index = RecordingIndex.read(r.index());
            List<RecordingIndex.Gop> gops = new ArrayList<>();
            for (RecordingIndex.Gop gop : index.gops()) {
                Instant gopStart = r.start().plusNanos(gop.decodeTime() * 1_000_000_000L / FragmentTimeline.TIMESCALE);
                Instant gopEnd = gopStart.plusNanos(gop.duration() * 1_000_000_000L / FragmentTimeline.TIMESCALE);
                if (gopEnd.isAfter(from) && gopStart.isBefore(to)) {
                    gops.add(gop);
                    if (clipStart == null) {
                        clipStart = gopStart;
                    }
                }
            }
            if (gops.isEmpty()) {
                continue;
            }
            RecordingIndex.Header header = index.header();
            byte[] parameters = new byte[0];
            if (first == null) {
                first = header;
            } else if (!header.sps().equals(first.sps()) || !header.pps().equals(first.pps())) {
                byte[] sps = hex.parseHex(header.sps());
                byte[] pps = hex.parseHex(header.pps());
                parameters = ByteBuffer.allocate(8 + sps.length + pps.length).putInt(sps.length).put(sps)
                        .putInt(pps.length).put(pps).array();
            }
            if (audio == null && header.hasAudio()) {
                audio = AudioSpecificConfig.parse(hex.parseHex(header.audioConfig()));
            }
            RecordingIndex.Gop firstGop = gops.get(0);
            long shift = cursor - firstGop.decodeTime();
            int rate = header.hasAudio() ? AudioSpecificConfig.parse(hex.parseHex(header.audioConfig())).sampleRate() : 0;
            long audioShift = rate == 0 ? 0 : Math.floorDiv(shift * rate, FragmentTimeline.TIMESCALE);
            RecordingIndex.Gop lastGop = gops.get(gops.size() - 1);
            Part part = new Part(r.file(), firstGop.offset(), lastGop.end(), offset, shift, audioShift, parameters,
                    List.copyOf(gops));
            parts.add(part);
            long partLength = lastGop.end() - firstGop.offset() + parameters.length;
            // One reference a second or so, each starting at a keyframe; the part's first carries the parameters.
            long refSize = parameters.length;
            long refDuration = 0;
            for (RecordingIndex.Gop gop : gops) {
                refSize += gop.size();
                refDuration += gop.duration();
                if (refDuration >= FragmentTimeline.TIMESCALE) {
                    subsegments.add(new SegmentIndexBox.Subsegment(refSize, refDuration));
                    refSize = 0;
                    refDuration = 0;
                }
            }
            if (refSize > 0) {
                subsegments.add(new SegmentIndexBox.Subsegment(refSize, refDuration));
            }
            offset += partLength;
            cursor += lastGop.decodeTime() + lastGop.duration() - firstGop.decodeTime();
        }
        if (parts.isEmpty()) {
            return null;
        }
        InitSegment init = InitSegment.of(SpsParser.parse(hex.parseHex(first.sps())),
                NalUnit.of(hex.parseHex(first.pps())), audio);
        byte[] sidx = SegmentIndexBox.write(InitSegment.TRACK_ID, FragmentTimeline.TIMESCALE, 0, subsegments, 0);
        byte[] head = ByteBuffer.allocate(init.size() + sidx.length).put(init.toByteArray()).put(sidx).array();
        return new Clip(head, List.copyOf(parts), head.length + offset, clipStart, cursor / 90_000.0, first.width(),
                first.height());
    }

    /** Its length in bytes. */
    public long length() {
        return length;
    }

    /** When its first picture was captured. */
    public Instant start() {
        return start;
    }

    public double seconds() {
        return seconds;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    /** Reads the clip's bytes from {@code first} on, in pieces, as a response sends them. */
    public Reader read(long first, long end) {
        return new Reader(first, end);
    }

    /**
     * The bytes of a range of the clip, a piece at a time: the files are opened as their part is reached, and
     * closed with the reader. Not thread-safe: one response reads it.
     */
    public final class Reader implements AutoCloseable {
        private final long end;
        private long position;
        private int partIndex = -1;
        private FileChannel channel;
        private Fragment fragment;

        /** One fragment in the clip: its header as the clip has it, and where its sample data is in the file. */
        private record Fragment(int part, long fileStart, long clipStart, byte[] head, long payloadFileStart,
                int payloadLength) {

            long clipEnd() {
                return clipStart + head.length + payloadLength;
            }

            long fileEnd() {
                return payloadFileStart + payloadLength;
            }
        }

        Reader(long first, long end) {
            this.position = first;
            this.end = Math.min(end, length);
        }

        public boolean hasMore() {
            return position < end;
        }

        /** The next piece of the range, at most {@code max} bytes; empty once the range is sent. */
        public ByteBuffer next(int max) throws IOException {
            if (position >= end) {
                return ByteBuffer.allocate(0);
            }
            if (position < head.length) {
                int n = (int) Math.min(Math.min(max, head.length - position), end - position);
                ByteBuffer piece = ByteBuffer.wrap(head, (int) position, n).slice();
                position += n;
                return piece;
            }
            locate();
            long into = position - fragment.clipStart();
            ByteBuffer piece;
            if (into < fragment.head().length) {
                int n = (int) Math.min(Math.min(max, fragment.head().length - into), end - position);
                piece = ByteBuffer.wrap(fragment.head(), (int) into, n).slice();
            } else {
                long inPayload = into - fragment.head().length;
                int n = (int) Math.min(Math.min(max, fragment.payloadLength() - inPayload), end - position);
                piece = readAt(fragment.payloadFileStart() + inPayload, n);
                if (piece.remaining() < n) {
                    throw new IOException("the recording " + parts.get(fragment.part()).file()
                            + " is shorter than its index says");
                }
            }
            position += piece.remaining();
            return piece;
        }

        /** Makes {@code fragment} the one that holds {@code position}. */
        private void locate() throws IOException {
            if (fragment != null && position >= fragment.clipStart() && position < fragment.clipEnd()) {
                return;
            }
            if (fragment != null && position == fragment.clipEnd()) {
                Part part = parts.get(fragment.part());
                if (fragment.fileEnd() < part.to()) {
                    fragment = load(fragment.part(), fragment.fileEnd(), fragment.clipEnd());
                    return;
                }
            }
            // Anywhere else: from the group of pictures before it, reading only the fragments' headers.
            long inFragments = position - head.length;
            int index = 0;
            while (index + 1 < parts.size() && parts.get(index + 1).offsetInClip() <= inFragments) {
                index++;
            }
            Part part = parts.get(index);
            long fileAt = part.from();
            long clipAt = head.length + part.offsetInClip();
            for (RecordingIndex.Gop gop : part.gops()) {
                long gopInClip = head.length + part.offsetInClip() + gop.offset() - part.from()
                        + (gop.offset() > part.from() ? part.parameters().length : 0);
                if (gopInClip > position) {
                    break;
                }
                fileAt = gop.offset();
                clipAt = gopInClip;
            }
            Fragment at = load(index, fileAt, clipAt);
            while (at.clipEnd() <= position) {
                if (at.fileEnd() >= part.to()) {
                    throw new IOException("the clip's index and its recordings disagree");
                }
                at = load(index, at.fileEnd(), at.clipEnd());
            }
            fragment = at;
        }

        /** Reads the header of the fragment at {@code fileAt} of a part, and makes it the clip's. */
        private Fragment load(int index, long fileAt, long clipAt) throws IOException {
            if (index != partIndex) {
                closeChannel();
                partIndex = index;
                channel = FileChannel.open(parts.get(index).file(), StandardOpenOption.READ);
            }
            Part part = parts.get(index);
            FragmentHeader header;
            try {
                header = FragmentHeader.of(readAt(fileAt, 4096));
            } catch (IllegalArgumentException e) {
                header = FragmentHeader.of(readAt(fileAt, 64 * 1024)); // a fragment with a long run of sound
            }
            header.shift(InitSegment.TRACK_ID, part.shift());
            header.shift(InitSegment.AUDIO_TRACK_ID, part.audioShift());
            byte[] parameters = fileAt == part.from() ? part.parameters() : new byte[0];
            if (parameters.length > 0) {
                header.growVideoSample(parameters.length);
            }
            byte[] headBytes = ByteBuffer.allocate(header.length() + parameters.length).put(header.asByteBuffer())
                    .put(parameters).array();
            return new Fragment(index, fileAt, clipAt, headBytes, fileAt + header.length(), header.payloadLength());
        }

        private ByteBuffer readAt(long at, int size) throws IOException {
            ByteBuffer buffer = ByteBuffer.allocate(size);
            while (buffer.hasRemaining()) {
                if (channel.read(buffer, at + buffer.position()) < 0) {
                    break;
                }
            }
            buffer.flip();
            return buffer;
        }

        private void closeChannel() throws IOException {
            if (channel != null) {
                channel.close();
                channel = null;
            }
        }

        @Override
        public void close() throws IOException {
            closeChannel();
        }
    }
}
