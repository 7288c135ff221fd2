package org.camstream.codec.h264;

import java.util.Arrays;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Splits an H.264 Annex B byte stream into NAL units, whatever the chunking of the input.
 *
 * <p>A NAL unit ends where the next start code ({@code 00 00 01}, or {@code 00 00 00 01}) begins,
 * so it is emitted only when the next one starts, or on {@link #flush()}. Zero bytes before a
 * start code (the leading zero of a 4-byte start code, trailing_zero_8bits) belong to no NAL unit
 * and are dropped.
 *
 * <p>Never throws on bad input. Bytes before the first start code are skipped and counted; a NAL
 * unit longer than the size cap is dropped and counted, and the reader picks up again at the next
 * start code; empty NAL units and ones with the forbidden_zero_bit set are dropped and counted.
 * Memory use is bounded by the cap: the reader buffers at most one NAL unit, in a buffer that starts
 * at the smaller of the cap and 64 KB and grows up to the cap ({@code maxNalSize}, 4 MB by default),
 * never past it. Bytes of a NAL unit beyond the cap are not kept; it is counted in
 * {@link #oversizeNalUnits()} when it goes over, and reading resumes at the next start code. A run of
 * zero bytes is held as a count, not as bytes, until the byte after it shows what it was.
 *
 * <p>An exception thrown by the listener comes out of {@code feed} or {@code flush}, but only after the
 * rest of the chunk has been read, so no byte is lost and the reader stays usable: the caller can go
 * on with its next read. If the listener fails more than once in one call, the first failure is
 * thrown and the later ones are dropped.
 *
 * <p>Not thread-safe. Each NAL unit handed out owns its bytes (one exact-size copy).
 */
public final class AnnexBReader {
    public static final int DEFAULT_MAX_NAL_SIZE = 4 * 1024 * 1024;
    private static final int INITIAL_BUFFER = 64 * 1024;

    private final Consumer<NalUnit> listener;
    private final int maxNalSize;

    private byte[] buffer;
    private int length; // bytes of the current NAL unit in buffer
    private boolean started; // a start code has been seen: bytes belong to NAL units, not garbage
    private boolean dropping; // the current NAL unit went over the cap
    // Consecutive zero bytes just read and not yet known to be NAL data or part of a start code.
    // They are never in buffer, so a zero run split across feed() calls needs no undo.
    private long zeros;

    private long nalUnits;
    private long skippedBytes;
    private long oversizeNalUnits;
    private long invalidNalUnits;

    public AnnexBReader(Consumer<NalUnit> listener) {
        this(listener, DEFAULT_MAX_NAL_SIZE);
    }

    public AnnexBReader(Consumer<NalUnit> listener, int maxNalSize) {
        if (maxNalSize < 1) throw new IllegalArgumentException("maxNalSize = " + maxNalSize);
        this.listener = Objects.requireNonNull(listener, "listener");
        this.maxNalSize = maxNalSize;
        this.buffer = new byte[Math.min(INITIAL_BUFFER, maxNalSize)];
    }

    public void feed(byte[] buf, int off, int len) {
        Objects.checkFromIndexSize(off, len, buf.length);
        int end = off + len;
        int segmentStart = off; // first byte of this chunk not yet appended or skipped
        // Zeros of the current run that came in earlier chunks: owed to the NAL unit if the run
        // turns out not to be a start code.
        long carried = zeros;
        RuntimeException listenerFailure = null;
        for (int i = off; i < end; i++) {
            byte b = buf[i];
            if (b == 0) {
                zeros++;
                continue;
            }
            if (b == 1 && zeros >= 2) {
                long zerosHere = zeros - carried;
                append(buf, segmentStart, (int) (i - zerosHere - segmentStart));
                boolean wasStarted = started;
                // State first: the listener may throw, and the reader must stay consistent if it does.
                started = true;
                segmentStart = i + 1;
                zeros = 0;
                carried = 0;
                if (wasStarted) {
                    try {
                        endNalUnit();
                    } catch (RuntimeException e) {
                        // Read on first: the rest of this chunk is the head of the next NAL unit, and a
                        // caller that goes on with its next read would get that NAL unit without it.
                        if (listenerFailure == null) listenerFailure = e;
                    }
                }
                continue;
            }
            if (carried > 0) {
                appendZeros(carried);
                carried = 0;
            }
            zeros = 0;
        }
        long zerosHere = zeros - carried;
        append(buf, segmentStart, (int) (end - zerosHere - segmentStart));
        if (listenerFailure != null) throw listenerFailure;
    }

    /**
     * Emits the last NAL unit at the end of the stream. Afterwards the reader expects a new stream:
     * bytes before the next start code count as garbage.
     */
    public void flush() {
        zeros = 0; // trailing zeros of the stream end no NAL unit
        boolean wasStarted = started;
        started = false;
        if (wasStarted) endNalUnit();
    }

    /**
     * The first bytes of the NAL unit still being received, at most {@code maxBytes}, or null when none
     * have arrived or when the NAL unit will not be emitted (it has the forbidden_zero_bit set, or is
     * already over the cap). Lets a live reader see what comes next before the NAL unit is complete.
     * A NAL unit that goes over the cap later is not known to be dropped yet.
     */
    public NalUnit pendingPrefix(int maxBytes) {
        if (!started || dropping || length == 0) return null;
        // endNalUnit() drops it; acting on its first bytes would end an access unit for nothing.
        if ((buffer[0] & 0x80) != 0) return null;
        return NalUnit.of(buffer, 0, Math.min(length, maxBytes));
    }

    /** NAL units handed to the listener. */
    public long nalUnits() {
        return nalUnits;
    }

    /** Bytes skipped before the first start code. */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** NAL units dropped because they exceeded the size cap. */
    public long oversizeNalUnits() {
        return oversizeNalUnits;
    }

    /** NAL units dropped because they were empty or had the forbidden_zero_bit set. */
    public long invalidNalUnits() {
        return invalidNalUnits;
    }

    /** Bytes the reader holds for the NAL unit in progress (its buffer's capacity); never above the cap. */
    int bufferCapacity() {
        return buffer.length;
    }

    private void append(byte[] src, int from, int count) {
        if (count <= 0) return;
        if (!started) {
            skippedBytes += count;
            return;
        }
        if (dropping) return;
        if (!ensureRoom(count)) return;
        System.arraycopy(src, from, buffer, length, count);
        length += count;
    }

    private void appendZeros(long count) {
        if (!started) {
            skippedBytes += count;
            return;
        }
        if (dropping) return;
        if (!ensureRoom(count)) return;
        Arrays.fill(buffer, length, length + (int) count, (byte) 0);
        length += (int) count;
    }

    /** Makes room for {@code count} more bytes, or starts dropping the NAL unit if over the cap. */
    private boolean ensureRoom(long count) {
        if (length + count > maxNalSize) {
            dropping = true;
            length = 0;
            oversizeNalUnits++;
            return false;
        }
        if (length + count > buffer.length) {
            int size = (int) Math.min(maxNalSize, Math.max((long) buffer.length * 2, (long) length + count));
            buffer = Arrays.copyOf(buffer, size);
        }
        return true;
    }

    private void endNalUnit() {
        if (dropping) {
            dropping = false;
            length = 0;
            return;
        }
        if (length == 0) {
            // Two start codes in a row: legal in garbage only, but harmless.
            invalidNalUnits++;
            return;
        }
        int size = length;
        length = 0;
        if ((buffer[0] & 0x80) != 0) {
            invalidNalUnits++;
            return;
        }
        nalUnits++;
        listener.accept(NalUnit.wrap(Arrays.copyOf(buffer, size), 0, size));
    }
}
