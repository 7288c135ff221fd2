package org.camstream.camera.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.camstream.config.CameraSettings;
import org.camstream.config.SettingsLoader;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class RpicamCommandTest {

    @TempDir
    Path dataDir;

    private CameraSettings settings(String... args) {
        List<String> all = new java.util.ArrayList<>(List.of("--data-dir", dataDir.toString(), "--source", "rpicam"));
        all.addAll(List.of(args));
        return SettingsLoader.of(all, Map.of(), new Properties(), Map.of()).load().firstCamera();
    }

    @Test
    void h264OnAPiWithTheHardwareEncoder() {
        assertEquals(List.of("rpicam-vid", "-t", "0", "-n", "--codec", "h264", "--inline", "--flush",
                "--width", "1280", "--height", "720", "--framerate", "30", "--intra", "30",
                "--bitrate", "2000000", "--camera", "0", "-o", "-"),
                RpicamCommand.build("rpicam-vid", settings(), true));
    }

    @Test
    void h264OnAPi5EncodesWithLibav() {
        List<String> args = RpicamCommand.build("rpicam-vid", settings("--fps", "25", "--bitrate", "4M",
                "--keyframe-interval", "50"), false);
        assertEquals(List.of("--framerate", "25", "--intra", "50", "--bitrate", "4000000"),
                args.subList(12, 18));
        assertEquals(List.of("--libav-format", "h264", "--low-latency", "-o", "-"),
                args.subList(args.size() - 5, args.size()));
    }

    @Test
    void mjpegWithQualityCameraRotationAndFlips() {
        List<String> args = RpicamCommand.build("libcamera-vid", settings("--codec", "mjpeg", "--jpeg-quality", "70",
                "--camera", "1", "--rotation", "180", "--hflip", "--vflip", "--width", "640", "--height", "480"), false);
        assertEquals(List.of("libcamera-vid", "-t", "0", "-n", "--codec", "mjpeg", "--inline", "--flush",
                "--width", "640", "--height", "480", "--framerate", "30", "--intra", "30", "--quality", "70",
                "--camera", "1", "--rotation", "180", "--hflip", "--vflip", "-o", "-"), args);
    }

    @Test
    void thePiEncoderLimitIsASettingsError() {
        org.camstream.config.SettingsException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.camstream.config.SettingsException.class, () -> settings("--width", "2560", "--height", "1440"));
        assertTrue(e.getMessage().contains("at most 1920"), e.getMessage());
    }

    @Test
    void aPi5HasNoBcm2835CodecDevice(@TempDir Path sys) throws IOException {
        Path pi4 = sys.resolve("pi4");
        for (String[] device : new String[][] {{"video10", "bcm2835-codec-decode"}, {"video11", "bcm2835-codec-encode"},
                {"video0", "unicam-image"}}) {
            Files.createDirectories(pi4.resolve(device[0]));
            Files.writeString(pi4.resolve(device[0]).resolve("name"), device[1] + "\n");
        }
        Path pi5 = sys.resolve("pi5");
        for (String[] device : new String[][] {{"video0", "rp1-cfe"}, {"video20", "pispbe"}}) {
            Files.createDirectories(pi5.resolve(device[0]));
            Files.writeString(pi5.resolve(device[0]).resolve("name"), device[1] + "\n");
        }
        assertTrue(HardwareEncoder.present(pi4));
        assertFalse(HardwareEncoder.present(pi5));
        assertFalse(HardwareEncoder.present(sys.resolve("no-such-dir")));
    }

    @Test
    void aCameraHeldByAnotherProcessIsRecognised() {
        var busy = RpicamCapture.cameraBusy();
        assertTrue(busy.apply("[0:00:01.2] [42] ERROR RPI pipeline_base.cpp:743 Pipeline handler in use by another process")
                .contains("in use by another process"));
        assertTrue(busy.apply("ERROR: *** failed to acquire camera /base/soc/i2c0mux/i2c@1/imx708@1a ***") != null);
        assertEquals(null, busy.apply("[0:00:00.1] [42] INFO Camera camera_manager.cpp:330 libcamera v0.3.0"));
    }
}
