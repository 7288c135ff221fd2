package org.camstream.rtsp;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a request URI names: a camera ({@code rtsp://host:8554/garden}, or the first camera at
 * {@code rtsp://host:8554/}) and, for SETUP, one of its tracks ({@code …/garden/trackID=1}), as the SDP's
 * {@code control} attributes give them. A query string is ignored, as NVRs append their own.
 */
record RtspPath(String camera, int track) {

    /** No track: the whole presentation. */
    static final int AGGREGATE = -1;
    static final int VIDEO = 0;
    static final int AUDIO = 1;

    private static final Pattern URI = Pattern.compile("(?:rtsps?://[^/]*)?(/[^?#]*)?(?:[?#].*)?",
            Pattern.CASE_INSENSITIVE);
    private static final Pattern PATH = Pattern.compile("/*(?:([a-z0-9][a-z0-9-]{0,31})/*)?(?:trackID=([01])/*)?");

    /** @return the path, or null when the URI names nothing camstream has (the caller answers 404) */
    static RtspPath parse(String uri) {
        Matcher m = URI.matcher(uri);
        if (!m.matches()) {
            return null;
        }
        String path = m.group(1) == null ? "/" : m.group(1);
        Matcher p = PATH.matcher(path);
        if (!p.matches()) {
            return null;
        }
        return new RtspPath(p.group(1), p.group(2) == null ? AGGREGATE : Integer.parseInt(p.group(2)));
    }
}
