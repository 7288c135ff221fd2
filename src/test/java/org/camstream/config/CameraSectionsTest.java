package org.camstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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

/**
 * Several cameras in the settings: one section per camera in every layer, the flat settings as the first
 * camera, the order, one owner per device, and the admin page's changes to which cameras there are.
 */
class CameraSectionsTest {

    @TempDir
    Path dataDir;

    private ResolvedSettings resolve(List<String> args, Map<String, String> env, Map<String, String> context) {
        Properties system = new Properties();
        system.setProperty("camstream.data-dir", dataDir.toString());
        return SettingsLoader.of(args, env, system, context).resolve();
    }

    private List<String> names(Settings settings) {
        return settings.cameras().stream().map(CameraSettings::name).toList();
    }

    @Test
    void todaysFlatSettingsAreOneCameraNamedMain() {
        Settings s = resolve(List.of("--width", "640", "--height", "480"), Map.of(), Map.of()).settings();
        assertEquals(List.of("main"), names(s));
        assertEquals(640, s.firstCamera().width());
        assertEquals(100, s.firstCamera().maxViewers(), "the camera's cap is the total unless it has its own");
    }

    @Test
    void eachLayerTakesASectionPerCameraAndTheFlatCameraComesFirst() throws IOException {
        Files.writeString(dataDir.resolve("camstream.properties"),
                "camera.garden.source=ffmpeg\ncamera.garden.input=rtsp://garden.lan/live\nwidth=800\nheight=600\n");
        Map<String, String> env = Map.of("CAMSTREAM_CAMERA__NOZZLE_CAM__FPS", "15",
                "CAMSTREAM_CAMERA__NOZZLE_CAM__JPEG_QUALITY", "60");
        Map<String, String> context = Map.of("camstream.camera.attic.width", "320", "camstream.camera.attic.height", "240");
        ResolvedSettings resolved = resolve(List.of("--camera.garden.width=1920", "--camera.garden.height", "1080"), env,
                context);
        Settings s = resolved.settings();
        assertEquals(List.of("main", "attic", "garden", "nozzle-cam"), names(s), "flat first, then by name");
        assertEquals(800, s.camera("main").width());
        assertEquals(Source.FFMPEG, s.camera("garden").source());
        assertEquals(1920, s.camera("garden").width(), "the command line over the file, per camera");
        assertEquals(15.0, s.camera("nozzle-cam").fps());
        assertEquals(60, s.camera("nozzle-cam").jpegQuality());
        assertEquals(320, s.camera("attic").width());
        assertEquals(1280, s.camera("nozzle-cam").width(), "a section does not take the flat camera's values");
        assertEquals("environment variable CAMSTREAM_CAMERA__NOZZLE_CAM__FPS",
                resolved.value(SettingKey.of("nozzle-cam", Setting.FPS)).origin());
    }

    @Test
    void withOnlySectionsThereIsNoFlatCamera() {
        Settings s = resolve(List.of("--camera.nozzle.source", "test", "--camera.room.source", "test"), Map.of(),
                Map.of()).settings();
        assertEquals(List.of("nozzle", "room"), names(s));
    }

    @Test
    void camerasSetsTheListAndItsOrderAndNameNamesTheFlatCamera() {
        Settings s = resolve(List.of("--name", "printer", "--cameras", "room,printer", "--camera.room.source", "test",
                "--camera.attic.source", "test"), Map.of(), Map.of()).settings();
        assertEquals(List.of("room", "printer"), names(s), "attic is not listed, so it does not run");
    }

