package org.camstream.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The resolved, validated settings. Immutable; a change of settings is a new instance, made with
 * {@link #builder()} or {@link #toBuilder()} so that every value is named where it is set.
 */
public final class Settings {

    private final int port;
    private final String bind;
    private final Source source;
    private final int width;
    private final int height;
    private final double fps;
    private final int jpegQuality;
    private final Codec codec;
    private final int bitrate;
    private final int keyframeInterval;
    private final int rotation;
    private final boolean hflip;
    private final boolean vflip;
    private final int camera;
    private final String device;
    private final String input;
    private final AudioInput audio;
    private final List<PublishUrl> publish;
    private final Duration publishRetry;
    private final List<String> allowedOrigins;
    private final List<String> corsOrigins;
    private final String adminUser;
    private final String adminPassword;
    private final boolean viewerAuth;
    private final String viewerUser;
    private final String viewerPassword;
    private final int maxViewers;
    private final Duration idleStop;
    private final Duration viewerTimeout;
    private final Path dataDir;

    private Settings(Builder b) {
        this.port = b.port;
        this.bind = Objects.requireNonNull(b.bind, "bind");
        this.source = Objects.requireNonNull(b.source, "source");
        this.width = b.width;
        this.height = b.height;
        this.fps = b.fps;
        this.jpegQuality = b.jpegQuality;
        this.codec = Objects.requireNonNull(b.codec, "codec");
        this.bitrate = b.bitrate;
        this.keyframeInterval = b.keyframeInterval;
        this.rotation = b.rotation;
        this.hflip = b.hflip;
        this.vflip = b.vflip;
        this.camera = b.camera;
        this.device = Objects.requireNonNull(b.device, "device");
        this.input = Objects.requireNonNull(b.input, "input");
        this.audio = Objects.requireNonNull(b.audio, "audio");
        this.publish = List.copyOf(b.publish);
        this.publishRetry = Objects.requireNonNull(b.publishRetry, "publishRetry");
        this.allowedOrigins = List.copyOf(b.allowedOrigins);
        this.corsOrigins = List.copyOf(b.corsOrigins);
        this.adminUser = Objects.requireNonNull(b.adminUser, "adminUser");
        this.adminPassword = Objects.requireNonNull(b.adminPassword, "adminPassword");
        this.viewerAuth = b.viewerAuth;
        this.viewerUser = Objects.requireNonNull(b.viewerUser, "viewerUser");
        this.viewerPassword = Objects.requireNonNull(b.viewerPassword, "viewerPassword");
        this.maxViewers = b.maxViewers;
        this.idleStop = Objects.requireNonNull(b.idleStop, "idleStop");
        this.viewerTimeout = Objects.requireNonNull(b.viewerTimeout, "viewerTimeout");
        this.dataDir = Objects.requireNonNull(b.dataDir, "dataDir");
    }

    /** A builder with the built-in defaults, for tests and for the parser. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    public int port() {
        return port;
    }

    public String bind() {
        return bind;
    }

    public Source source() {
        return source;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public double fps() {
        return fps;
    }

    public int jpegQuality() {
        return jpegQuality;
    }

    public Codec codec() {
        return codec;
    }

    public int bitrate() {
        return bitrate;
    }

    public int keyframeInterval() {
        return keyframeInterval;
    }

    public int rotation() {
        return rotation;
    }

    public boolean hflip() {
        return hflip;
    }

    public boolean vflip() {
        return vflip;
    }

    public int camera() {
        return camera;
    }

    public String device() {
        return device;
    }

    /** What ffmpeg reads for source ffmpeg. May hold a password: show it only through {@link Secrets#mask}. */
    public String input() {
        return input;
    }

    /** Where the sound comes from; {@link AudioInput#NONE} for none. */
    public AudioInput audio() {
        return audio;
    }

    /** The relays to publish to; their URLs may hold secrets: show a {@link PublishUrl} only as its toString. */
    public List<PublishUrl> publish() {
        return publish;
    }

    /** The longest wait between attempts to reach a relay that is away. */
    public Duration publishRetry() {
        return publishRetry;
    }

    public List<String> allowedOrigins() {
        return allowedOrigins;
    }

    /** Origins whose pages may read the streams, the snapshot and HLS; {@code *} alone means any. */
    public List<String> corsOrigins() {
        return corsOrigins;
    }

    public String adminUser() {
        return adminUser;
    }

    public String adminPassword() {
        return adminPassword;
    }

    public boolean viewerAuth() {
        return viewerAuth;
    }

    public String viewerUser() {
        return viewerUser;
    }

    public String viewerPassword() {
        return viewerPassword;
    }

    /** Stream connections served at once; one more gets a 503. */
    public int maxViewers() {
        return maxViewers;
    }

    /** How long the camera keeps running after the last viewer left. */
    public Duration idleStop() {
        return idleStop;
    }

    /** How long a viewer's connection may accept nothing before it is closed. */
    public Duration viewerTimeout() {
        return viewerTimeout;
    }

    public Path dataDir() {
        return dataDir;
    }

    /** Nanoseconds between frames at the configured rate. */
    public long frameIntervalNanos() {
        return Math.round(1e9 / fps);
    }

    /** Never shows a password or the input, which may carry one. */
    @Override
    public String toString() {
        return "Settings[source=" + source.id() + ", " + width + "x" + height + " at " + fps + " fps, codec="
                + codec.id() + ", dataDir=" + dataDir + "]";
    }

    /** Builds {@link Settings}; starts from the built-in defaults. Values are not validated here. */
    public static final class Builder {
        private int port = 8080;
        private String bind = "0.0.0.0";
        private Source source = Source.TEST;
        private int width = 1280;
        private int height = 720;
        private double fps = 30;
        private int jpegQuality = 80;
        private Codec codec = Codec.H264;
        private int bitrate = 2_000_000;
        private int keyframeInterval = 30;
        private int rotation;
        private boolean hflip;
        private boolean vflip;
        private int camera;
        private String device = "/dev/video0";
        private String input = "";
        private AudioInput audio = AudioInput.NONE;
        private List<PublishUrl> publish = List.of();
        private Duration publishRetry = Duration.ofSeconds(Long.parseLong(Setting.PUBLISH_RETRY.defaultValue()));
        private List<String> allowedOrigins = List.of();
        private List<String> corsOrigins = List.of();
        private String adminUser = "admin";
        private String adminPassword = "";
        private boolean viewerAuth;
        private String viewerUser = "";
        private String viewerPassword = "";
        private int maxViewers = Integer.parseInt(Setting.MAX_VIEWERS.defaultValue());
        private Duration idleStop = Duration.ofSeconds(Long.parseLong(Setting.IDLE_STOP.defaultValue()));
        private Duration viewerTimeout = Duration.ofSeconds(Long.parseLong(Setting.VIEWER_TIMEOUT.defaultValue()));
        private Path dataDir = Path.of(System.getProperty("user.home"), ".camstream");

        private Builder() {
        }

        private Builder(Settings s) {
            port = s.port;
            bind = s.bind;
            source = s.source;
            width = s.width;
            height = s.height;
            fps = s.fps;
            jpegQuality = s.jpegQuality;
            codec = s.codec;
            bitrate = s.bitrate;
            keyframeInterval = s.keyframeInterval;
            rotation = s.rotation;
            hflip = s.hflip;
            vflip = s.vflip;
            camera = s.camera;
            device = s.device;
            input = s.input;
            audio = s.audio;
            publish = s.publish;
            publishRetry = s.publishRetry;
            allowedOrigins = s.allowedOrigins;
            corsOrigins = s.corsOrigins;
            adminUser = s.adminUser;
            adminPassword = s.adminPassword;
            viewerAuth = s.viewerAuth;
            viewerUser = s.viewerUser;
            viewerPassword = s.viewerPassword;
            maxViewers = s.maxViewers;
            idleStop = s.idleStop;
            viewerTimeout = s.viewerTimeout;
            dataDir = s.dataDir;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder bind(String value) {
            bind = value;
            return this;
        }

        public Builder source(Source value) {
            source = value;
            return this;
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder fps(double value) {
            fps = value;
            return this;
        }

        public Builder jpegQuality(int value) {
            jpegQuality = value;
            return this;
        }

        public Builder codec(Codec value) {
            codec = value;
            return this;
        }

        public Builder bitrate(int value) {
            bitrate = value;
            return this;
        }

        public Builder keyframeInterval(int value) {
            keyframeInterval = value;
            return this;
        }

        public Builder rotation(int value) {
            rotation = value;
            return this;
        }

        public Builder hflip(boolean value) {
            hflip = value;
            return this;
        }

        public Builder vflip(boolean value) {
            vflip = value;
            return this;
        }

        public Builder camera(int value) {
            camera = value;
            return this;
        }

        public Builder device(String value) {
            device = value;
            return this;
        }

        public Builder input(String value) {
            input = value;
            return this;
        }

        public Builder audio(AudioInput value) {
            audio = value;
            return this;
        }

        public Builder publish(List<PublishUrl> value) {
            publish = value;
            return this;
        }

        public Builder publishRetry(Duration value) {
            publishRetry = value;
            return this;
        }

        public Builder corsOrigins(List<String> value) {
            corsOrigins = value;
            return this;
        }

        public Builder allowedOrigins(List<String> value) {
            allowedOrigins = value;
            return this;
        }

        public Builder adminLogin(String user, String password) {
            adminUser = user;
            adminPassword = password;
            return this;
        }

        public Builder viewerAuth(boolean value) {
            viewerAuth = value;
            return this;
        }

        public Builder viewerLogin(String user, String password) {
            viewerUser = user;
            viewerPassword = password;
            return this;
        }

        public Builder maxViewers(int value) {
            maxViewers = value;
            return this;
        }

        public Builder idleStop(Duration value) {
            idleStop = value;
            return this;
        }

        public Builder viewerTimeout(Duration value) {
            viewerTimeout = value;
            return this;
        }

        public Builder dataDir(Path value) {
            dataDir = value;
            return this;
        }

        public Settings build() {
            return new Settings(this);
        }
    }
}
