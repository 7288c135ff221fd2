package org.camstream.hls;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The names of a run's files, relative to {@code /hls/}. Each carries the run's id, so that a cache never
 * mixes two runs, and a number that is never reused within the run, so that a name always means the same
 * bytes: they can be cached for a year.
 */
public final class HlsNames {

    public static final String PLAYLIST = "index.m3u8";
    private static final Pattern MEDIA = Pattern.compile("([0-9a-z]{1,32})/(init|seg|part)-(\\d{1,18})\\.(mp4|m4s)");

    /** A parsed media name. */
    public record Media(String runId, Kind kind, long number) {
    }

    public enum Kind { INIT, SEGMENT, PART }

    private HlsNames() {
    }

    static String init(String runId, long generation) {
        return runId + "/init-" + generation + ".mp4";
    }

    static String segment(String runId, long msn) {
        return runId + "/seg-" + msn + ".m4s";
    }

    static String part(String runId, long index) {
        return runId + "/part-" + index + ".m4s";
    }

    /** The media file a path below {@code /hls/} names, or null when it names none. */
    public static Media parse(String path) {
        Matcher m = MEDIA.matcher(path);
        if (!m.matches()) {
            return null;
        }
        Kind kind = switch (m.group(2)) {
            case "init" -> Kind.INIT;
            case "seg" -> Kind.SEGMENT;
            default -> Kind.PART;
        };
        if ((kind == Kind.INIT) != m.group(4).equals("mp4")) {
            return null;
        }
        return new Media(m.group(1), kind, Long.parseLong(m.group(3)));
    }
}
