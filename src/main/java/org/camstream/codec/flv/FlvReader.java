package org.camstream.codec.flv;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;

/**
 * Reads H.264 out of an FLV byte stream, whatever its chunking, as ffmpeg writes it with
 * {@code -f flv}. FLV frames every access unit with a size, so each is complete, and emitted, as soon as
 * its tag has arrived: no waiting for the next picture as with Annex B.
 *
 * <p>A tag counts once the PreviousTagSize after it agrees with the size in its header. ffmpeg writes that
 * field in the same write as the tag, so waiting for it costs no latency. Access unit delimiters are dropped,
 * like {@code AccessUnitAssembler} does.
 *
 * <p>Never throws on bad input; everything odd is counted. Bytes before the {@code FLV} signature are
 * skipped. A damaged size cannot make the reader skip or swallow what follows: besides the tag it expects,
 * the reader looks at every four bytes as the PreviousTagSize of a tag that would end there, and takes a
 * tag whose header, 11 + size bytes before, is plausible (a known tag type, no reserved or encryption bits,
 * stream id 0) and says that size. So when the expected tag's PreviousTagSize disagrees (its size was too
 * small, or its header was garbage that looked like one), or a whole tag is found inside the one expected
 * (its size was too large, up to the 16 MB a size can say), the reader carries on from the next tag, which it
 * finds the moment that tag has arrived. The damaged tag is lost, and nothing after it. A tag whose
 * PreviousTagSize alone is damaged is still read, once the next tag is found right where its size said it
 * would end. Each byte costs a shift and two comparisons, plus a look at a header where a plausible size
 * points, so a search is linear in the bytes searched. A video tag whose payload does not add up (NAL unit
 * lengths past its end, a broken configuration record) is dropped and counted.
 *
 * <p>Memory is bounded by the tag size cap ({@code maxTagSize}, 4 MB by default): the reader holds one tag
 * at most, with its header and PreviousTagSize ({@link #FRAMING} bytes), in a window that grows to the largest
 * tag seen, never past the cap and the framing. While it searches it holds the last bytes up to that bound,
 * so that any tag within the cap can be found. A tag over the cap is skipped by its size, and counted if it is
 * video; while it is skipped, the search for a tag inside it goes on.
 *
 * <p>An exception thrown by the listener comes out of {@code feed}, but only after the rest of the
 * chunk has been read, so no byte is lost and the reader stays usable: the caller can go on with its
 * next read. If the listener fails more than once in one call, the first failure is thrown and the
 * later ones are dropped. Not thread-safe.
 */
public final class FlvReader {
    public static final int DEFAULT_MAX_TAG_SIZE = 4 * 1024 * 1024;
    /** What frames a tag's body: its 11-byte header before it, its 4-byte PreviousTagSize after it. */
    static final int FRAMING = 15;

    private static final byte[] SIGNATURE = {'F', 'L', 'V', 1};
    private static final int FILE_HEADER_SIZE = 9;
    private static final int MAX_FILE_HEADER_SIZE = 1024;
    private static final int TAG_HEADER_SIZE = 11;
    private static final int TAG_AUDIO = 8;
    private static final int TAG_VIDEO = 9;
    private static final int TAG_SCRIPT = 18;
    private static final int CODEC_AVC = 7;
    private static final int FRAME_KEY = 1;

    private enum State { SIGNATURE, FILE_HEADER, SKIP_FILE_HEADER, TAGS }

    private final FlvListener listener;
    private final int maxTagSize;
    private final ByteWindow window;

    private State state = State.SIGNATURE;
    private final byte[] fileHeader = new byte[FILE_HEADER_SIZE];
    private int fileHeaderLength;
    private long toSkip;
    private long position; // bytes read so far: the position of the next one
    private int lastFour;  // the last four bytes read: a PreviousTagSize, if a tag ended here

    // In step, a tag is expected at tagStart; out of step, one is searched for. Either way a tag found by its
    // PreviousTagSize starts at searchFrom or later.
    private boolean inStep;
    private boolean previousTagSize0; // in step, and PreviousTagSize0 comes first
    private long tagStart;
    private int tagSize = -1;          // the expected tag's size once its header is in, else -1
    private int tagType;
    private long eventAt = Long.MAX_VALUE; // where the expected tag's header, or the whole tag, is in
    private long searchFrom;
    private long accounted;            // where the last tag read ended; what lies between it and the next is skipped
    // The last expected tag whose PreviousTagSize disagreed, while it may yet turn out to be whole: -1 if none.
    private long doubtfulStart = -1;
    private int doubtfulSize;

