package org.camstream.config;

import java.util.Locale;

/**
 * Every setting camstream reads, with the one name it has in every layer: {@code --jpeg-quality} on the
 * command line, {@code CAMSTREAM_JPEG_QUALITY} in the environment, {@code jpeg-quality} in
 * {@code camstream.properties}, {@code camstream.jpeg-quality} as a system property or context parameter.
 *
 * <p>A camera's settings also have a form per camera, {@code camera.<name>.<key>} ({@link SettingKey}); the flat
 * form describes the first camera, as it did when camstream had only one.
 */
public enum Setting {
    PORT("port", "8080", Scope.SERVER, "HTTP port of the embedded server (embedded mode only)"),
    BIND("bind", "0.0.0.0", Scope.SERVER, "address the embedded server listens on (embedded mode only)"),
    HTTPS_PORT("https-port", "0", Scope.SERVER, "HTTPS port of the embedded server, with tls-cert and tls-key (0: no HTTPS; embedded mode only)"),
    TLS_CERT("tls-cert", "", Scope.SERVER, "the certificate and its chain for https-port, a PEM file such as Let's Encrypt's fullchain.pem"),
    TLS_KEY("tls-key", "", Scope.SERVER, "the certificate's private key for https-port, a PEM file (PKCS#8, or PKCS#1 RSA, or EC) such as Let's Encrypt's privkey.pem"),
    HTTPS_REDIRECT("https-redirect", "false", Scope.SERVER, "answer plain HTTP requests with a redirect to the https-port (embedded mode only)"),
    SOURCE("source", "test", Scope.CAMERA, "camera source: test, rpicam, v4l2 or ffmpeg"),
    WIDTH("width", "1280", Scope.CAMERA, "picture width in pixels (even, 64 to 4096)"),
    HEIGHT("height", "720", Scope.CAMERA, "picture height in pixels (even, 64 to 4096)"),
    FPS("fps", "30", Scope.CAMERA, "frames per second the camera captures (1 to 120)"),
    JPEG_QUALITY("jpeg-quality", "80", Scope.CAMERA, "JPEG quality, 1 (smallest) to 100 (best)"),
    CODEC("codec", "h264", Scope.CAMERA, "the camera's native codec: h264 or mjpeg; the other is transcoded on demand"),
    BITRATE("bitrate", "2000000", Scope.CAMERA, "H.264 bitrate in bits per second (100000 to 50000000; 2M and 800k work too)"),
    KEYFRAME_INTERVAL("keyframe-interval", "auto", Scope.CAMERA, "frames between H.264 keyframes (1 to 600); auto is one per second"),
    ROTATION("rotation", "0", Scope.CAMERA, "rotate the picture: 0 or 180 degrees"),
    HFLIP("hflip", "false", Scope.CAMERA, "mirror the picture left to right"),
    VFLIP("vflip", "false", Scope.CAMERA, "flip the picture upside down"),
    CAMERA("camera", "0", Scope.CAMERA, "which Raspberry Pi camera to use, for source rpicam (0 to 9)"),
    DEVICE("device", "/dev/video0", Scope.CAMERA, "the video4linux device of a USB webcam, for source v4l2"),
    INPUT("input", "", Scope.CAMERA, "what ffmpeg reads, for source ffmpeg: an rtsp:// or http:// URL, or a file (played in a loop)"),
    AUDIO("audio", "none", Scope.CAMERA, "sound for the MP4 streams, WebSocket and HLS: none, test, alsa:<device> (alsa:hw:1,0, alsa:default), pulse, or input (source ffmpeg's own sound)"),
    PUBLISH("publish", "", Scope.CAMERA, "relays to publish the H.264 stream to, comma-separated (at most 4): rtmp://, rtmps://, rtsp:// or srt:// URLs"),
    PUBLISH_RETRY("publish-retry", "5", Scope.CAMERA, "longest wait in seconds between attempts to reach a relay that is away (0.1 to 300, decimals allowed)"),
    ALLOWED_ORIGINS("allowed-origins", "", Scope.SERVER, "other origins allowed to open the WebSocket, comma-separated"),
    CORS_ORIGINS("cors-origins", "", Scope.SERVER, "origins whose pages may fetch the streams, the snapshot and HLS (CORS), comma-separated, or *"),
    ADMIN_USER("admin-user", "admin", Scope.SERVER, "user name for the admin page (embedded mode)"),
    ADMIN_PASSWORD("admin-password", "", Scope.SERVER, "password for the admin page (embedded mode); generated if empty"),
    VIEWER_AUTH("viewer-auth", "false", Scope.SERVER, "require a login to watch, too (role camstream-viewer or camstream-admin)"),
    VIEWER_USER("viewer-user", "", Scope.SERVER, "user name of a watch-only login (embedded mode)"),
    VIEWER_PASSWORD("viewer-password", "", Scope.SERVER, "password of the watch-only login (embedded mode)"),
    METRICS_TOKEN("metrics-token", "", Scope.SERVER, "a token that lets a scraper read GET /metrics, as Authorization: Bearer <token> or ?token=<token>; empty: /metrics follows viewer-auth"),
    MAX_VIEWERS("max-viewers", "100", Scope.BOTH, "stream connections served at once in all (1 to 10000); one more gets a 503. camera.<name>.max-viewers caps one camera"),
    IDLE_STOP("idle-stop", "10", Scope.SERVER, "seconds the camera keeps running after the last viewer left (0 to 3600, decimals allowed)"),
    VIEWER_TIMEOUT("viewer-timeout", "10", Scope.SERVER, "seconds a viewer's connection may accept nothing before it is closed (1 to 300, decimals allowed)"),
    DATA_DIR("data-dir", "~/.camstream", Scope.SERVER, "directory for camstream.properties and saved state"),
    RECORD("record", "off", Scope.CAMERA, "record the camera to disk: off or continuous"),
    RECORD_SEGMENT("record-segment", "600", Scope.CAMERA, "seconds of recording per file, 10 to 3600; a new file also starts at every change of size"),
    RECORD_KEEP("record-keep", "7d", Scope.SERVER, "how long recordings are kept: 36h, 7d, 90m or seconds; 0 keeps them until room is needed"),
    RECORD_MAX_SIZE("record-max-size", "8G", Scope.SERVER, "the most the recordings of all cameras take on disk, such as 8G or 500M; 0 for no cap"),
    RECORD_MIN_FREE("record-min-free", "1G", Scope.SERVER, "free space kept on the disk; below it the oldest recordings and timelapse stills go first, whatever else is set"),
    TIMELAPSE_INTERVAL("timelapse-interval", "0", Scope.CAMERA, "seconds between timelapse stills of a session that runs all the time, 0.5 to 86400; 0 is off (sessions started through the API still run)"),
    TIMELAPSE_KEEP("timelapse-keep", "30d", Scope.SERVER, "how long timelapse sessions are kept, as record-keep"),
    TIMELAPSE_MAX_SIZE("timelapse-max-size", "2G", Scope.SERVER, "the most the timelapse stills and videos of all cameras take on disk; 0 for no cap"),
    RTSP_PORT("rtsp-port", "8554", Scope.SERVER, "the RTSP server's port, rtsp://<host>:<port>/<camera> (0 turns RTSP off)"),
    RTSP_RTP_PORT("rtsp-rtp-port", "8000", Scope.SERVER, "the even UDP port RTSP clients get RTP from, RTCP on the next (0: RTP over TCP only)"),
    RTSP_SESSION_TIMEOUT("rtsp-session-timeout", "60", Scope.SERVER, "seconds an RTSP session lives without a word from its client (2 to 3600)"),
    NAME("name", "main", Scope.SERVER, "the name of the camera the flat settings describe, in its URLs /cam/<name>/ (lowercase letters, digits and -, 1 to 32)"),
    CAMERAS("cameras", "", Scope.SERVER, "the cameras to run, in order, comma-separated names; empty: the flat settings' camera and every camera.<name>.* section");

    /** Whether a setting is the server's, each camera's, or both (the flat form the server's). */
    public enum Scope {
        SERVER,
        CAMERA,
        /** The flat form is the server's, {@code camera.<name>.<key>} the camera's own. */
        BOTH
    }

    private final String key;
    private final String defaultValue;
    private final Scope scope;
    private final String description;

    Setting(String key, String defaultValue, Scope scope, String description) {
        this.key = key;
        this.defaultValue = defaultValue;
        this.scope = scope;
        this.description = description;
    }

    /** Whether each camera has this setting of its own, as {@code camera.<name>.<key>}. */
    public boolean perCamera() {
        return scope != Scope.SERVER;
    }

    /** Whether the flat form describes the first camera rather than the server. */
    public boolean flatIsCamera() {
        return scope == Scope.CAMERA;
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
        return this == ADMIN_PASSWORD || this == VIEWER_PASSWORD || this == METRICS_TOKEN;
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
