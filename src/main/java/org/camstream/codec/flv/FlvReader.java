package org.camstream.codec.flv;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;

/**
 * Reads H.264 out of an FLV byte stream, whatever its chunking, as ffmpeg writes it with
 * {@code -f flv}. FLV frames every access unit with a size, so each is complete, and emitted, the
 * moment its last byte arrives: no waiting for the next picture as with Annex B.
 *
 * <p>Audio and script tags are skipped without being buffered; only AVC video tags are held in
 * memory, and only up to the tag size cap. Access unit delimiters are dropped, like
 * {@code AccessUnitAssembler} does.
 *
 * <p>Never throws on bad input; everything odd is counted. Bytes before the {@code FLV} signature
 * are skipped. When a tag header is implausible (unknown tag type, nonzero stream id, or a
 * PreviousTagSize that does not match the tag before it), the reader scans forward one byte at a
 * time for the next plausible tag header, and carries on from there. That can cost a few good
 * tags, and a false match can cost a few more, but memory stays bounded and the stream recovers.
 * A video tag whose payload does not add up (NAL unit lengths past its end, a broken
 * configuration record) is dropped and counted.
 *
 * <p>Memory is bounded by the tag size cap ({@code maxTagSize}, 4 MB by default): the reader holds the
 * body of one AVC video tag at most, in a buffer that grows to the largest such tag seen, never past
 * the cap. A video tag over the cap is skipped by its size and counted; audio and script tags are
 * skipped by their size whatever it is. FLV trusts sizes, so a size read from damaged data can make
 * the reader skip, or collect, up to 16 MB (the largest 24-bit size) of what follows before the next
 * PreviousTagSize shows the damage.
 *
 * <p>An exception thrown by the listener comes out of {@code feed}, but only after the rest of the
 * chunk has been read, so no byte is lost and the reader stays usable: the caller can go on with its
 * next read. If the listener fails more than once in one call, the first failure is thrown and the
 * later ones are dropped. Not thread-safe.
 */
public final class FlvReader {
    public static final int DEFAULT_MAX_TAG_SIZE = 4 * 1024 * 1024;

    private static final byte[] SIGNATURE = {'F', 'L', 'V', 1};
    private static final int FILE_HEADER_SIZE = 9;
    private static final int MAX_FILE_HEADER_SIZE = 1024;
    private static final int PRELUDE_SIZE = 15; // PreviousTagSize, then the 11-byte tag header
    private static final int TAG_AUDIO = 8;
    private static final int TAG_VIDEO = 9;
    private static final int TAG_SCRIPT = 18;
    private static final int CODEC_AVC = 7;
    private static final int FRAME_KEY = 1;

    private enum State { SIGNATURE, FILE_HEADER, SKIP_FILE_HEADER, PRELUDE, BODY, SKIP_BODY }

    private final FlvListener listener;
    private final int maxTagSize;