    private RuntimeException listenerFailure;
    private final List<NalUnit> nalUnits = new ArrayList<>();
    private int lengthSize = 4; // NAL length field size; 4 until a configuration record says otherwise

    private long accessUnits;
    private long skippedBytes;
    private long corruptions;
    private long oversizeTags;
    private long malformedTags;
    private long keyframeMismatches;

    public FlvReader(FlvListener listener) {
        this(listener, DEFAULT_MAX_TAG_SIZE);
    }

    public FlvReader(FlvListener listener, int maxTagSize) {
        if (maxTagSize < 16) throw new IllegalArgumentException("maxTagSize = " + maxTagSize);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.maxTagSize = maxTagSize;
        this.window = new ByteWindow(maxTagSize + FRAMING);
    }

    public void feed(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int end = off + len;
        while (off < end) {
            switch (state) {
                case SIGNATURE -> {
                    byte b = buf[off++];
                    position++;
                    if (b == SIGNATURE[fileHeaderLength]) {
                        fileHeader[fileHeaderLength++] = b;
                        if (fileHeaderLength == SIGNATURE.length) state = State.FILE_HEADER;
                    } else {
                        // The signature bytes differ from each other, so a mismatch can only restart it.
                        skippedBytes += fileHeaderLength;
                        fileHeaderLength = 0;
                        if (b == SIGNATURE[0]) fileHeader[fileHeaderLength++] = b;
                        else skippedBytes++;
                    }
                }
                case FILE_HEADER -> {
                    int n = Math.min(FILE_HEADER_SIZE - fileHeaderLength, end - off);
                    System.arraycopy(buf, off, fileHeader, fileHeaderLength, n);
                    fileHeaderLength += n;
                    off += n;
                    position += n;
                    if (fileHeaderLength < FILE_HEADER_SIZE) break;
                    long dataOffset = (long) (fileHeader[5] & 0xff) << 24 | (fileHeader[6] & 0xff) << 16
                            | (fileHeader[7] & 0xff) << 8 | (fileHeader[8] & 0xff);
                    if (dataOffset < FILE_HEADER_SIZE || dataOffset > MAX_FILE_HEADER_SIZE) {
                        corruptions++;
                        startTags(false);
                    } else {
                        toSkip = dataOffset - FILE_HEADER_SIZE;
                        state = State.SKIP_FILE_HEADER;
                    }
                }
                case SKIP_FILE_HEADER -> {
                    int n = (int) Math.min(toSkip, end - off);
                    off += n;
                    position += n;
                    toSkip -= n;
                    if (toSkip == 0) startTags(true);
                }
                case TAGS -> {
                    tags(buf, off, end);
                    off = end;
                }
            }
        }
        RuntimeException failure = listenerFailure;
        listenerFailure = null;
        if (failure != null) throw failure;
    }

    /** Access units handed to the listener. */
    public long accessUnits() {
        return accessUnits;
    }

    /** Bytes skipped: before the signature, and between tags (damaged ones, garbage). */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Times the reader found the tag structure broken. */
    public long corruptions() {
        return corruptions;
    }

    /** Video tags skipped for exceeding the size cap. */
    public long oversizeTags() {
        return oversizeTags;
    }

    /** AVC video tags dropped because their content does not add up. */
    public long malformedTags() {
        return malformedTags;
    }

    /** Access units whose FLV frame type disagrees with whether they hold an IDR picture. */
    public long keyframeMismatches() {
        return keyframeMismatches;
    }

    /** Bytes the reader holds for tags (its window's capacity); never above the cap and {@link #FRAMING}. */
    int bufferCapacity() {
        return window.capacity();
    }

    private void startTags(boolean headerWhole) {
        state = State.TAGS;
        window.reset(position);
        accounted = headerWhole ? position + 4 : position; // PreviousTagSize0 is framing, not skipped
        if (headerWhole) {
            expect(position + 4);
            previousTagSize0 = true;
            eventAt = position + 4;
        } else {
            search(position);
        }
    }

