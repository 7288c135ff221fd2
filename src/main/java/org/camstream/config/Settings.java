package org.camstream.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The resolved, validated settings: the server's own, and each camera's ({@link CameraSettings}). Immutable; a
 * change of settings is a new instance, made with {@link #builder()} or {@link #toBuilder()} so that every value
 * is named where it is set.
 */
public final class Settings {
    private final int port;
    private final String bind;
    private final int httpsPort;
    private final Path tlsCert;
    private final Path tlsKey;
    private final boolean httpsRedirect;
    private final List<String> allowedOrigins;
    private final List<String> corsOrigins;
    private final String adminUser;
    private final String adminPassword;
    private final boolean viewerAuth;
    private final String viewerUser;
    private final String viewerPassword;
    private final String metricsToken;
    private final int maxViewers;
    private final Duration idleStop;
    private final Duration viewerTimeout;
    private final Path dataDir;
    private final List<CameraSettings> cameras;
    private final Duration recordKeep;
    private final long recordMaxSize;
    private final long recordMinFree;
    private final Duration timelapseKeep;
    private final long timelapseMaxSize;
    private final int rtspPort;
    private final int rtspRtpPort;
    private final Duration rtspSessionTimeout;

    private Settings(Builder b) {
        this.port = b.port;
        this.bind = Objects.requireNonNull(b.bind, "bind");
        this.httpsPort = b.httpsPort;
        this.tlsCert = b.tlsCert;
        this.tlsKey = b.tlsKey;
        this.httpsRedirect = b.httpsRedirect;
        this.allowedOrigins = List.copyOf(b.allowedOrigins);
        this.corsOrigins = List.copyOf(b.corsOrigins);
        this.adminUser = Objects.requireNonNull(b.adminUser, "adminUser");
        this.adminPassword = Objects.requireNonNull(b.adminPassword, "adminPassword");
        this.viewerAuth = b.viewerAuth;
        this.viewerUser = Objects.requireNonNull(b.viewerUser, "viewerUser");
        this.viewerPassword = Objects.requireNonNull(b.viewerPassword, "viewerPassword");
        this.metricsToken = Objects.requireNonNull(b.metricsToken, "metricsToken");
        this.maxViewers = b.maxViewers;
        this.idleStop = Objects.requireNonNull(b.idleStop, "idleStop");
        this.viewerTimeout = Objects.requireNonNull(b.viewerTimeout, "viewerTimeout");
        this.dataDir = Objects.requireNonNull(b.dataDir, "dataDir");
        this.cameras = List.copyOf(b.cameras);
        this.recordKeep = Objects.requireNonNull(b.recordKeep, "recordKeep");
        this.recordMaxSize = b.recordMaxSize;
        this.recordMinFree = b.recordMinFree;
        this.timelapseKeep = Objects.requireNonNull(b.timelapseKeep, "timelapseKeep");
        this.timelapseMaxSize = b.timelapseMaxSize;
        this.rtspPort = b.rtspPort;
        this.rtspRtpPort = b.rtspRtpPort;
        this.rtspSessionTimeout = b.rtspSessionTimeout;
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

    /** The embedded server's HTTPS port; 0: no HTTPS. */
    public int httpsPort() {
        return httpsPort;
    }

    /** The PEM file of the certificate and its chain (Let's Encrypt's fullchain.pem); null without HTTPS. */
    public Path tlsCert() {
        return tlsCert;
    }

    /** The PEM file of the certificate's private key (Let's Encrypt's privkey.pem); null without HTTPS. */
    public Path tlsKey() {
        return tlsKey;
    }

    /** Whether plain HTTP requests are redirected to {@link #httpsPort()}. */
    public boolean httpsRedirect() {
        return httpsRedirect;
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

    /** The token that lets a scraper read {@code /metrics}; empty for none. */
    public String metricsToken() {
        return metricsToken;
    }

    /** Stream connections served at once, all cameras together; one more gets a 503. */
    public int maxViewers() {
        return maxViewers;
    }

    /** How long a camera keeps running after its last viewer left. */
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

    /** The cameras, in order: the first one also serves the URLs without {@code /cam/<name>/}. */
    public List<CameraSettings> cameras() {
        return cameras;
    }

    /** How long recordings are kept; zero: until room is needed. */
    public Duration recordKeep() {
        return recordKeep;
    }

    /** The most the recordings of all cameras take on disk, in bytes; 0 for no cap. */
    public long recordMaxSize() {
        return recordMaxSize;
    }

    /** Free bytes kept on the disk of the recordings, whatever the other limits say. */
    public long recordMinFree() {
        return recordMinFree;
    }

    /** How long timelapse sessions are kept; zero: until room is needed. */
    public Duration timelapseKeep() {
        return timelapseKeep;
    }

    /** The most the timelapse sessions of all cameras take on disk, in bytes; 0 for no cap. */
    public long timelapseMaxSize() {
        return timelapseMaxSize;
    }

    /** The RTSP server's port; 0: no RTSP. */
    public int rtspPort() {
        return rtspPort;
    }

    /** The even UDP port of RTP to RTSP clients, RTCP on the next; 0: RTP over TCP only. */
    public int rtspRtpPort() {
        return rtspRtpPort;
    }

    public Duration rtspSessionTimeout() {
        return rtspSessionTimeout;
    }

    /** The camera of that name, or null. */
    public CameraSettings camera(String name) {
        for (CameraSettings camera : cameras) {
            if (camera.name().equals(name)) {
                return camera;
            }
        }
        return null;
    }

    /** The first camera, which the URLs without a camera's name serve; null when there is none. */
    public CameraSettings firstCamera() {
        return cameras.isEmpty() ? null : cameras.get(0);
    }

    /** Never shows a password or the input, which may carry one. */
    @Override
    public String toString() {
        StringBuilder text = new StringBuilder("Settings[");
        for (CameraSettings camera : cameras) {
            text.append(camera.name()).append(": ").append(camera.source().id()).append(' ').append(camera.width())
                    .append('x').append(camera.height()).append(" at ").append(camera.fps()).append(" fps, codec=")
                    .append(camera.codec().id()).append("; ");
        }
        return text.append("dataDir=").append(dataDir).append(']').toString();
    }

    /** Builds {@link Settings}; starts from the built-in defaults. Values are not validated here. */
    public static final class Builder {
        private int port = 8080;
        private String bind = "0.0.0.0";
        private int httpsPort = 0;
        private Path tlsCert;
        private Path tlsKey;
        private boolean httpsRedirect;
        private List<String> allowedOrigins = List.of();
        private List<String> corsOrigins = List.of();
        private String adminUser = "admin";
        private String adminPassword = "";
        private boolean viewerAuth = false;
        private String viewerUser = "";
        private String viewerPassword = "";
        private String metricsToken = "";
        private int maxViewers = Integer.parseInt(Setting.MAX_VIEWERS.defaultValue());
        private Duration idleStop = Duration.ofSeconds(Long.parseLong(Setting.IDLE_STOP.defaultValue()));
        private Duration viewerTimeout = Duration.ofSeconds(Long.parseLong(Setting.VIEWER_TIMEOUT.defaultValue()));
        private Path dataDir = Path.of(System.getProperty("user.home"), ".camstream");
        private List<CameraSettings> cameras = List.of(CameraSettings.builder().build());
        private Duration recordKeep = Duration.ofDays(7);
        private long recordMaxSize = 8L << 30;
        private long recordMinFree = 1L << 30;
        private Duration timelapseKeep = Duration.ofDays(30);
        private long timelapseMaxSize = 2L << 30;
        private int rtspPort = Integer.parseInt(Setting.RTSP_PORT.defaultValue());
        private int rtspRtpPort = Integer.parseInt(Setting.RTSP_RTP_PORT.defaultValue());
        private Duration rtspSessionTimeout = Duration.ofSeconds(Long.parseLong(Setting.RTSP_SESSION_TIMEOUT.defaultValue()));

        private Builder() {
        }

        private Builder(Settings s) {
            port = s.port;
            bind = s.bind;
            httpsPort = s.httpsPort;
            tlsCert = s.tlsCert;
            tlsKey = s.tlsKey;
            httpsRedirect = s.httpsRedirect;
            allowedOrigins = s.allowedOrigins;
            corsOrigins = s.corsOrigins;
            adminUser = s.adminUser;
            adminPassword = s.adminPassword;
            viewerAuth = s.viewerAuth;
            viewerUser = s.viewerUser;
            viewerPassword = s.viewerPassword;
            metricsToken = s.metricsToken;
            maxViewers = s.maxViewers;
            idleStop = s.idleStop;
            viewerTimeout = s.viewerTimeout;
            dataDir = s.dataDir;
            cameras = s.cameras;
            recordKeep = s.recordKeep;
            recordMaxSize = s.recordMaxSize;
            recordMinFree = s.recordMinFree;
            timelapseKeep = s.timelapseKeep;
            timelapseMaxSize = s.timelapseMaxSize;
            rtspPort = s.rtspPort;
            rtspRtpPort = s.rtspRtpPort;
            rtspSessionTimeout = s.rtspSessionTimeout;
        }

        public Builder port(int value) {
            port = value;
            return this;
        }

        public Builder bind(String value) {
            bind = value;
            return this;
        }

        /** HTTPS on {@code port} (0: none) with these PEM files, and whether plain HTTP is redirected to it. */
        public Builder https(int port, Path cert, Path key, boolean redirect) {
            httpsPort = port;
            tlsCert = cert;
            tlsKey = key;
            httpsRedirect = redirect;
            return this;
        }

        public Builder allowedOrigins(List<String> value) {
            allowedOrigins = value;
            return this;
        }

        public Builder corsOrigins(List<String> value) {
            corsOrigins = value;
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

        public Builder metricsToken(String value) {
            metricsToken = value;
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

        public Builder cameras(List<CameraSettings> value) {
            cameras = value;
            return this;
        }

        public Builder recordKeep(Duration value) {
            recordKeep = value;
            return this;
        }

        public Builder recordMaxSize(long value) {
            recordMaxSize = value;
            return this;
        }

        public Builder recordMinFree(long value) {
            recordMinFree = value;
            return this;
        }

        public Builder timelapseKeep(Duration value) {
            timelapseKeep = value;
            return this;
        }

        public Builder rtsp(int port, int rtpPort, Duration sessionTimeout) {
            rtspPort = port;
            rtspRtpPort = rtpPort;
            rtspSessionTimeout = sessionTimeout;
            return this;
        }

        public Builder timelapseMaxSize(long value) {
            timelapseMaxSize = value;
            return this;
        }

        public Settings build() {
            return new Settings(this);
        }
    }
}
