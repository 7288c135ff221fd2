package org.camstream.codec.h264;

/**
 * Remembers the latest SPS and PPS of a stream, so that a viewer who joins between two IDR
 * pictures of a stream that sent its parameter sets only once can still be given them first.
 *
 * <p>Keeps one SPS and one PPS: the latest of each, whatever its id. Cameras use a single pair;
 * a stream that switches between several ids is not supported. An SPS that does not parse is
 * counted and ignored, so a damaged copy never replaces a good one.
 *
 * <p>Thread-safe: one thread updates while others read a consistent pair through
 * {@link #snapshot()}.
 */
public final class ParameterSetCache {
    /** A consistent view of the cache: SPS and PPS as they were at one moment. */
    public record Snapshot(Sps sps, NalUnit pps, long version) {
        /** True when both an SPS and a PPS are known, so a decoder can be configured. */
        public boolean isComplete() {
            return sps != null && pps != null;
        }
    }

    private volatile Snapshot snapshot = new Snapshot(null, null, 0);
    private long malformedSps;

    /**
     * Looks at one NAL unit of the stream; everything but SPS and PPS is ignored. Returns true when
     * the NAL unit changed the cached parameter sets (a different SPS or PPS, byte for byte): an
     * init segment or decoder configuration made from the old ones is then stale. A repeat of the
     * cached bytes returns false.
     */
    public synchronized boolean update(NalUnit nal) {
        Snapshot current = snapshot;
        int type = nal.type();
        if (type == NalUnit.SPS) {
            if (current.sps() != null && current.sps().nal().equals(nal)) return false;
            Sps sps;
            try {
                sps = SpsParser.parse(nal);
            } catch (IllegalArgumentException e) {
                malformedSps++;
                return false;
            }
            snapshot = new Snapshot(sps, current.pps(), current.version() + 1);
            return true;
        }
        if (type == NalUnit.PPS) {
            if (nal.equals(current.pps())) return false;
            snapshot = new Snapshot(current.sps(), nal, current.version() + 1);
            return true;
        }
        return false;
    }

    /** {@link #update(NalUnit)} for each NAL unit of {@code au}; true if any changed the cache. */
    public boolean update(AccessUnit au) {
        boolean changed = false;
        for (NalUnit nal : au.nalUnits()) {
            int type = nal.type();
            if (type == NalUnit.SPS || type == NalUnit.PPS) changed |= update(nal);
        }
        return changed;
    }

    public Snapshot snapshot() {
        return snapshot;
    }

    /** The latest valid SPS, or null. */
    public Sps sps() {
        return snapshot.sps();
    }

    /** The latest PPS, or null. */
    public NalUnit pps() {
        return snapshot.pps();
    }

    /** SPS NAL units that failed to parse and were ignored. */
    public synchronized long malformedSps() {
        return malformedSps;
    }
}