    /** Reads a chunk in the tags: the bytes go to the window in runs, up to each place where something is decided. */
    private void tags(byte[] buf, int from, int to) {
        int pending = from;
        for (int i = from; i < to; i++) {
            lastFour = lastFour << 8 | buf[i] & 0xff;
            long p = ++position;
            int size = lastFour - TAG_HEADER_SIZE; // if lastFour is the PreviousTagSize of a tag ending here
            boolean sized = Integer.compareUnsigned(size, maxTagSize) <= 0 && p - FRAMING - size >= searchFrom;
            if (p == eventAt || sized) {
                window.append(buf, pending, i + 1 - pending, keepFrom());
                pending = i + 1;
                atBoundary(p, sized ? size : -1);
            }
        }
        window.append(buf, pending, to - pending, keepFrom());
    }

    private long keepFrom() {
        long from = inStep ? tagStart : searchFrom;
        return doubtfulStart >= 0 ? Math.min(from, doubtfulStart) : from;
    }

    /** p: where the bytes read end; size: the size of the tag lastFour would end, or -1 if none fits. */
    private void atBoundary(long p, int size) {
        if (p == eventAt) {
            if (previousTagSize0) {
                previousTagSize0 = false;
                if (lastFour == 0) {
                    expect(p);
                } else {
                    corruptions++;
                    search(p); // the first tag may still be whole
                }
                return;
            }
            if (tagSize < 0) {
                header();
                return; // no tag found by its PreviousTagSize can end inside the expected tag's header
            }
            if (lastFour == tagSize + TAG_HEADER_SIZE) {
                read(tagStart, tagSize, tagType, p);
                return;
            }
            // The PreviousTagSize disagrees: the size was damaged, or the PreviousTagSize itself.
            corruptions++;
            if (tagSize <= maxTagSize) {
                doubtfulStart = tagStart;
                doubtfulSize = tagSize;
            }
            search(tagStart + 1);
        }
        if (size >= 0) found(p, size);
    }

    /** The expected tag's header is in the window. */
    private void header() {
        if (!plausible(tagStart)) {
            corruptions++;
            search(tagStart + 1);
            return;
        }
        tagType = window.at(tagStart) & 0x1f;
        tagSize = window.u24(tagStart + 1);
        eventAt = tagStart + FRAMING + tagSize;
        if (tagSize <= maxTagSize) window.reserve(tagStart, FRAMING + tagSize);
    }

    /** A tag of {@code size} may end at p: read it if its header says so. */
    private void found(long p, int size) {
        long start = p - FRAMING - size;
        if (start < window.start() || !plausible(start) || window.u24(start + 1) != size) return;
        if (inStep) corruptions++; // the expected tag said it was larger than this one, which lies inside it
        if (doubtfulStart >= 0 && doubtfulStart + FRAMING + doubtfulSize == start && window.start() <= doubtfulStart) {
            // The doubtful tag ended where its size said: only its PreviousTagSize was damaged.
            read(doubtfulStart, doubtfulSize, window.at(doubtfulStart) & 0x1f, start);
        }
        read(start, size, window.at(start) & 0x1f, p);
    }

    private boolean plausible(long start) {
        int flags = window.at(start);
        int type = flags & 0x1f;
        return (flags & 0xe0) == 0 // reserved bits and the encryption filter bit
                && (type == TAG_AUDIO || type == TAG_VIDEO || type == TAG_SCRIPT)
                && window.u24(start + 8) == 0; // stream id
    }

    /** The tag [start, end) counts; the next one is expected at end. */
    private void read(long start, int size, int type, long end) {
        skippedBytes += start - accounted;
        accounted = end;
        expect(end);
        if (type != TAG_VIDEO) return;
        if (size > maxTagSize) {
            oversizeTags++;
        } else if (size > 0) {
            int at = window.contiguous(start, TAG_HEADER_SIZE + size);
            byte[] b = window.array();
            long timestamp = (b[at + 4] & 0xff) << 16 | (b[at + 5] & 0xff) << 8 | (b[at + 6] & 0xff) | (b[at + 7] & 0xff) << 24;
            videoTag(b, at + TAG_HEADER_SIZE, size, timestamp);
        }
    }

    private void expect(long start) {
        inStep = true;
        previousTagSize0 = false;
        tagStart = start;
        tagSize = -1;
        eventAt = start + TAG_HEADER_SIZE;
        searchFrom = start + 1;
        doubtfulStart = -1;
    }