    private State state = State.SIGNATURE;
    private final byte[] header = new byte[PRELUDE_SIZE];
    private int headerLength;
    private byte[] body = new byte[0];
    private int bodyLength;
    private int bodySize;
    private long toSkip;
    private long expectedPreviousTagSize;
    private boolean resyncing;
    private long tagTimestamp;
    private int lengthSize = 4; // NAL length field size; 4 until a configuration record says otherwise
    private final List<NalUnit> nalUnits = new ArrayList<>();

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
    }

    public void feed(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int end = off + len;
        RuntimeException listenerFailure = null;
        while (off < end) {
            switch (state) {
                case SIGNATURE -> {
                    byte b = buf[off++];
                    if (b == SIGNATURE[headerLength]) {
                        header[headerLength++] = b;
                        if (headerLength == SIGNATURE.length) state = State.FILE_HEADER;
                    } else {
                        // The signature bytes differ from each other, so a mismatch can only restart it.
                        skippedBytes += headerLength;
                        headerLength = 0;
                        if (b == SIGNATURE[0]) header[headerLength++] = b;
                        else skippedBytes++;
                    }
                }
                case FILE_HEADER -> {
                    off = collect(buf, off, end, FILE_HEADER_SIZE);
                    if (headerLength < FILE_HEADER_SIZE) break;
                    long dataOffset = u32(header, 5);
                    headerLength = 0;
                    expectedPreviousTagSize = 0;
                    if (dataOffset < FILE_HEADER_SIZE || dataOffset > MAX_FILE_HEADER_SIZE) {
                        corruptions++;
                        resyncing = true;
                        state = State.PRELUDE;
                    } else {
                        toSkip = dataOffset - FILE_HEADER_SIZE;
                        state = State.SKIP_FILE_HEADER;
                    }
                }
                case SKIP_FILE_HEADER, SKIP_BODY -> {
                    int n = (int) Math.min(toSkip, end - off);
                    off += n;
                    toSkip -= n;
                    if (toSkip == 0) state = State.PRELUDE;
                }
                case PRELUDE -> {
                    off = collect(buf, off, end, PRELUDE_SIZE);
                    if (headerLength == PRELUDE_SIZE) startTag();
                }
                case BODY -> {
                    int n = Math.min(bodySize - bodyLength, end - off);
                    System.arraycopy(buf, off, body, bodyLength, n);
                    bodyLength += n;
                    off += n;
                    if (bodyLength == bodySize) {
                        state = State.PRELUDE;
                        try {
                            videoTag(bodySize);
                        } catch (RuntimeException e) {
                            // Read on first: the rest of this chunk is the next tag, and a caller that goes
                            // on with its next read would find the reader out of step with the tags.
                            if (listenerFailure == null) listenerFailure = e;
                        }
                    }
                }
            }
        }
        if (listenerFailure != null) throw listenerFailure;
    }

    /** Access units handed to the listener. */
    public long accessUnits() {
        return accessUnits;
    }

    /** Bytes skipped: before the signature, and while looking for a tag header after corruption. */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Times the reader lost the tag structure and had to look for it again. */
    public long corruptions() {
        return corruptions;
    }

    /** Tags skipped for exceeding the size cap. */
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

    /** Bytes the reader holds for a video tag's body (its buffer's capacity); never above the cap. */
    int bufferCapacity() {
        return body.length;
    }

    private int collect(byte[] buf, int off, int end, int size) {
        int n = Math.min(size - headerLength, end - off);
        System.arraycopy(buf, off, header, headerLength, n);
        headerLength += n;
        return off + n;
    }

    private void startTag() {
        long previousTagSize = u32(header, 0);
        int flags = header[4] & 0xff;
        int type = flags & 0x1f;
        int dataSize = u24(header, 5);
        int streamId = u24(header, 12);
        boolean plausible = (flags & 0xe0) == 0 // reserved bits and the encryption filter bit
                && (type == TAG_AUDIO || type == TAG_VIDEO || type == TAG_SCRIPT)
                && streamId == 0
                && (resyncing ? previousTagSize == 0 || (previousTagSize >= 11 && previousTagSize <= maxTagSize + 11L)
                        : previousTagSize == expectedPreviousTagSize);
        if (!plausible) {
            if (!resyncing) corruptions++;
            resyncing = true;
            skippedBytes++;
            System.arraycopy(header, 1, header, 0, PRELUDE_SIZE - 1);
            headerLength = PRELUDE_SIZE - 1;
            return;
        }
        resyncing = false;
        headerLength = 0;
        expectedPreviousTagSize = 11L + dataSize;
        tagTimestamp = (u24(header, 8) | (header[11] & 0xff) << 24);
        if (type == TAG_VIDEO && dataSize > maxTagSize) oversizeTags++;
        if (type == TAG_VIDEO && dataSize <= maxTagSize && dataSize > 0) {
            if (body.length < dataSize) {
                body = new byte[Math.max(dataSize, Math.min(maxTagSize, body.length * 2))];
            }
            bodySize = dataSize;
            bodyLength = 0;
            state = State.BODY;
        } else {
            toSkip = dataSize;
            state = dataSize == 0 ? State.PRELUDE : State.SKIP_BODY;
        }
    }

    private void videoTag(int size) {
        int frameType = (body[0] >> 4) & 0x0f;
        int codecId = body[0] & 0x0f;
        if (codecId != CODEC_AVC) return; // other codecs, and enhanced-RTMP headers, are not ours
        if (size < 5) {
            malformedTags++;
            return;
        }
        int packetType = body[1] & 0xff;
        int compositionTime = (body[2] << 16) | ((body[3] & 0xff) << 8) | (body[4] & 0xff); // signed 24
        if (packetType == 0) {
            config(5, size);
        } else if (packetType == 1) {
            pictures(5, size, frameType, tagTimestamp + compositionTime);
        }
        // packetType 2, end of sequence, carries nothing.
    }

    /** AVCDecoderConfigurationRecord (ISO/IEC 14496-15 5.3.3.1): keeps the first SPS and PPS. */
    private void config(int pos, int end) {
        // version, profile, compatibility, level, lengthSizeMinusOne, SPS count: 6 bytes.
        if (end - pos < 6 || body[pos] != 1 || (body[pos + 4] & 0x03) == 2) { // no 3-byte lengths
            malformedTags++;
            return;
        }
        int newLengthSize = (body[pos + 4] & 0x03) + 1;
        int spsCount = body[pos + 5] & 0x1f;
        pos += 6;
        NalUnit sps = null;
        for (int i = 0; i < spsCount && pos >= 0; i++) {
            int length = parameterSetLength(pos, end);
            if (length < 0) pos = -1;
            else {
                if (sps == null) sps = NalUnit.of(body, pos + 2, length);
                pos += 2 + length;
            }
        }
        NalUnit pps = null;
        if (pos >= 0 && pos < end) {
            int ppsCount = body[pos++] & 0xff;
            for (int i = 0; i < ppsCount && pos >= 0; i++) {
                int length = parameterSetLength(pos, end);
                if (length < 0) pos = -1;
                else {
                    if (pps == null) pps = NalUnit.of(body, pos + 2, length);
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
        listener.onConfig(sps, pps);
    }

    /** The 16-bit length of a parameter set at pos, or -1 if it is zero or overruns end. */
    private int parameterSetLength(int pos, int end) {
        if (end - pos < 2) return -1;
        int length = u16(body, pos);
        return length == 0 || end - pos - 2 < length ? -1 : length;
    }

    private void pictures(int pos, int end, int frameType, long presentationTime) {
        nalUnits.clear();
        boolean picture = false;
        while (pos < end) {
            if (end - pos < lengthSize) {
                malformedTags++;
                return;
            }
            long length = 0;
            for (int i = 0; i < lengthSize; i++) length = (length << 8) | (body[pos + i] & 0xff);
            pos += lengthSize;
            if (length == 0 || length > end - pos || (body[pos] & 0x80) != 0) {
                malformedTags++;
                return;
            }
            NalUnit nal = NalUnit.of(body, pos, (int) length);
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
        listener.onAccessUnit(au, presentationTime);
    }

    private static int u16(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 8) | (b[pos + 1] & 0xff);
    }

    private static int u24(byte[] b, int pos) {
        return ((b[pos] & 0xff) << 16) | ((b[pos + 1] & 0xff) << 8) | (b[pos + 2] & 0xff);
    }

    private static long u32(byte[] b, int pos) {
        return ((long) u24(b, pos) << 8) | (b[pos + 3] & 0xff);
    }
}
