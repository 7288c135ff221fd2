package org.camstream.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Turns raw setting values into {@link Settings}, checking each against its rule, and deciding which cameras
 * there are: those {@code cameras} names, in its order; without it, the camera of the flat settings (when any
 * is set, or when there is nothing else) followed by every {@code camera.<name>.*} section, by name.
 */
final class SettingsParser {

    static final int MIN_SIZE = 64;
    static final int MAX_SIZE = 4096;
    /** Cameras one server runs at most; each costs its processes and up to its GOP caches (see docs/limits.md). */
    static final int MAX_CAMERAS = 16;

    /** The settings, and which camera the flat ones describe (null for none). */
    record Parsed(Settings settings, String flatCamera) {
    }

    private SettingsParser() {
    }

    static Parsed parse(Map<SettingKey, ResolvedSettings.Value> values) {
        return parse(values, null);
    }

    /** @param changed the camera a change is about, or null: a conflict over a device is blamed on it */
    static Parsed parse(Map<SettingKey, ResolvedSettings.Value> values, String changed) {
        Reader r = new Reader(values, null);
        String flatName = r.cameraName(Setting.NAME);
        boolean flatSet = false;
        Set<String> sections = new TreeSet<>();
        for (Map.Entry<SettingKey, ResolvedSettings.Value> entry : values.entrySet()) {
            SettingKey key = entry.getKey();
            if (entry.getValue().isDefault()) {
                continue;
            }
            if (key.camera() == null) {
                flatSet |= key.setting().flatIsCamera() || key.setting() == Setting.NAME;
            } else if (key.setting().flatIsCamera() || !key.camera().equals(flatName)) {
                sections.add(key.camera());
            } else {
                flatSet = true; // the flat settings' camera's own cap, camera.main.max-viewers
            }
        }
        List<String> names = new ArrayList<>();
        String listed = r.raw(Setting.CAMERAS).trim();
        boolean flatExists;
        if (!listed.isEmpty()) {
            for (String name : listed.split(",")) {
                String trimmed = name.trim();
                if (!SettingKey.isCameraName(trimmed)) {
                    throw r.invalid(Setting.CAMERAS, "must be camera names, comma-separated; each "
                            + SettingKey.CAMERA_NAME_RULE);
                }
                if (names.contains(trimmed)) {
                    throw r.invalid(Setting.CAMERAS, "names camera " + trimmed + " twice");
                }
                names.add(trimmed);
            }
            flatExists = names.contains(flatName);
        } else {
            flatExists = flatSet || sections.isEmpty();
            if (flatExists) {
                names.add(flatName);
            }
            for (String section : sections) {
                if (!section.equals(flatName)) {
                    names.add(section);
                }
            }
        }
        if (flatExists && sections.contains(flatName)) {
            throw new SettingsException("camera " + flatName + " is described twice, by the flat settings and by "
                    + "camera." + flatName + ".*; use one, or give the flat settings' camera another name with name=");
        }
        if (names.size() > MAX_CAMERAS) {
            throw r.invalid(Setting.CAMERAS, "must name at most " + MAX_CAMERAS + " cameras");
        }
        int maxViewers = r.integer(Setting.MAX_VIEWERS, 1, 10_000);
        List<CameraSettings> cameras = new ArrayList<>();
        for (String name : names) {
            boolean flat = flatExists && name.equals(flatName);
            cameras.add(camera(new Reader(values, flat ? null : name), name, maxViewers, values));
        }
        DeviceOwners.check(cameras, values.keySet(), changed);
        Settings settings = Settings.builder()
                .port(r.integer(Setting.PORT, 0, 65535))
                .bind(r.text(Setting.BIND))
                .https(r.integer(Setting.HTTPS_PORT, 0, 65535), tlsFile(r, Setting.TLS_CERT),
                        tlsFile(r, Setting.TLS_KEY), r.bool(Setting.HTTPS_REDIRECT))
                .allowedOrigins(r.origins(Setting.ALLOWED_ORIGINS))
                .corsOrigins(r.raw(Setting.CORS_ORIGINS).trim().equals("*") ? List.of("*") : r.origins(Setting.CORS_ORIGINS))
                .adminLogin(r.userName(Setting.ADMIN_USER, false), r.raw(Setting.ADMIN_PASSWORD))
                .viewerAuth(r.bool(Setting.VIEWER_AUTH))
                .viewerLogin(r.userName(Setting.VIEWER_USER, true), r.raw(Setting.VIEWER_PASSWORD))
                .metricsToken(metricsToken(r))
                .maxViewers(maxViewers)
                .idleStop(r.seconds(Setting.IDLE_STOP, 0, 3600))
                .viewerTimeout(r.seconds(Setting.VIEWER_TIMEOUT, 1, 300))
                .dataDir(expandHome(r.text(Setting.DATA_DIR)))
                .cameras(cameras)
                .recordKeep(r.age(Setting.RECORD_KEEP))
                .recordMaxSize(r.bytes(Setting.RECORD_MAX_SIZE))
                .recordMinFree(r.bytes(Setting.RECORD_MIN_FREE))
                .timelapseKeep(r.age(Setting.TIMELAPSE_KEEP))
                .timelapseMaxSize(r.bytes(Setting.TIMELAPSE_MAX_SIZE))
                .rtsp(r.integer(Setting.RTSP_PORT, 0, 65535), rtpPort(r),
                        r.seconds(Setting.RTSP_SESSION_TIMEOUT, 2, 3600))
                .build();
        checkHttps(r, settings);
        Secrets.remember(settings);
        return new Parsed(settings, flatExists ? flatName : null);
    }