    private void search(long from) {
        inStep = false;
        tagSize = -1;
        eventAt = Long.MAX_VALUE;
        searchFrom = from;
    }

    /** An FLV video tag's body, {@code b[from, from + size)}. */
    private void videoTag(byte[] b, int from, int size, long timestamp) {
        int frameType = (b[from] >> 4) & 0x0f;
        int codecId = b[from] & 0x0f;
        if (codecId != CODEC_AVC) return; // other codecs, and enhanced-RTMP headers, are not ours
        if (size < 5) {
            malformedTags++;
            return;
        }
        int packetType = b[from + 1] & 0xff;
        int compositionTime = (b[from + 2] << 16) | ((b[from + 3] & 0xff) << 8) | (b[from + 4] & 0xff); // signed 24
        if (packetType == 0) {
            config(b, from + 5, from + size);
        } else if (packetType == 1) {
            pictures(b, from + 5, from + size, frameType, timestamp + compositionTime);
        }
        // packetType 2, end of sequence, carries nothing.
    }

    /** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1): keeps the first SPS and PPS. */
    private void config(byte[] b, int pos, int end) {
        // version, profile, compatibility, level, lengthSizeMinusOne, SPS count: 6 bytes.
        if (end - pos < 6 || b[pos] != 1 || (b[pos + 4] & 0x03) == 2) { // no 3-byte lengths
            malformedTags++;
            return;
        }
        int newLengthSize = (b[pos + 4] & 0x03) + 1;
        int spsCount = b[pos + 5] & 0x1f;
        pos += 6;
        NalUnit sps = null;
        for (int i = 0; i < spsCount && pos >= 0; i++) {
            int length = parameterSetLength(b, pos, end);
            if (length < 0) pos = -1;
            else {
                if (sps == null) sps = NalUnit.of(b, pos + 2, length);
                pos += 2 + length;
            }
        }
        NalUnit pps = null;
        if (pos >= 0 && pos < end) {
            int ppsCount = b[pos++] & 0xff;
            for (int i = 0; i < ppsCount && pos >= 0; i++) {
                int length = parameterSetLength(b, pos, end);
                if (length < 0) pos = -1;
                else {
                    if (pps == null) pps = NalUnit.of(b, pos + 2, length);
                    pos += 2 + length;
                }
            }
        }
        // Bytes after the PPS list (the High profile extension) are not needed here.
        if (pos < 0 || sps == null || pps == null || sps.type() != NalUnit.SPS || pps.type() != NalUnit.PPS) {
            malformedTags++;
            return;
        }
        lengthSize = newLengthSize;
        try {
            listener.onConfig(sps, pps);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /** The 16-bit length of a parameter set at pos, or -1 if it is zero or overruns end. */
    private static int parameterSetLength(byte[] b, int pos, int end) {
        if (end - pos < 2) return -1;
        int length = ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
        return length == 0 || end - pos - 2 < length ? -1 : length;
    }

    private void pictures(byte[] b, int pos, int end, int frameType, long presentationTime) {
        nalUnits.clear();
        boolean picture = false;
        while (pos < end) {
            if (end - pos < lengthSize) {
                malformedTags++;
                return;
            }
            long length = 0;
            for (int i = 0; i < lengthSize; i++) length = (length << 8) | (b[pos + i] & 0xff);
            pos += lengthSize;
            if (length == 0 || length > end - pos || (b[pos] & 0x80) != 0) {
                malformedTags++;
                return;
            }
            NalUnit nal = NalUnit.of(b, pos, (int) length);
            pos += (int) length;
            if (nal.type() == NalUnit.AUD) continue;
            picture |= nal.isVcl();
            nalUnits.add(nal);
        }
        if (!picture) {
            malformedTags++;
            return;
        }
        AccessUnit au = AccessUnit.of(nalUnits);
        nalUnits.clear();
        if (au.isKeyframe() != (frameType == FRAME_KEY)) keyframeMismatches++;
        accessUnits++;
        try {
            listener.onAccessUnit(au, presentationTime);
        } catch (RuntimeException e) {
            failed(e);
        }
    }

    /**
     * The listener failed: the reader reads on first, since the rest of the chunk is the next tags, and a
     * caller that goes on with its next read would find the reader out of step with them.
     */
    private void failed(RuntimeException e) {
        if (listenerFailure == null) listenerFailure = e;
    }
}