    @Test
    void badNamesAndTyposAreClearErrors() {
        SettingsException e = assertThrows(SettingsException.class,
                () -> resolve(List.of("--cameras", "Garden"), Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith("cameras must be camera names"), e.getMessage());
        e = assertThrows(SettingsException.class,
                () -> resolve(List.of("--camera.garden.widht", "640"), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("unknown option --camera.garden.widht"), e.getMessage());
        e = assertThrows(SettingsException.class,
                () -> resolve(List.of(), Map.of("CAMSTREAM_CAMERA__GARDEN", "x"), Map.of()));
        assertTrue(e.getMessage().contains("CAMSTREAM_CAMERA__GARDEN names no camera setting"), e.getMessage());
        e = assertThrows(SettingsException.class,
                () -> resolve(List.of("--camera.garden.width", "641"), Map.of(), Map.of()));
        assertTrue(e.getMessage().startsWith("camera.garden.width must be even"), e.getMessage());
        e = assertThrows(SettingsException.class,
                () -> resolve(List.of("--width", "640", "--camera.main.width", "320"), Map.of(), Map.of()));
        assertTrue(e.getMessage().contains("camera main is described twice"), e.getMessage());
    }

    @Test
    void aCameraOfItsOwnCapsItsViewersWithinTheTotal() {
        Settings s = resolve(List.of("--max-viewers", "50", "--camera.main.max-viewers", "10",
                "--camera.garden.source", "test"), Map.of(), Map.of()).settings();
        assertEquals(List.of("main", "garden"), names(s), "a flat camera's own cap does not make it a second one");
        assertEquals(50, s.maxViewers());
        assertEquals(10, s.camera("main").maxViewers());
        assertEquals(50, s.camera("garden").maxViewers());
    }

    @Test
    void twoCamerasOnOneDeviceAreRefusedNamingBoth() {
        SettingsException v4l2 = assertThrows(SettingsException.class, () -> resolve(List.of("--source", "v4l2",
                "--camera.desk.source", "v4l2", "--camera.desk.device", "/dev/video0"), Map.of(), Map.of()));
        assertTrue(v4l2.getMessage().startsWith("cameras main and desk are both set to video device /dev/video0"),
                v4l2.getMessage());
        assertTrue(v4l2.getMessage().contains("camera.desk.device"), v4l2.getMessage());
        SettingsException csi = assertThrows(SettingsException.class, () -> resolve(List.of("--camera.a.source",
                "rpicam", "--camera.b.source", "rpicam", "--camera.b.camera", "0"), Map.of(), Map.of()));
        assertTrue(csi.getMessage().contains("cameras a and b are both set to Raspberry Pi camera 0"), csi.getMessage());
        SettingsException input = assertThrows(SettingsException.class, () -> resolve(List.of("--source", "v4l2",
                "--camera.b.source", "ffmpeg", "--camera.b.input", "/dev/video0"), Map.of(), Map.of()));
        assertTrue(input.getMessage().contains("cameras main and b"), input.getMessage());
        SettingsException sound = assertThrows(SettingsException.class, () -> resolve(List.of("--audio", "alsa:hw:1,0",
                "--camera.b.audio", "alsa:plughw:1,0"), Map.of(), Map.of()));
        assertTrue(sound.getMessage().contains("ALSA card 1 device 0"), sound.getMessage());

        Settings fine = resolve(List.of("--camera.a.source", "rpicam", "--camera.b.source", "rpicam", "--camera.b.camera",
                "1", "--audio", "alsa:default", "--camera.b.audio", "alsa:default"), Map.of(), Map.of()).settings();
        assertEquals(List.of("main", "a", "b"), names(fine), "two CSI ports, and a shared ALSA default");
    }

    @Test
    void addRenameAndRemoveAreCheckedWholeAndSaved() throws IOException {
        ResolvedSettings start = resolve(List.of("--camera.garden.source", "test"), Map.of(), Map.of());
        assertEquals(List.of("garden"), names(start.settings()));

        ResolvedSettings added = start.withCameraAdded("porch", Map.of(Setting.WIDTH, "320", Setting.HEIGHT, "240"));
        assertEquals(List.of("garden", "porch"), names(added.settings()));
        assertEquals(320, added.settings().camera("porch").width());

        ResolvedSettings renamed = added.withCameraRenamed("garden", "yard");
        assertEquals(List.of("yard", "porch"), names(renamed.settings()), "the place in the list is kept");
        assertEquals(Source.TEST, renamed.settings().camera("yard").source());

        ResolvedSettings removed = renamed.withCameraRemoved("porch");
        assertEquals(List.of("yard"), names(removed.settings()));
        assertFalse(removed.saved().keySet().stream().anyMatch(k -> "porch".equals(k.camera())),
                "what was saved for a removed camera is forgotten");

        assertThrows(SettingsException.class, () -> removed.withCameraRemoved("yard"), "the last camera stays");
        assertThrows(SettingsException.class, () -> removed.withCameraAdded("yard", Map.of()), "a name is taken once");
        assertThrows(SettingsException.class, () -> removed.withCameraAdded("Bad Name", Map.of()));
        assertThrows(SettingsException.class, () -> removed.withCameraAdded("desk", Map.of(Setting.FPS, "0")));

        // What the admin page saved is what the next start reads.
        SavedSettings.write(dataDir, removed.saved());
        Settings again = resolve(List.of("--camera.garden.source", "test"), Map.of(), Map.of()).settings();
        assertEquals(List.of("yard"), names(again));
    }

    @Test
    void renamingTheFlatCameraChangesOnlyItsName() {
        ResolvedSettings start = resolve(List.of("--width", "640", "--height", "480"), Map.of(), Map.of());
        ResolvedSettings renamed = start.withCameraRenamed("main", "nozzle");
        assertEquals(List.of("nozzle"), names(renamed.settings()));
        assertEquals(640, renamed.settings().firstCamera().width());
        assertEquals("nozzle", renamed.flatCamera());
    }

    @Test
    void soundAndRelaysSavedOnTheAdminPageSurviveARestart() throws IOException {
        ResolvedSettings start = resolve(List.of(), Map.of(), Map.of());
        ResolvedSettings changed = start.withCamera("main", Map.of(Setting.AUDIO, "test",
                Setting.PUBLISH, "rtmp://relay.lan/live/camera"));
        SavedSettings.write(dataDir, changed.saved());
        CameraSettings again = resolve(List.of(), Map.of(), Map.of()).settings().firstCamera();
        assertEquals(AudioInput.Kind.TEST, again.audio().kind());
        assertEquals(1, again.publish().size());
    }
}
