package org.camstream.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import org.apache.commons.io.file.PathUtils;
import org.camstream.camera.Camera;
import org.camstream.camera.CameraServices;
import org.camstream.camera.Cameras;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.camstream.record.RecordingClock;
import org.camstream.record.RecordingStorage;
import org.camstream.record.Recordings;
import org.camstream.record.Retention;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The exposition of real cameras that nobody watches (so no process runs): every family typed and helped, every
 * camera's figures labelled with its name, read from the counters the status reads, and cameras that come and go
 * between two scrapes.
 */
class CameraMetricsTest {

    private Path dataDir;
    private ScheduledThreadPoolExecutor executor;
    private Recordings recordings;
    private Cameras cameras;

    @BeforeEach
    void start() throws IOException {
        dataDir = Files.createTempDirectory("camstream-metrics-test");
        executor = new ScheduledThreadPoolExecutor(1);
        recordings = new Recordings(dataDir, RecordingClock.system(), RecordingStorage.disk(),
                () -> new Retention.Limits(Duration.ofDays(7), 0, 0), executor);
        cameras = new Cameras(settings().cameras(),
                new CameraServices(executor, executor, () -> Duration.ofSeconds(10), recordings));
    }

    private Settings settings(String... more) {
        List<String> args = new ArrayList<>(List.of("--data-dir", dataDir.toString(), "--width", "320", "--height",
                "240", "--camera.yard.source", "test", "--camera.yard.audio", "test"));
        args.addAll(List.of(more));
        return SettingsLoader.ofProcess(args, Map.of()).load();
    }

    @AfterEach
    void stop() throws IOException {
        cameras.close();
        recordings.close();
        executor.shutdownNow();
        PathUtils.deleteDirectory(dataDir);
    }

