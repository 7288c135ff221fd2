package org.camstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {

    @TempDir
    Path dataDir;

    @Test
    void defaultsDescribeTheBuiltInTestCamera() {
        Settings s = load(List.of(), Map.of(), new Properties(), Map.of());
        assertEquals(8080, s.port());
        assertEquals("0.0.0.0", s.bind());
        assertEquals(Source.TEST, s.firstCamera().source());
        assertEquals(1280, s.firstCamera().width());
        assertEquals(720, s.firstCamera().height());
        assertEquals(30.0, s.firstCamera().fps());
        assertEquals(dataDir, s.dataDir());
    }

    @Test
    void eachLayerOverridesTheOnesBelowIt() throws IOException {
        Files.writeString(dataDir.resolve("camstream.properties"), "width=800\nheight=600\nfps=20\njpeg-quality=50\n");
        Map<String, String> context = Map.of("camstream.width", "320", "camstream.height", "240",
                "camstream.fps", "10", "camstream.jpeg-quality", "10", "camstream.port", "9000");
        Properties system = new Properties();
        system.setProperty("camstream.height", "480");
        system.setProperty("camstream.fps", "25");
        Map<String, String> env = Map.of("CAMSTREAM_FPS", "15", "CAMSTREAM_JPEG_QUALITY", "90");
        List<String> args = List.of("--jpeg-quality=95");

        Settings s = load(args, env, system, context);

        assertEquals(9000, s.port(), "context parameter over default");
        assertEquals(800, s.firstCamera().width(), "properties file over context parameter");
        assertEquals(480, s.firstCamera().height(), "system property over properties file");
        assertEquals(15.0, s.firstCamera().fps(), "environment over system property");
        assertEquals(95, s.firstCamera().jpegQuality(), "command line over environment");
    }

    @Test
    void theDataDirectoryComesFromEveryLayerButItsOwnFile(@TempDir Path other) throws IOException {
        Files.writeString(other.resolve("camstream.properties"), "width=640\n");
        Settings s = SettingsLoader.of(List.of("--data-dir", other.toString()), Map.of(), new Properties(),
                Map.of()).load();
        assertEquals(other, s.dataDir());
        assertEquals(640, s.firstCamera().width());
    }

    @Test
    void invalidValuesNameTheSettingTheRuleAndWhereTheyCameFrom() {
        SettingsException e = assertThrows(SettingsException.class,
                () -> load(List.of(), Map.of("CAMSTREAM_WIDTH", "abc"), new Properties(), Map.of()));
        assertEquals("width must be a whole number from 64 to 4096, got 'abc' (from environment variable CAMSTREAM_WIDTH)",
                e.getMessage());

        e = assertThrows(SettingsException.class,
                () -> load(List.of("--height", "721"), Map.of(), new Properties(), Map.of()));
        assertTrue(e.getMessage().startsWith("height must be even"), e.getMessage());

        e = assertThrows(SettingsException.class,
                () -> load(List.of("--source", "webcam"), Map.of(), new Properties(), Map.of()));
        assertTrue(e.getMessage().contains("must be one of test, rpicam, v4l2, ffmpeg"), e.getMessage());

        e = assertThrows(SettingsException.class,
                () -> load(List.of("--fps", "0"), Map.of(), new Properties(), Map.of()));
        assertTrue(e.getMessage().startsWith("fps must be from 1"), e.getMessage());
    }

    @Test
    void unknownOptionsAndMissingValuesAreErrors() throws IOException {
        assertThrows(SettingsException.class, () -> load(List.of("--widht", "640"), Map.of(), new Properties(), Map.of()));
        assertThrows(SettingsException.class, () -> load(List.of("--width"), Map.of(), new Properties(), Map.of()));
        assertThrows(SettingsException.class, () -> load(List.of("640"), Map.of(), new Properties(), Map.of()));

        Files.writeString(dataDir.resolve("camstream.properties"), "widht=640\n");
        SettingsException e = assertThrows(SettingsException.class,
                () -> load(List.of(), Map.of(), new Properties(), Map.of()));
        assertTrue(e.getMessage().contains("unknown setting(s) [widht]"), e.getMessage());
    }

    @Test
    void everySettingHasOneNameInEveryLayer() {
        assertEquals("--jpeg-quality", Setting.JPEG_QUALITY.flag());
        assertEquals("CAMSTREAM_JPEG_QUALITY", Setting.JPEG_QUALITY.environmentVariable());
        assertEquals("camstream.jpeg-quality", Setting.JPEG_QUALITY.parameterName());
        assertEquals("jpeg-quality", Setting.JPEG_QUALITY.key());
    }

    private Settings load(List<String> args, Map<String, String> env, Properties system, Map<String, String> context) {
        Properties withDataDir = new Properties();
        withDataDir.putAll(system);
        if (!withDataDir.containsKey("camstream.data-dir")) {
            withDataDir.setProperty("camstream.data-dir", dataDir.toString());
        }
        return SettingsLoader.of(args, env, withDataDir, context).load();
    }
}