    /** A PEM file of https-port's; null when the setting is empty. Whether it can be read is the server's check. */
    private static Path tlsFile(Reader r, Setting setting) {
        String value = r.raw(setting).trim();
        return value.isEmpty() ? null : expandHome(value);
    }

    /** HTTPS needs both PEM files and a port of its own; the redirect needs HTTPS. */
    private static void checkHttps(Reader r, Settings settings) {
        int port = settings.httpsPort();
        if (port == 0) {
            if (settings.httpsRedirect()) {
                throw r.invalid(Setting.HTTPS_REDIRECT, "needs https-port: without HTTPS there is nothing to redirect to");
            }
            return;
        }
        if (port == settings.port()) {
            throw r.invalid(Setting.HTTPS_PORT, "must differ from port, the HTTP port " + settings.port());
        }
        if (port == settings.rtspPort()) {
            throw r.invalid(Setting.HTTPS_PORT, "must differ from rtsp-port " + settings.rtspPort());
        }
        if (settings.tlsCert() == null) {
            throw r.invalid(Setting.TLS_CERT, "is needed for https-port: the certificate and its chain, a PEM file"
                    + " such as /etc/letsencrypt/live/<host>/fullchain.pem");
        }
        if (settings.tlsKey() == null) {
            throw r.invalid(Setting.TLS_KEY, "is needed for https-port: the private key, a PEM file such as"
                    + " /etc/letsencrypt/live/<host>/privkey.pem");
        }
    }

    /** The metrics token: visible ASCII, as it goes into a header and a query; empty for none. */
    private static String metricsToken(Reader r) {
        String token = r.raw(Setting.METRICS_TOKEN).trim();
        if (!token.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            throw r.invalid(Setting.METRICS_TOKEN, "must be printable ASCII without spaces");
        }
        return token;
    }

    /** RTP on an even port and RTCP on the next, as RFC 3550 asks; 0 for none. */
    private static int rtpPort(Reader r) {
        int port = r.integer(Setting.RTSP_RTP_PORT, 0, 65534);
        if (port != 0 && (port % 2 != 0 || port < 1024)) {
            throw r.invalid(Setting.RTSP_RTP_PORT, "must be an even port from 1024 to 65534 (RTCP takes the next), or 0");
        }
        return port;
    }

