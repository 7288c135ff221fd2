package org.camstream.testing;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** The shared, read-only recordings; read in place, never copied into the repository. */
public final class Fixtures {
    /** SPS/PPS before every IDR, like {@code rpicam-vid --inline}. */
    public static final String PI_720P_INLINE = "pi-1280x720-inline-headers.h264";
    /** SPS/PPS once at the start only. */
    public static final String PI_480P_ONCE = "pi-640x480-headers-once.h264";

    private Fixtures() {}

    public static Path piH264(String name) {
        Path path = Path.of("..", "shared", "fixtures", "pi-h264", name);
        assertTrue(Files.isReadable(path), "missing fixture " + path.toAbsolutePath());
        return path;
    }

    public static byte[] read(Path path) {
        try {
            return Files.readAllBytes(path);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