    private Exposition scrape(CamstreamMetrics metrics) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        metrics.writeTo(out);
        return new Exposition(out.toString(StandardCharsets.UTF_8));
    }

    @Test
    void everyCamerasFiguresAreLabelledWithItsNameAndReadFromItsCounters() throws IOException {
        Camera main = cameras.get("main");
        main.counters().mjpeg.viewerJoined();
        main.counters().mjpeg.sent(1000);
        main.counters().mjpeg.sent(500);
        main.counters().mjpeg.dropped();
        main.hlsCounters().playlists.increment();
        main.hlsCounters().parts.add(3);
        main.hlsCounters().bytesSent.add(4096);

        // HLS players make requests, not connections: the web layer counts them and says how many.
        Exposition e = scrape(CamstreamMetrics.of(cameras, recordings, () -> null,
                camera -> camera.name().equals("main") ? 2 : 0));

        for (String camera : List.of("main", "yard")) {
            assertEquals(0, e.value("camstream_camera_frames_total", "camera", camera), "nobody watched " + camera);
            assertEquals(0, e.value("camstream_camera_up", "camera", camera));
            assertEquals(1, e.value("camstream_camera_state", "camera", camera, "state", "idle"));
            assertEquals(1, e.find("camstream_camera_state", "camera", camera).stream()
                    .mapToDouble(Exposition.Sample::value).sum(), "one state at a time");
            assertEquals(6, e.find("camstream_camera_state", "camera", camera).size(), "every state, each 0 or 1");
            assertEquals(0, e.value("camstream_camera_restarts_total", "camera", camera));
            assertEquals(0, e.value("camstream_camera_frames_discarded_total", "camera", camera));
            assertEquals(1, e.value("camstream_camera_info", "camera", camera, "source", "test", "codec", "h264"));
            for (String format : List.of("mjpeg", "jpeg", "snapshot", "h264", "mp4", "ws")) {
                e.value("camstream_stream_viewers", "camera", camera, "format", format);
                e.value("camstream_stream_sent_bytes_total", "camera", camera, "format", format);
            }
            assertEquals(0, e.value("camstream_hls_running", "camera", camera));
        }
        assertEquals(1, e.value("camstream_stream_viewers", "camera", "main", "format", "mjpeg"));
        assertEquals(0, e.value("camstream_stream_viewers", "camera", "yard", "format", "mjpeg"));
        assertEquals(2, e.value("camstream_stream_viewers", "camera", "main", "format", "hls"));
        assertEquals(0, e.value("camstream_stream_viewers", "camera", "yard", "format", "hls"));
        assertEquals(2, e.value("camstream_stream_frames_sent_total", "camera", "main", "format", "mjpeg"));
        assertEquals(1500, e.value("camstream_stream_sent_bytes_total", "camera", "main", "format", "mjpeg"));
        assertEquals(1, e.value("camstream_stream_frames_skipped_total", "camera", "main", "format", "mjpeg"));
        assertEquals(1, e.value("camstream_hls_requests_total", "camera", "main", "kind", "playlist"));
        assertEquals(3, e.value("camstream_hls_requests_total", "camera", "main", "kind", "part"));
        assertEquals(4096, e.value("camstream_hls_sent_bytes_total", "camera", "main"));
        assertTrue(e.find("camstream_stream_viewers", "format", "rtsp").isEmpty(), "no RTSP server, no RTSP row");

        // Sound: the yard has it, but nothing comes while the camera is idle, so its level is absent, not made up.
        assertEquals(0, e.value("camstream_audio_up", "camera", "yard"));
        assertTrue(e.find("camstream_audio_up", "camera", "main").isEmpty(), "main has no sound");
        assertFalse(e.types.containsKey("camstream_audio_level_dbfs"), "no level while no sound comes");
        // No relay and no recorder is configured: their families are left out.
        assertFalse(e.types.containsKey("camstream_relay_up"));
        assertFalse(e.types.containsKey("camstream_recording_up"));
        assertTrue(e.value("camstream_recordings_disk_free_bytes") > 0, "the data directory's disk");
        // The JVM, from the client's instrumentation.
        assertTrue(e.value("jvm_memory_used_bytes", "area", "heap") > 0);
        assertTrue(e.value("jvm_threads_current") > 0);
        assertTrue(e.types.containsKey("process_cpu_seconds_total") || e.types.containsKey("process_cpu_seconds"));

        assertEquals("idle", cameras.get("main").status().state().id(), "a scrape starts no camera");
    }

    @Test
    void everyFamilyHasItsTypeAndHelpAndCountersEndInTotal() throws IOException {
        Exposition e = scrape(CamstreamMetrics.of(cameras, recordings, () -> null, camera -> 0));
        for (Map.Entry<String, String> family : e.types.entrySet()) {
            assertTrue(e.help.containsKey(family.getKey()) && !e.help.get(family.getKey()).isBlank(),
                    family.getKey() + " has a help text");
            if (family.getKey().startsWith("camstream_")) {
                assertTrue(family.getValue().equals("counter") == family.getKey().endsWith("_total"),
                        family.getKey() + " is a " + family.getValue());
            }
        }
        assertTrue(e.samples.size() > 50, "cameras and the JVM: " + e.samples.size() + " samples");
    }

    @Test
    void aCameraAddedOrRemovedAppearsOrGoesWithTheNextScrape() throws IOException {
        CamstreamMetrics metrics = CamstreamMetrics.of(cameras, recordings, () -> null, camera -> 0);
        assertEquals(2, scrape(metrics).find("camstream_camera_up").size());

        cameras.apply(settings("--camera.porch.source", "test").cameras());
        Exposition three = scrape(metrics);
        assertEquals(List.of("main", "porch", "yard"), three.find("camstream_camera_up").stream()
                .map(s -> s.labels().get("camera")).sorted().toList());

        cameras.apply(List.of(cameras.get("yard").settings()));
        assertEquals(List.of("yard"), scrape(metrics).find("camstream_camera_up").stream()
                .map(s -> s.labels().get("camera")).toList());
    }

    @Test
    void theTokenMustBePrintableAndIsNeverShownInTheError() {
        SettingsException refused = assertThrows(SettingsException.class,
                () -> settings("--metrics-token", "open sesame"));
        assertTrue(refused.getMessage().contains("metrics-token"), refused.getMessage());
        assertFalse(refused.getMessage().contains("sesame"), "the token is hidden: " + refused.getMessage());
        assertEquals("s3cr3t-t0ken", settings("--metrics-token", "s3cr3t-t0ken").metricsToken());
        assertEquals("", settings().metricsToken(), "none by default");
    }
}
