package org.camstream.codec.h264;

import java.util.ArrayList;
import java.util.Objects;
import java.util.function.Consumer;

/**
 * Groups NAL units into access units (H.264 7.4.1.2.3), for streams that do not frame pictures
 * themselves, such as Annex B.
 *
 * <p>A new access unit starts at an access unit delimiter; at an SEI, SPS, PPS or NAL unit of type
 * 14 to 18 that follows a slice; and at a slice with first_mb_in_slice 0 that follows a slice. As
 * the end of a picture only shows when the next one starts, an access unit is emitted one NAL
 * unit late, unless the caller knows better and calls {@link #endOfAccessUnit()}.
 *
 * <p>Access unit delimiters are dropped: the boundary they mark is the AccessUnit object itself,
 * and MP4 samples must not contain them, so no consumer wants them. Only access units with at
 * least one slice are emitted; NAL units seen before any slice (a stream joined mid-picture, or
 * parameter sets sent in a packet of their own) are carried into the next access unit.
 *
 * <p>Bounded: the assembler holds the NAL units of one access unit at most, never more of them than
 * {@code maxNalUnits} (512 by default) nor more bytes than {@code maxBytes} (4 MB by default), counting
 * the NAL units carried over from before its first slice. An access unit that would go over a cap is
 * dropped whole and counted, and so are the NAL units that follow until it ends; NAL units carried over
 * from before a slice that go over a cap are dropped with the picture they would have joined.
 *
 * <p>Never throws on bad input. An exception thrown by the listener comes out of the call that
 * emitted the access unit, with the assembler already past it: the access unit counts as handed out,
 * and the NAL unit that ended it is kept for the next one. Not thread-safe.
 */
public final class AccessUnitAssembler implements Consumer<NalUnit> {
    public static final int DEFAULT_MAX_NAL_UNITS = 512;
    public static final int DEFAULT_MAX_BYTES = 4 * 1024 * 1024;

    private final Consumer<AccessUnit> listener;
    private final int maxNalUnits;
    private final int maxBytes;

    private final ArrayList<NalUnit> pending = new ArrayList<>();
    private int pendingBytes;
    private boolean hasSlice;
    private boolean dropping; // the current access unit went over a cap; skip it to its end

    private long accessUnits;
    private long droppedAccessUnits;
    private long discardedNalUnits;

    public AccessUnitAssembler(Consumer<AccessUnit> listener) {
        this(listener, DEFAULT_MAX_NAL_UNITS, DEFAULT_MAX_BYTES);
    }

    public AccessUnitAssembler(Consumer<AccessUnit> listener, int maxNalUnits, int maxBytes) {
        if (maxNalUnits < 1 || maxBytes < 1) {
            throw new IllegalArgumentException("caps must be positive: " + maxNalUnits + ", " + maxBytes);
        }
        this.listener = Objects.requireNonNull(listener, "listener");
        this.maxNalUnits = maxNalUnits;
        this.maxBytes = maxBytes;
    }

    /** Takes the next NAL unit of the stream. */
    @Override
    public void accept(NalUnit nal) {
        int type = nal.type();
        if (type == NalUnit.AUD) {
            endOfAccessUnit();
            return;
        }
        RuntimeException listenerFailure = null;
        if (hasSlice && startsAccessUnit(nal, type)) {
            try {
                endOfAccessUnit();
            } catch (RuntimeException e) {
                // The listener failed on the access unit before; this NAL unit starts the next one and
                // must not be lost with it. The caller hears of the failure once it is kept.
                listenerFailure = e;
            }
        }
        add(nal);
        if (listenerFailure != null) throw listenerFailure;
    }

    private void add(NalUnit nal) {
        if (nal.isVcl()) hasSlice = true;
        if (dropping) return;
        if (pending.size() >= maxNalUnits || pendingBytes > maxBytes - nal.size()) {
            droppedAccessUnits++;
            clearPending();
            dropping = true;
            return;
        }
        pending.add(nal);
        pendingBytes += nal.size();
    }

    /**
     * Ends the pending access unit early if the next NAL unit, of which only the first bytes have arrived,
     * will start a new one. A live reader calls this after each read with the start of the NAL unit still
     * being received, so that a picture is handed on as soon as the next one begins to arrive instead of
     * when the next one is complete.
     */
    public void lookAhead(NalUnit nextPrefix) {
        int type = nextPrefix.type();
        if (type == NalUnit.AUD || (hasSlice && startsAccessUnit(nextPrefix, type))) {
            endOfAccessUnit();
        }
    }

    /**
     * Declares the current access unit complete and emits it now, without waiting for the next
     * one to start: for callers whose container already frames access units.
     */
    public void endOfAccessUnit() {
        if (dropping) {
            dropping = false;
            hasSlice = false;
            return;
        }
        if (!hasSlice) return; // nothing to show yet: keep the NAL units for the next picture
        AccessUnit au = AccessUnit.wrap(pending.toArray(new NalUnit[0]));
        clearPending();
        hasSlice = false;
        accessUnits++;
        listener.accept(au);
    }

    /** End of stream: emits the pending access unit, and discards NAL units that lack a picture. */
    public void flush() {
        endOfAccessUnit();
        discardedNalUnits += pending.size();
        clearPending();
        hasSlice = false;
        dropping = false;
    }

    /** Access units handed to the listener. */
    public long accessUnits() {
        return accessUnits;
    }

    /** Access units dropped for exceeding a cap. */
    public long droppedAccessUnits() {
        return droppedAccessUnits;
    }

    /** NAL units thrown away at {@link #flush()} for want of a picture to go with. */
    public long discardedNalUnits() {
        return discardedNalUnits;
    }

    /** NAL units held for the access unit in progress; never more than the cap. */
    int pendingNalUnits() {
        return pending.size();
    }

    /** Bytes of the NAL units held for the access unit in progress; never more than the cap. */
    int pendingBytes() {
        return pendingBytes;
    }

    private static boolean startsAccessUnit(NalUnit nal, int type) {
        switch (type) {
            case NalUnit.SEI: case NalUnit.SPS: case NalUnit.PPS:
            case 14: case 15: case 16: case 17: case 18:
                return true;
            case NalUnit.SLICE: case NalUnit.SLICE_DATA_PARTITION_A: case NalUnit.IDR:
                return SliceHeader.firstMbInSlice(nal) == 0;
            default:
                return false;
        }
    }

    private void clearPending() {
        pending.clear();
        pendingBytes = 0;
    }
}
