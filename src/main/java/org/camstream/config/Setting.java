package org.camstream.config;

import java.util.Locale;

/**
 * Every setting camstream reads, with the one name it has in every layer: {@code --jpeg-quality} on the
 * command line, {@code CAMSTREAM_JPEG_QUALITY} in the environment, {@code jpeg-quality} in
 * {@code camstream.properties}, {@code camstream.jpeg-quality} as a system property or context parameter.
 */
public enum Setting {
    PORT("port", "8080", "HTTP port of the embedded server (embedded mode only)"),
    BIND("bind", "0.0.0.0", "address the embedded server listens on (embedded mode only)"),
    SOURCE("source", "test", "camera source: test, rpicam, v4l2 or ffmpeg"),
    WIDTH("width", "1280", "picture width in pixels (even, 64 to 4096)"),
    HEIGHT("height", "720", "picture height in pixels (even, 64 to 4096)"),
    FPS("fps", "30", "frames per second the camera captures (1 to 120)"),
    JPEG_QUALITY("jpeg-quality", "80", "JPEG quality, 1 (smallest) to 100 (best)"),
    CODEC("codec", "h264", "the camera's native codec: h264 or mjpeg; the other is transcoded on demand"),
    BITRATE("bitrate", "2000000", "H.264 bitrate in bits per second (100000 to 50000000; 2M and 800k work too)"),
    KEYFRAME_INTERVAL("keyframe-interval", "auto", "frames between H.264 keyframes (1 to 600); auto is one per second"),
    ROTATION("rotation", "0", "rotate the picture: 0 or 180 degrees"),
    HFLIP("hflip", "false", "mirror the picture left to right"),
    VFLIP("vflip", "false", "flip the picture upside down"),
    CAMERA("camera", "0", "which Raspberry Pi camera to use, for source rpicam (0 to 9)"),
    DEVICE("device", "/dev/video0", "the video4linux device of a USB webcam, for source v4l2"),
    INPUT("input", "", "what ffmpeg reads, for source ffmpeg: an rtsp:// or http:// URL, or a file (played in a loop)"),
    AUDIO("audio", "none", "sound for the MP4 streams, WebSocket and HLS: none, test, alsa:<device> (alsa:hw:1,0, alsa:default), pulse, or input (source ffmpeg's own sound)"),
    PUBLISH("publish", "", "relays to publish the H.264 stream to, comma-separated (at most 4): rtmp://, rtmps://, rtsp:// or srt:// URLs"),
    PUBLISH_RETRY("publish-retry", "5", "longest wait in seconds between attempts to reach a relay that is away (0.1 to 300, decimals allowed)"),
    ALLOWED_ORIGINS("allowed-origins", "", "other origins allowed to open the WebSocket, comma-separated"),
    CORS_ORIGINS("cors-origins", "", "origins whose pages may fetch the streams, the snapshot and HLS (CORS), comma-separated, or *"),
    ADMIN_USER("admin-user", "admin", "user name for the admin page (embedded mode)"),
    ADMIN_PASSWORD("admin-password", "", "password for the admin page (embedded mode); generated if empty"),
    VIEWER_AUTH("viewer-auth", "false", "require a login to watch, too (role camstream-viewer or camstream-admin)"),
    VIEWER_USER("viewer-user", "", "user name of a watch-only login (embedded mode)"),
    VIEWER_PASSWORD("viewer-password", "", "password of the watch-only login (embedded mode)"),
    MAX_VIEWERS("max-viewers", "100", "stream connections served at once (1 to 10000); one more gets a 503"),
    IDLE_STOP("idle-stop", "10", "seconds the camera keeps running after the last viewer left (0 to 3600, decimals allowed)"),
    VIEWER_TIMEOUT("viewer-timeout", "10", "seconds a viewer's connection may accept nothing before it is closed (1 to 300, decimals allowed)"),
    DATA_DIR("data-dir", "~/.camstream", "directory for camstream.properties and saved state");

    private final String key;
    private final String defaultValue;
    private final String description;

    Setting(String key, String defaultValue, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.description = description;
    }

    /** The name in properties files, e.g. {@code jpeg-quality}. */
    public String key() {
        return key;
    }

    public String flag() {
        return "--" + key;
    }

    public String environmentVariable() {
        return "CAMSTREAM_" + key.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The name as a system property and as a servlet context parameter. */
    public String parameterName() {
        return "camstream." + key;
    }

    public String defaultValue() {
        return defaultValue;
    }

    public String description() {
        return description;
    }

    /** A yes-or-no setting: on the command line, the flag alone means true. */
    public boolean isBoolean() {
        return defaultValue.equals("false") || defaultValue.equals("true");
    }

    /** Values that must not be shown on status pages or in logs. */
    public boolean isSecret() {
        return this == ADMIN_PASSWORD || this == VIEWER_PASSWORD;
    }

    public static Setting fromKey(String key) {
        for (Setting s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