    private static CameraSettings camera(Reader r, String name, int totalViewers,
            Map<SettingKey, ResolvedSettings.Value> values) {
        Source source = r.source(Setting.SOURCE);
        Codec codec = r.codec(Setting.CODEC);
        int width = r.evenInteger(Setting.WIDTH, MIN_SIZE, MAX_SIZE);
        int height = r.evenInteger(Setting.HEIGHT, MIN_SIZE, MAX_SIZE);
        SourceLimits limits = SourceLimits.of(source, codec);
        if (width > limits.maxWidth()) {
            throw r.invalid(Setting.WIDTH, "must be at most " + limits.maxWidth() + " for " + limits.why());
        }
        if (height > limits.maxHeight()) {
            throw r.invalid(Setting.HEIGHT, "must be at most " + limits.maxHeight() + " for " + limits.why());
        }
        double fps = r.decimal(Setting.FPS, 1, 120);
        String input = r.raw(Setting.INPUT).trim();
        if (source == Source.FFMPEG && input.isEmpty()) {
            throw r.invalid(Setting.INPUT, "is needed for source ffmpeg: an rtsp:// or http:// URL, or a file");
        }
        AudioInput audio = r.audio(Setting.AUDIO);
        if (audio.kind() == AudioInput.Kind.INPUT && source != Source.FFMPEG) {
            throw r.invalid(Setting.AUDIO, "input needs source ffmpeg: it is the sound of that source's input");
        }
        // The camera's own cap: camera.<name>.max-viewers, for the flat settings' camera too; else the total.
        SettingKey ownCap = SettingKey.of(name, Setting.MAX_VIEWERS);
        int maxViewers = values.containsKey(ownCap) && !values.get(ownCap).isDefault()
                ? new Reader(values, name).integer(Setting.MAX_VIEWERS, 1, 10_000) : totalViewers;
        return CameraSettings.builder()
                .name(name)
                .source(source)
                .size(width, height)
                .fps(fps)
                .jpegQuality(r.integer(Setting.JPEG_QUALITY, 1, 100))
                .codec(codec)
                .bitrate(r.bitrate(Setting.BITRATE))
                .keyframeInterval(r.keyframeInterval(Setting.KEYFRAME_INTERVAL, fps))
                .rotation(r.choice(Setting.ROTATION, 0, 180))
                .hflip(r.bool(Setting.HFLIP))
                .vflip(r.bool(Setting.VFLIP))
                .cameraIndex(r.integer(Setting.CAMERA, 0, 9))
                .device(r.device(Setting.DEVICE))
                .input(input)
                .audio(audio)
                .publish(r.publishUrls(Setting.PUBLISH))
                .publishRetry(r.seconds(Setting.PUBLISH_RETRY, 0.1, 300))
                .maxViewers(maxViewers)
                .record(r.recordMode(Setting.RECORD))
                .recordSegment(r.seconds(Setting.RECORD_SEGMENT, 10, 3600))
                .timelapseInterval(r.interval(Setting.TIMELAPSE_INTERVAL, 0.5, 86_400))
                .build();
    }

