package org.camstream.camera.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Whether this Raspberry Pi has the hardware H.264 encoder. Up to the Pi 4 it appears as a video4linux device
 * named {@code bcm2835-codec-encode}; a Pi 5 has none, and rpicam-vid must encode with libav in software.
 */
final class HardwareEncoder {

    static final Path VIDEO4LINUX = Path.of("/sys/class/video4linux");

    private HardwareEncoder() {
    }

    static boolean present(Path video4linux) {
        if (!Files.isDirectory(video4linux)) {
            return false;
        }
        try (DirectoryStream<Path> devices = Files.newDirectoryStream(video4linux)) {
            for (Path device : devices) {
                Path name = device.resolve("name");
                if (Files.isReadable(name)
                        && Files.readString(name, StandardCharsets.UTF_8).trim().startsWith("bcm2835-codec")) {
                    return true;
                }
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }
}
