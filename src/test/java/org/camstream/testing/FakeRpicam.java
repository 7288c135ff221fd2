package org.camstream.testing;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.apache.commons.io.file.PathUtils;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The fake {@code rpicam-vid} of src/test/fake-bin, which the integration tests put first on the PATH, and its
 * control files: each test starts with none, and ends with no camera process left over.
 */
public final class FakeRpicam implements BeforeEachCallback, AfterEachCallback {

    private final Path control = Path.of(System.getenv().getOrDefault("FAKE_RPICAM_DIR", "target/fake-rpicam"));

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (Files.exists(control)) {
            PathUtils.cleanDirectory(control);
        }
        Files.createDirectories(control);
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        Poll.until(Duration.ofSeconds(10), "no camera process left", () -> TestServer.ffmpegProcesses().isEmpty());
        PathUtils.cleanDirectory(control);
    }

    /** The directory of the control files: {@code busy}, {@code broken}, {@code exit-after}, and {@code calls.log}. */
    public Path control() {
        return control;
    }
}
