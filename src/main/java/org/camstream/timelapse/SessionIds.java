package org.camstream.timelapse;

import java.time.Instant;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * The names of sessions, which are also the names of their directories: made by the server, never taken from a
 * request, and every name a request brings is checked against one fixed pattern before it comes near a path. A
 * name is {@code 2026-12-07T10-15-30} (when it started, in the server's zone; {@code -2} … {@code -99} after it
 * when two start within a second) or {@code continuous-2026-12-07} (the one that runs all day). Only ASCII
 * digits, letters of "continuous", {@code T} and {@code -}: no dot, slash, percent sign or anything else that
 * could lead out of the session's directory, however it was encoded.
 */
public final class SessionIds {

    static final String CONTINUOUS_PREFIX = "continuous-";
    /** At most this many sessions may start within one second of a camera; the next one is refused. */
    static final int MAX_SAME_SECOND = 99;
    private static final Pattern ID = Pattern.compile(
            "\\d{4}-\\d{2}-\\d{2}T\\d{2}-\\d{2}-\\d{2}(?:-[1-9]\\d?)?|continuous-\\d{4}-\\d{2}-\\d{2}");
    /** What camera names are: the settings allow no other (see Setting.NAME). */
    private static final Pattern CAMERA = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    private static final DateTimeFormatter MANUAL = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH-mm-ss");
    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("yyyy-MM-dd");

    private SessionIds() {
    }

    /** Whether {@code id} is a session name: the whole pattern, and a real date and time. */
    public static boolean valid(String id) {
        if (id == null || id.length() > 32 || !ID.matcher(id).matches()) {
            return false;
        }
        try {
            if (id.startsWith(CONTINUOUS_PREFIX)) {
                LocalDate.parse(id.substring(CONTINUOUS_PREFIX.length()), DAY);
            } else {
                LocalDateTime.parse(id.substring(0, 19), MANUAL);
            }
            return true;
        } catch (DateTimeParseException e) {
            return false;
        }
    }

    /** Whether {@code name} can be a camera's directory: the names the settings allow. */
    public static boolean validCamera(String name) {
        return name != null && CAMERA.matcher(name).matches();
    }

    public static boolean isContinuous(String id) {
        return id.startsWith(CONTINUOUS_PREFIX);
    }

    /** The continuous session of the day {@code now} falls on in {@code zone}. */
    static String continuous(Instant now, ZoneId zone) {
        return CONTINUOUS_PREFIX + DAY.format(LocalDate.ofInstant(now, zone));
    }

    /**
     * A new name for a session starting {@code now}: its time, with a suffix when {@code taken} already has that
     * one; null when {@value #MAX_SAME_SECOND} have started in this second already.
     */
    static String manual(Instant now, ZoneId zone, Predicate<String> taken) {
        String base = MANUAL.format(LocalDateTime.ofInstant(now, zone));
        if (!taken.test(base)) {
            return base;
        }
        for (int n = 2; n <= MAX_SAME_SECOND; n++) {
            String id = base + "-" + n;
            if (!taken.test(id)) {
                return id;
            }
        }
        return null;
    }

    /** When a session of that name started, for a session found without its metadata; null if unknown. */
    static Instant startOf(String id, ZoneId zone) {
        try {
            if (isContinuous(id)) {
                return LocalDate.parse(id.substring(CONTINUOUS_PREFIX.length()), DAY).atStartOfDay(zone).toInstant();
            }
            return LocalDateTime.parse(id.substring(0, 19), MANUAL).atZone(zone).toInstant();
        } catch (DateTimeParseException | IndexOutOfBoundsException e) {
            return null;
        }
    }
}