    static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1)).toAbsolutePath().normalize();
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    /**
     * Reads one camera's settings (or the flat ones) one at a time, so that every error names the setting as it
     * was written, the rule and the value's origin.
     */
    private static final class Reader {
        private final Map<SettingKey, ResolvedSettings.Value> values;
        private final String camera;

        Reader(Map<SettingKey, ResolvedSettings.Value> values, String camera) {
            this.values = values;
            this.camera = camera;
        }

        SettingKey key(Setting setting) {
            return camera != null && setting.perCamera() ? SettingKey.of(camera, setting) : SettingKey.flat(setting);
        }

        String raw(Setting setting) {
            ResolvedSettings.Value value = values.get(key(setting));
            return value == null ? setting.defaultValue() : value.raw();
        }

        SettingsException invalid(Setting setting, String rule) {
            SettingKey key = key(setting);
            ResolvedSettings.Value value = values.get(key);
            String origin = value == null ? ResolvedSettings.DEFAULT : value.origin();
            String shown = setting.isSecret() ? "(hidden)" : "'" + Secrets.mask(raw(setting)) + "'";
            return new SettingsException(key.property() + " " + rule + ", got " + shown + " (from " + origin + ")",
                    key, rule);
        }

        int integer(Setting setting, int min, int max) {
            int value;
            try {
                value = Integer.parseInt(raw(setting).trim());
            } catch (NumberFormatException e) {
                throw invalid(setting, "must be a whole number from " + min + " to " + max);
            }
            if (value < min || value > max) {
                throw invalid(setting, "must be from " + min + " to " + max);
            }
            return value;
        }

        int evenInteger(Setting setting, int min, int max) {
            int value = integer(setting, min, max);
            if (value % 2 != 0) {
                throw invalid(setting, "must be even (video encoders need even sizes)");
            }
            return value;
        }

        int choice(Setting setting, int... allowed) {
            int value;
            try {
                value = Integer.parseInt(raw(setting).trim());
            } catch (NumberFormatException e) {
                value = Integer.MIN_VALUE;
            }
            for (int a : allowed) {
                if (a == value) {
                    return value;
                }
            }
            throw invalid(setting, "must be one of " + java.util.Arrays.toString(allowed).replaceAll("[\\[\\]]", ""));
        }

        double decimal(Setting setting, double min, double max) {
            double value;
            try {
                value = Double.parseDouble(raw(setting).trim());
            } catch (NumberFormatException e) {
                throw invalid(setting, "must be a number from " + min + " to " + max);
            }
            if (!(value >= min && value <= max)) {
                throw invalid(setting, "must be from " + min + " to " + max);
            }
            return value;
        }

        java.time.Duration seconds(Setting setting, double min, double max) {
            double value = decimal(setting, min, max);
            return java.time.Duration.ofNanos(Math.round(value * 1e9));
        }

        boolean bool(Setting setting) {
            String value = raw(setting).trim();
            if (value.equals("true")) {
                return true;
            }
            if (value.equals("false")) {
                return false;
            }
            throw invalid(setting, "must be true or false");
        }

        Source source(Setting setting) {
            try {
                return Source.fromId(raw(setting).trim());
            } catch (IllegalArgumentException e) {
                throw invalid(setting, "must be one of test, rpicam, v4l2, ffmpeg");
            }
        }

        Codec codec(Setting setting) {
            try {
                return Codec.fromId(raw(setting).trim());
            } catch (IllegalArgumentException e) {
                throw invalid(setting, "must be h264 or mjpeg");
            }
        }

        /** Bits per second; a k or M suffix multiplies by 1000 or 1000000. */
        int bitrate(Setting setting) {
            String value = raw(setting).trim();
            long multiplier = 1;
            if (value.endsWith("k") || value.endsWith("K")) {
                multiplier = 1_000;
                value = value.substring(0, value.length() - 1);
            } else if (value.endsWith("M") || value.endsWith("m")) {
                multiplier = 1_000_000;
                value = value.substring(0, value.length() - 1);
            }
            double bits;
            try {
                bits = Double.parseDouble(value) * multiplier;
            } catch (NumberFormatException e) {
                throw invalid(setting, "must be bits per second from 100000 to 50000000, such as 2000000 or 2M");
            }
            if (!(bits >= 100_000 && bits <= 50_000_000)) {
                throw invalid(setting, "must be from 100000 to 50000000 bits per second");
            }
            return (int) Math.round(bits);
        }

        int keyframeInterval(Setting setting, double fps) {
            if (raw(setting).trim().equals("auto")) {
                return (int) Math.max(1, Math.round(fps));
            }
            return integer(setting, 1, 600);
        }

        /** A device path under /dev, with no way to climb out of it. */
        String device(Setting setting) {
            String value = raw(setting).trim();
            if (!value.matches("/dev/[A-Za-z0-9._:/-]+") || value.contains("..")) {
                throw invalid(setting, "must be a device path such as /dev/video0");
            }
            return value;
        }

        RecordMode recordMode(Setting setting) {
            try {
                return RecordMode.fromId(raw(setting).trim());
            } catch (IllegalArgumentException e) {
                throw invalid(setting, "must be off or continuous");
            }
        }

        /** Seconds from {@code min} to {@code max}, or 0 for off. */
        java.time.Duration interval(Setting setting, double min, double max) {
            if (raw(setting).trim().equals("0")) {
                return java.time.Duration.ZERO;
            }
            return seconds(setting, min, max);
        }

        /** An age such as 36h, 7d, 90m, 30s or plain seconds; 0 for none. At most ten years. */
        java.time.Duration age(Setting setting) {
            String value = raw(setting).trim().toLowerCase(java.util.Locale.ROOT);
            long unit = 1;
            if (!value.isEmpty() && "smhdw".indexOf(value.charAt(value.length() - 1)) >= 0) {
                unit = switch (value.charAt(value.length() - 1)) {
                    case 'm' -> 60;
                    case 'h' -> 3600;
                    case 'd' -> 86_400;
                    case 'w' -> 604_800;
                    default -> 1;
                };
                value = value.substring(0, value.length() - 1);
            }
            double amount;
            try {
                amount = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw invalid(setting, "must be an age such as 7d, 36h, 90m or seconds, or 0");
            }
            double seconds = amount * unit;
            if (!(seconds >= 0 && seconds <= 10 * 365 * 86_400.0)) {
                throw invalid(setting, "must be from 0 to ten years");
            }
            return java.time.Duration.ofMillis(Math.round(seconds * 1000));
        }

        /** A size in bytes, with a K, M, G or T suffix (powers of 1024); 0 for none. */
        long bytes(Setting setting) {
            String value = raw(setting).trim().toUpperCase(java.util.Locale.ROOT);
            if (value.endsWith("B")) {
                value = value.substring(0, value.length() - 1);
            }
            long unit = 1;
            if (!value.isEmpty() && "KMGT".indexOf(value.charAt(value.length() - 1)) >= 0) {
                unit = 1L << (10 * ("KMGT".indexOf(value.charAt(value.length() - 1)) + 1));
                value = value.substring(0, value.length() - 1);
            }
            double amount;
            try {
                amount = Double.parseDouble(value);
            } catch (NumberFormatException e) {
                throw invalid(setting, "must be a size such as 8G, 500M or bytes, or 0");
            }
            double bytes = amount * unit;
            if (!(bytes >= 0 && bytes <= (double) (1L << 50))) {
                throw invalid(setting, "must be from 0 to 1024T");
            }
            return Math.round(bytes);
        }

        String cameraName(Setting setting) {
            String value = raw(setting).trim();
            if (!SettingKey.isCameraName(value)) {
                throw invalid(setting, SettingKey.CAMERA_NAME_RULE);
            }
            return value;
        }

        String userName(Setting setting, boolean mayBeEmpty) {
            String value = raw(setting).trim();
            if (value.isEmpty() && mayBeEmpty) {
                return value;
            }
            if (!value.matches("[A-Za-z0-9._@-]{1,64}")) {
                throw invalid(setting, "must be 1 to 64 letters, digits or ._@-");
            }
            return value;
        }

        List<String> origins(Setting setting) {
            Set<String> origins = new LinkedHashSet<>();
            for (String origin : raw(setting).split(",")) {
                String trimmed = origin.trim();
                if (trimmed.isEmpty()) {
                    continue;
                }
                if (!trimmed.matches("https?://[^/\\s]+")) {
                    throw invalid(setting, "must be origins like http://host:port, comma-separated");
                }
                origins.add(trimmed);
            }
            return List.copyOf(origins);
        }

        /** The rule names what is wrong; the value is never repeated, since it may hold a stream key. */
        AudioInput audio(Setting setting) {
            try {
                return AudioInput.parse(raw(setting));
            } catch (IllegalArgumentException e) {
                throw invalid(setting, AudioInput.RULE);
            }
        }

        List<PublishUrl> publishUrls(Setting setting) {
            try {
                return PublishUrl.parseList(raw(setting));
            } catch (IllegalArgumentException e) {
                SettingKey key = key(setting);
                ResolvedSettings.Value value = values.get(key);
                String origin = value == null ? ResolvedSettings.DEFAULT : value.origin();
                throw new SettingsException(key.property() + " " + e.getMessage() + " (from " + origin + ")", key,
                        e.getMessage());
            }
        }

        String text(Setting setting) {
            String value = raw(setting).trim();
            if (value.isEmpty()) {
                throw invalid(setting, "must not be empty");
            }
            return value;
        }
    }
}
