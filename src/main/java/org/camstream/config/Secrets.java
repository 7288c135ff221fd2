package org.camstream.config;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;

/**
 * Masks secrets in text that leaves the admin's own settings API: status documents, pages, logs, error
 * messages and a process's recent output. The password of any URL's user info becomes {@code ***}
 * ({@code rtsp://user:***@host/x}), and so does every password camstream was configured with, wherever it
 * appears, because programs such as ffmpeg also print them decoded or on their own.
 *
 * <p>Bounded: it remembers the secrets of the last {@value #MAX_REMEMBERED} settings' worth of passwords,
 * forgetting the oldest first.
 */
public final class Secrets {

    public static final String MASK = "***";
    private static final int MAX_REMEMBERED = 64;
    /** Shorter strings would be masked wherever they happen to occur; URL passwords are masked by position anyway. */
    static final int MIN_LITERAL_LENGTH = 4;

    private static final LinkedHashSet<String> REMEMBERED = new LinkedHashSet<>();
    private static volatile List<String> literals = List.of();
    /** Each relay URL, written whole, and how it is shown instead; bounded like the literals. */
    private static final LinkedHashMap<String, String> URLS = new LinkedHashMap<>();
    private static volatile List<Map.Entry<String, String>> urls = List.of();

    private Secrets() {
    }

    /**
     * Learns the passwords in these settings: the logins', the one in the input URL, and what {@link PublishUrl}
     * finds secret in each relay's URL.
     */
    static void remember(Settings settings) {
        List<String> found = new ArrayList<>();
        found.add(settings.adminPassword());
        found.add(settings.viewerPassword());
        found.add(settings.metricsToken());
        for (CameraSettings camera : settings.cameras()) {
            for (PublishUrl url : camera.publish()) {
                found.addAll(url.secrets());
            }
            rememberUrls(camera.publish());
            String password = urlPassword(camera.input());
            if (password != null) {
                found.add(password);
                try {
                    found.add(URLDecoder.decode(password, StandardCharsets.UTF_8));
                } catch (IllegalArgumentException e) {
                    // not percent-encoded after all: the raw form is remembered
                }
            }
        }
        synchronized (REMEMBERED) {
            for (String secret : found) {
                if (secret.length() >= MIN_LITERAL_LENGTH) {
                    REMEMBERED.remove(secret);
                    REMEMBERED.add(secret);
                }
            }
            while (REMEMBERED.size() > MAX_REMEMBERED) {
                REMEMBERED.remove(REMEMBERED.iterator().next());
            }
            // Longest first, so that a secret containing another is masked whole.
            List<String> sorted = new ArrayList<>(REMEMBERED);
            sorted.sort((a, b) -> b.length() - a.length());
            literals = List.copyOf(sorted);
        }
    }

    private static void rememberUrls(List<PublishUrl> publish) {
        synchronized (URLS) {
            for (PublishUrl url : publish) {
                URLS.remove(url.url());
                URLS.put(url.url(), url.masked());
            }
            while (URLS.size() > MAX_REMEMBERED) {
                URLS.remove(URLS.keySet().iterator().next());
            }
            List<Map.Entry<String, String>> sorted = new ArrayList<>();
            for (Map.Entry<String, String> entry : URLS.entrySet()) {
                sorted.add(Map.entry(entry.getKey(), entry.getValue()));
            }
            sorted.sort((a, b) -> b.getKey().length() - a.getKey().length());
            urls = List.copyOf(sorted);
        }
    }

    /**
     * The text with every URL password and every remembered secret replaced by {@value #MASK}, and every relay
     * URL written as {@link PublishUrl} shows it; null stays null.
     */
    public static String mask(String text) {
        if (text == null || text.isEmpty()) {
            return text;
        }
        String masked = text;
        // Before the URL passwords, which would change the URL so that it no longer matches.
        for (Map.Entry<String, String> url : urls) {
            if (masked.contains(url.getKey())) {
                masked = masked.replace(url.getKey(), url.getValue());
            }
        }
        masked = maskUrlPasswords(masked);
        for (String secret : literals) {
            if (masked.contains(secret)) {
                masked = masked.replace(secret, MASK);
            }
        }
        return masked;
    }

    /** Masks these strings, for lists of lines or notes. */
    public static List<String> mask(List<String> lines) {
        List<String> masked = new ArrayList<>(lines.size());
        for (String line : lines) {
            masked.add(mask(line));
        }
        return masked;
    }

    /**
     * What the admin page sends back for a URL it was shown masked: {@code rtsp://user:***@host/x}, perhaps with
     * the host or path edited, keeps the password of {@code current}. Any other value is taken as it is, so a
     * new password replaces the old one. (A password that really is {@value #MASK} cannot be set this way.)
     */
    public static String restorePassword(String edited, String current) {
        String kept = urlPassword(current);
        if (edited == null || kept == null || !MASK.equals(urlPassword(edited))) {
            return edited;
        }
        int colon = edited.indexOf(':', edited.indexOf("://") + 3);
        return edited.substring(0, colon + 1) + kept + edited.substring(colon + 1 + MASK.length());
    }

    /** {@code scheme://user:password@host} becomes {@code scheme://user:***@host}, for every URL in the text. */
    static String maskUrlPasswords(String text) {
        int from = 0;
        StringBuilder out = null;
        int copied = 0;
        while (true) {
            int separator = text.indexOf("://", from);
            if (separator < 0) {
                break;
            }
            int authorityStart = separator + 3;
            from = authorityStart;
            if (!hasScheme(text, separator)) {
                continue;
            }
            int authorityEnd = authorityStart;
            while (authorityEnd < text.length() && !endsAuthority(text.charAt(authorityEnd))) {
                authorityEnd++;
            }
            int at = text.lastIndexOf('@', authorityEnd - 1);
            if (at < authorityStart) {
                continue;
            }
            int colon = text.indexOf(':', authorityStart);
            if (colon < 0 || colon > at) {
                continue; // a user name alone is no secret
            }
            if (out == null) {
                out = new StringBuilder(text.length());
            }
            out.append(text, copied, colon + 1).append(MASK);
            copied = at;
            from = authorityEnd;
        }
        if (out == null) {
            return text;
        }
        return out.append(text, copied, text.length()).toString();
    }

    /** Whether a URL's user info holds a password. */
    public static boolean hasUrlPassword(String url) {
        return urlPassword(url) != null;
    }

    /** The password in a URL's user info, or null. */
    static String urlPassword(String url) {
        if (url == null) {
            return null;
        }
        int separator = url.indexOf("://");
        if (separator < 0 || !hasScheme(url, separator)) {
            return null;
        }
        int start = separator + 3;
        int end = start;
        while (end < url.length() && !endsAuthority(url.charAt(end))) {
            end++;
        }
        int at = url.lastIndexOf('@', end - 1);
        int colon = url.indexOf(':', start);
        if (at < start || colon < 0 || colon > at) {
            return null;
        }
        return url.substring(colon + 1, at);
    }

    private static boolean hasScheme(String text, int separator) {
        int start = separator;
        while (start > 0 && isSchemeChar(text.charAt(start - 1))) {
            start--;
        }
        return start < separator && Character.isLetter(text.charAt(start));
    }

    private static boolean isSchemeChar(char c) {
        return c < 128 && (Character.isLetterOrDigit(c) || c == '+' || c == '-' || c == '.');
    }

    private static boolean endsAuthority(char c) {
        return c == '/' || c == '?' || c == '#' || c == '"' || c == '\'' || Character.isWhitespace(c);
    }
}
