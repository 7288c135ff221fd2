package org.camstream.hls;

/**
 * What a playlist request asks for: the current version, or (blocking playlist reload, RFC 8216bis 6.2.5.2)
 * the first version that holds segment {@code _HLS_msn}, or part {@code _HLS_part} of it.
 *
 * @param msn the requested media sequence number, or -1 for the current playlist
 * @param part the requested part index, or -1 for the whole segment
 */
public record PlaylistQuery(long msn, int part) {

    public static final PlaylistQuery CURRENT = new PlaylistQuery(-1, -1);

    /**
     * The complete segments a playlist holds before it answers a request for the current version, at the start
     * of a run: three target durations, where RFC 8216bis 6.3.3 lets a player start, so that a player can start
     * there. Chromium's own HLS player (which plays the page's HLS mode in desktop Chrome) starts at the third
     * segment from the end, and when the playlist had fewer, it had fetched every segment listed before it began
     * to play, found none after them when it reloaded, and gave up with DEMUXER_ERROR_COULD_NOT_PARSE ("Segment
     * queue never had any data"): the first viewer of a run failed two or three times before a picture.
     */
    public static final int START_SEGMENTS = 3;

    /** Thrown for a request the spec answers with 400; the message says why. */
    public static final class BadRequest extends Exception {
        public BadRequest(String message) {
            super(message, null, false, false);
        }
    }

    /** From the query parameters, which may be null. Other parameters (a cache-buster) are ignored. */
    public static PlaylistQuery parse(String msn, String part) throws BadRequest {
        if (msn == null) {
            if (part != null) {
                throw new BadRequest("_HLS_part needs _HLS_msn");
            }
            return CURRENT;
        }
        long m = number("_HLS_msn", msn, Long.MAX_VALUE / 2);
        int p = part == null ? -1 : (int) number("_HLS_part", part, Integer.MAX_VALUE);
        return new PlaylistQuery(m, p);
    }

    private static long number(String name, String text, long max) throws BadRequest {
        if (text.isEmpty() || text.length() > 18 || !text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            throw new BadRequest(name + " must be a whole number, got '" + shorten(text) + "'");
        }
        long value = Long.parseLong(text);
        if (value > max) {
            throw new BadRequest(name + " is too large");
        }
        return value;
    }

    private static String shorten(String text) {
        return text.length() > 20 ? text.substring(0, 20) + "…" : text;
    }

    public boolean blocking() {
        return msn >= 0;
    }

    /**
     * The spec's 400 for a request too far ahead of {@code snapshot}: a segment more than two after the last
     * one, or a part further than the Advance Part Limit beyond the last part. Null when in range.
     */
    public String outOfRange(HlsSnapshot snapshot) {
        if (!blocking()) {
            return null;
        }
        HlsSegment live = snapshot.liveSegment();
        long lastMsn = live == null ? -1 : live.msn();
        if (msn > lastMsn + 2) {
            return "_HLS_msn=" + msn + " is more than two segments after the last one (" + lastMsn + ")";
        }
        if (part < 0) {
            return null;
        }
        double ahead = live == null || msn > lastMsn ? part + 1 : part - live.lastPart().indexInSegment();
        double limit = snapshot.plan().advancePartLimit();
        if (ahead > limit) {
            return "_HLS_part=" + part + " of segment " + msn + " is more than " + (int) limit
                    + " parts after the last one";
        }
        return null;
    }

    /** Whether {@code snapshot} answers this request. */
    public boolean satisfiedBy(HlsSnapshot snapshot) {
        if (!blocking()) {
            return snapshot.closedSegments() >= START_SEGMENTS;
        }
        return part < 0 ? snapshot.hasSegment(msn) : snapshot.hasPart(msn, part);
    }

    @Override
    public String toString() {
        return !blocking() ? "the current playlist" : part < 0 ? "segment " + msn : "part " + part + " of segment " + msn;
    }
}
