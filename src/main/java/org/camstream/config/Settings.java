package org.camstream.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/** The resolved, validated settings. Immutable; a change of settings is a new instance. */
public record Settings(
        int port,
        String bind,
        Source source,
        int width,
        int height,
        double fps,
        int jpegQuality,
        Codec codec,
        int bitrate,
        int keyframeInterval,
        int rotation,
        boolean hflip,
        boolean vflip,
        int camera,
        String device,
        String input,
        List<String> allowedOrigins,
        String adminUser,
        String adminPassword,
        boolean viewerAuth,
        String viewerUser,
        String viewerPassword,
        Path dataDir) {

    public Settings {
        Objects.requireNonNull(bind, "bind");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(codec, "codec");
        Objects.requireNonNull(dataDir, "dataDir");
        allowedOrigins = List.copyOf(allowedOrigins);
    }

    /** Nanoseconds between frames at the configured rate. */
    public long frameIntervalNanos() {
        return Math.round(1e9 / fps);
    }

    @Override
    public String toString() {
        return "Settings[source=" + source.id() + ", " + width + "x" + height + " at " + fps + " fps, codec="
                + codec.id() + ", dataDir=" + dataDir + "]";
    }
}
