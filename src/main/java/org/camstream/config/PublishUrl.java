package org.camstream.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * One relay camstream publishes to, from the {@code publish} setting: an {@code rtmp://}, {@code rtmps://},
 * {@code rtsp://} or {@code srt://} URL, checked strictly, because it ends up on ffmpeg's command line (as one
 * argument, never through a shell) and in what camstream shows.
 *
 * <p>What is secret in such a URL, and so never shown: the password of its user info; the value of every query
 * parameter (SRT's {@code passphrase} and {@code streamid}, the tokens nginx-rtmp's {@code on_publish} and SRS
 * check); and for RTMP the stream name, the path after the application, because for YouTube, Twitch and most
 * services that name is the stream key, which lets whoever has it publish to the channel. camstream cannot tell
 * a key from a plain name, so it hides both. An RTSP path stays visible: it is the name readers use, and RTSP
 * servers such as MediaMTX authenticate with the user info instead.
 *
 * @param url the URL exactly as configured, for ffmpeg only
 * @param scheme rtmp, rtmps, rtsp or srt
 */
public record PublishUrl(String url, String scheme, String host, String masked, List<String> secrets) {

    /** At most this many relays: each costs an ffmpeg process and a copy of the stream's bandwidth. */
    public static final int MAX_URLS = 4;
    /** Longer URLs are refused; ffmpeg and the relays have limits of their own around here. */
    public static final int MAX_LENGTH = 1024;
    static final List<String> SCHEMES = List.of("rtmp", "rtmps", "rtsp", "srt");
    /**
     * A stream key or query value shorter than this is hidden wherever this URL is written whole (camstream's
     * own text, and ffmpeg's messages, which quote it), but not wherever the word occurs: a stream named
     * {@code camera} would otherwise be masked in every log line. The keys of streaming services are longer.
     */
    private static final int MIN_REMEMBERED_LENGTH = 12;

    public PublishUrl {
        secrets = List.copyOf(secrets);
    }

    /** How this URL is shown: in the status, on the admin page, in logs and errors. */
    @Override
    public String toString() {
        return masked;
    }

    /**
     * The URLs of a comma-separated list; empty for an empty value. A comma inside a URL must be written
     * {@code %2C}.
     *
     * @throws IllegalArgumentException with the rule the value breaks, without the value itself
     */
    public static List<PublishUrl> parseList(String value) {
        List<PublishUrl> urls = new ArrayList<>();
        if (value.length() > MAX_URLS * (MAX_LENGTH + 1)) {
            throw new IllegalArgumentException("must be at most " + MAX_URLS + " URLs of at most " + MAX_LENGTH
                    + " characters");
        }
        for (String part : value.split(",", -1)) {
            String trimmed = part.strip();
            if (trimmed.isEmpty()) {
                if (value.isBlank()) {
                    continue;
                }
                throw new IllegalArgumentException("must be URLs separated by single commas, with none empty");
            }
            PublishUrl url = parse(trimmed);
            for (PublishUrl earlier : urls) {
                if (earlier.url.equals(url.url)) {
                    throw new IllegalArgumentException("lists " + url.masked + " twice");
                }
            }
            urls.add(url);
            if (urls.size() > MAX_URLS) {
                throw new IllegalArgumentException("must be at most " + MAX_URLS + " URLs");
            }
        }
        return List.copyOf(urls);
    }

    /** @throws IllegalArgumentException with the rule the URL breaks, without the URL itself */
    public static PublishUrl parse(String url) {
        if (url.length() > MAX_LENGTH) {
            throw new IllegalArgumentException("must be URLs of at most " + MAX_LENGTH + " characters");
        }
        for (int i = 0; i < url.length(); i++) {
            char c = url.charAt(i);
            // Printable ASCII only: no spaces, control characters or line breaks can reach a command line or a
            // log. Anything else must be percent-encoded.
            if (c <= 0x20 || c >= 0x7F) {
                throw new IllegalArgumentException("must not contain spaces, control or non-ASCII characters"
                        + " (percent-encode them)");
            }
        }
        int separator = url.indexOf("://");
        String scheme = separator < 0 ? "" : url.substring(0, separator);
        if (!SCHEMES.contains(scheme)) {
            throw new IllegalArgumentException("must be rtmp://, rtmps://, rtsp:// or srt:// URLs");
        }
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("must be a valid URL: " + e.getReason());
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            throw new IllegalArgumentException("must name a host, such as " + scheme + "://relay.example:"
                    + defaultPort(scheme) + "/...");
        }
        if (uri.getPort() == 0 || uri.getPort() > 65535) {
            throw new IllegalArgumentException("must have a port from 1 to 65535");
        }
        if (uri.getRawFragment() != null) {
            throw new IllegalArgumentException("must not have a #fragment");
        }
        String path = uri.getRawPath() == null ? "" : uri.getRawPath();
        List<String> segments = new ArrayList<>();
        for (String segment : path.split("/")) {
            if (!segment.isEmpty()) {
                segments.add(segment);
            }
        }
        boolean rtmp = scheme.startsWith("rtmp");
        if (rtmp && segments.size() < 2) {
            throw new IllegalArgumentException("must name an application and a stream for RTMP, such as "
                    + scheme + "://" + host + "/live/camera");
        }
        if (scheme.equals("rtsp") && segments.isEmpty()) {
            throw new IllegalArgumentException("must name a path for RTSP, such as rtsp://" + host + ":8554/camera");
        }
        if (scheme.equals("srt") && (!segments.isEmpty() || uri.getRawUserInfo() != null)) {
            throw new IllegalArgumentException("must carry everything but the host in the query for SRT, such as"
                    + " srt://" + host + ":8890?streamid=publish:camera");
        }
        if (segments.stream().anyMatch(s -> s.equals("..") || s.equals("."))) {
            throw new IllegalArgumentException("must not have . or .. in its path");
        }

        List<String> secrets = new ArrayList<>();
        StringBuilder masked = new StringBuilder(scheme).append("://");
        String userInfo = uri.getRawUserInfo();
        if (userInfo != null) {
            int colon = userInfo.indexOf(':');
            if (colon >= 0) {
                masked.append(userInfo, 0, colon + 1).append(Secrets.MASK);
                remember(secrets, userInfo.substring(colon + 1), Secrets.MIN_LITERAL_LENGTH);
            } else {
                masked.append(userInfo);
            }
            masked.append('@');
        }
        masked.append(uri.getRawAuthority().substring(userInfo == null ? 0 : userInfo.length() + 1));
        if (rtmp) {
            // The application is shown; what follows it is the stream name or key.
            masked.append('/').append(segments.get(0)).append('/').append(Secrets.MASK);
            remember(secrets, path.substring(path.indexOf(segments.get(0)) + segments.get(0).length() + 1),
                    MIN_REMEMBERED_LENGTH);
            for (String segment : segments.subList(1, segments.size())) {
                remember(secrets, segment, MIN_REMEMBERED_LENGTH);
            }
        } else {
            masked.append(path);
        }
        String query = uri.getRawQuery();
        if (query != null) {
            masked.append('?');
            String[] parameters = query.split("&", -1);
            for (int i = 0; i < parameters.length; i++) {
                int equals = parameters[i].indexOf('=');
                String name = equals < 0 ? parameters[i] : parameters[i].substring(0, equals);
                masked.append(i == 0 ? "" : "&").append(name);
                if (equals >= 0) {
                    masked.append('=').append(Secrets.MASK);
                    String value = parameters[i].substring(equals + 1);
                    remember(secrets, value, MIN_REMEMBERED_LENGTH);
                    // MediaMTX's SRT streamid is action:path:user:pass; the password may appear on its own.
                    String[] parts = value.split(":");
                    if (parts.length >= 4) {
                        remember(secrets, parts[parts.length - 1], Secrets.MIN_LITERAL_LENGTH);
                    }
                }
            }
        }
        return new PublishUrl(url, scheme, host, masked.toString(), secrets);
    }

    /**
     * The text with this URL, written whole, shown as {@link #masked}, and this URL's secrets masked wherever
     * they occur, then {@link Secrets#mask}: for what ffmpeg prints about the URL. Unlike {@link Secrets}'
     * memory, which forgets the oldest, it holds for as long as the URL is published to.
     */
    public String mask(String text) {
        if (text == null) {
            return null;
        }
        String masked = text.replace(url, this.masked);
        for (String secret : secrets) {
            masked = masked.replace(secret, Secrets.MASK);
        }
        return Secrets.mask(masked);
    }

    /** The ffmpeg output format for this URL's protocol. */
    public String format() {
        switch (scheme) {
            case "rtmp":
            case "rtmps":
                return "flv";
            case "rtsp":
                return "rtsp";
            default:
                return "mpegts";
        }
    }

    private static void remember(List<String> secrets, String secret, int minLength) {
        if (secret.length() >= minLength && !secrets.contains(secret)) {
            secrets.add(secret);
            String decoded = decoded(secret);
            if (!decoded.equals(secret) && decoded.length() >= minLength) {
                secrets.add(decoded);
            }
        }
    }

    private static String decoded(String text) {
        try {
            return java.net.URLDecoder.decode(text.replace("+", "%2B"), java.nio.charset.StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return text;
        }
    }

    private static int defaultPort(String scheme) {
        return switch (scheme.toLowerCase(Locale.ROOT)) {
            case "rtmp" -> 1935;
            case "rtmps" -> 443;
            case "rtsp" -> 8554;
            default -> 8890;
        };
    }
}
