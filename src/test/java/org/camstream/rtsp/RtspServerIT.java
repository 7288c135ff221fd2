package org.camstream.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camstream.testing.AvSync;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.camstream.testing.TestServer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The RTSP server against the real clients Home Assistant, Frigate and NVRs are built on: ffmpeg and ffprobe
 * over TCP and UDP, GStreamer's rtspsrc, and VLC. One server with a camera that beeps and flashes every second,
 * so the sound and its sync can be checked too.
 */
class RtspServerIT {

    private static TestServer server;

    @TempDir
    Path temp;

    @BeforeAll
    static void start() {
        server = TestServer.start("--width", "640", "--height", "360", "--fps", "30", "--audio", "test");
    }

    @AfterAll
    static void stop() {
        server.close();
    }

    @Test
    void ffprobeSeesTheVideoAtItsSizeAndTheSoundOverTcpAndUdp() {
        for (String transport : List.of("tcp", "udp")) {
            String streams = MediaTools.ffprobe("-v", "error", "-rtsp_transport", transport, "-show_entries",
                    "stream=codec_name,width,height,sample_rate", "-of", "compact", server.rtspUrl("/main"));
            assertTrue(streams.contains("codec_name=h264|width=640|height=360"), transport + ": " + streams);
            assertTrue(streams.contains("codec_name=aac"), transport + ": " + streams);
            assertTrue(streams.contains("sample_rate=48000"), transport + ": " + streams);
        }
        // The root is the first camera.
        String root = MediaTools.ffprobe("-v", "error", "-rtsp_transport", "tcp", "-show_entries",
                "stream=codec_name", "-of", "compact", server.rtspUrl("/"));
        assertTrue(root.contains("codec_name=h264"), root);
    }

    /**
     * Frigate's documented camera input: its default {@code preset-rtsp-generic} input arguments, then what its
     * detect role reads (raw pictures at 5 fps, scaled) and what its record role writes (10 s MP4 segments, the
     * video copied, the sound as AAC), each as its own ffmpeg, as Frigate runs them.
     */
    @Test
    void frigatesPresetReadsForDetectAndRecord() throws Exception {
        List<String> frigateInput = List.of("-avoid_negative_ts", "make_zero", "-fflags", "+genpts+discardcorrupt",
                "-rtsp_transport", "tcp", "-timeout", "5000000", "-use_wallclock_as_timestamps", "1",
                "-i", server.rtspUrl("/main"));
        List<String> detect = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "warning"));
        detect.addAll(frigateInput);
        detect.addAll(List.of("-r", "5", "-vf", "fps=5,scale=320:180", "-frames:v", "10", "-f", "rawvideo",
                "-pix_fmt", "yuv420p", "pipe:"));
        MediaTools.Result pictures = MediaTools.run(detect);
        assertEquals(0, pictures.exitCode(), pictures.stderr());
        assertEquals(10 * 320 * 180 * 3 / 2, pictures.stdout().length, "ten raw 320x180 pictures for detection");

        List<String> record = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-loglevel", "warning"));
        record.addAll(frigateInput);
        Path segment = temp.resolve("frigate-%03d.mp4");
        record.addAll(List.of("-t", "4", "-f", "segment", "-segment_time", "10", "-segment_format", "mp4",
                "-reset_timestamps", "1", "-c:v", "copy", "-c:a", "aac", segment.toString()));
        MediaTools.Result recorded = MediaTools.run(record);
        assertEquals(0, recorded.exitCode(), recorded.stderr());
        Path first = temp.resolve("frigate-000.mp4");
        String streams = MediaTools.ffprobe("-v", "error", "-show_entries", "stream=codec_name,width,height",
                "-of", "compact", first.toString());
        assertTrue(streams.contains("codec_name=h264|width=640|height=360") && streams.contains("codec_name=aac"),
                streams);
        double seconds = Double.parseDouble(MediaTools.ffprobe("-v", "error", "-show_entries", "format=duration",
                "-of", "csv=p=0", first.toString()));
        assertTrue(seconds > 3 && seconds < 5, "a 4 s recording: " + seconds);
    }

    /**
     * Home Assistant's stream component opens an RTSP source with PyAV (ffmpeg) and {@code rtsp_flags=prefer_tcp}
     * and a 5 s timeout, then copies the packets into fMP4 segments for its HLS: the same here, with ffmpeg.
     */
    @Test
    void homeAssistantsStreamOptionsRemuxToFragmentedMp4() {
        Path out = temp.resolve("home-assistant.mp4");
        MediaTools.Result remux = MediaTools.run(List.of("ffmpeg", "-hide_banner", "-loglevel", "warning",
                "-rtsp_flags", "prefer_tcp", "-timeout", "5000000", "-i", server.rtspUrl("/main"), "-t", "3",
                "-c", "copy", "-movflags", "frag_keyframe+empty_moov+default_base_moof", "-f", "mp4", out.toString()));
        assertEquals(0, remux.exitCode(), remux.stderr());
        String packets = MediaTools.ffprobe("-v", "error", "-select_streams", "v:0", "-count_packets",
                "-show_entries", "stream=nb_read_packets", "-of", "csv=p=0", out.toString());
        assertTrue(Integer.parseInt(packets) >= 60, "3 s at 30 fps: " + packets);
    }

    @Test
    void ffmpegDecodesBothTracksWithoutAnErrorOverTcpAndUdp() {
        for (String transport : List.of("tcp", "udp")) {
            MediaTools.Result result = MediaTools.run(List.of("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport",
                    transport, "-i", server.rtspUrl("/main"), "-t", "5", "-fps_mode", "passthrough", "-f", "null", "-"));
            assertEquals(0, result.exitCode(), transport + ": " + result.stderr());
            assertEquals("", decodeErrors(result.stderr()), transport + ": decoding errors");
        }
    }

    @Test
    void soundAndPictureAreInSyncByTheSenderReports() throws Exception {
        Path file = temp.resolve("rtsp.mp4");
        MediaTools.runOk(List.of("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "tcp", "-i",
                server.rtspUrl("/main"), "-t", "6", "-c", "copy", "-y", file.toString()));
        List<Double> offsets = AvSync.offsetsMillis(file);
        assertTrue(offsets.size() >= 3, "beeps and flashes found: " + offsets);
        for (double offset : offsets) {
            assertTrue(Math.abs(offset) <= 40, "sound minus picture, ms: " + offsets);
        }
        System.out.println("RTSP A/V offsets (ms, sound minus picture): " + offsets);
    }

    @Test
    void gstreamerPlaysForTenSeconds() {
        // Each stream linked by its media: a bare "rtspsrc ! decodebin" links whichever pad comes first, and when
        // that is the sound, the pictures have nowhere to go.
        MediaTools.Result result = MediaTools.run(List.of("gst-launch-1.0", "-q", "rtspsrc", "name=src",
                "location=" + server.rtspUrl("/main"), "protocols=tcp", "latency=200",
                "src.", "!", "application/x-rtp,media=video", "!", "decodebin", "!", "videoconvert", "!",
                "fakesink", "num-buffers=300", "sync=false",
                "src.", "!", "application/x-rtp,media=audio", "!", "fakesink", "num-buffers=100", "sync=false"));
        // 300 pictures at 30 fps: ten seconds of the camera's
        assertEquals(0, result.exitCode(), result.stderr() + new String(result.stdout()));
        assertFalse((result.stderr() + result.stdoutText()).contains("ERROR"), result.stderr());
    }

    @Test
    void vlcReadsTheStream() throws Exception {
        // Debian's VLC is built without live555: its RTSP goes through its ffmpeg demuxer, asked for by name.
        // It refuses to run as root, so it runs as nobody.
        List<String> command = new ArrayList<>();
        if ("root".equals(System.getProperty("user.name"))) {
            command.addAll(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups", "env",
                    "HOME=" + temp));
        }
        command.addAll(List.of("cvlc", "-I", "dummy", "--vout=dummy", "--aout=dummy", "--run-time=4",
                "--play-and-exit", "--demux=avformat", "--avformat-format=rtsp", "-vv", server.rtspUrl("/main")));
        Files.setPosixFilePermissions(temp, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));
        MediaTools.Result result = MediaTools.run(command);
        String log = result.stderr() + result.stdoutText();
        assertTrue(log.contains("detected format: rtsp"), log);
        assertTrue(log.contains("a=rtpmap:96 H264/90000"), "VLC read the description: " + log);
        assertTrue(log.contains("codec (h264) started"), "VLC decodes the pictures: " + log);
        assertTrue(log.contains("mpeg4-generic"), "and sees the sound: " + log);
    }

    @Test
    void theStatusListsEachClientWithItsTransportAndBytes() throws Exception {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-nostdin", "-v", "error", "-rtsp_transport", "udp", "-i",
                server.rtspUrl("/main"), "-t", "30", "-c", "copy", "-f", "null", "-")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            Map<String, Object> client = Poll.until(Duration.ofSeconds(20), "a UDP client in the status",
                    () -> clients().stream().filter(c -> "udp".equals(c.get("transport"))
                            && ((Number) c.get("bytes")).longValue() > 100_000).findFirst().orElse(null),
                    c -> c != null);
            assertEquals("playing", client.get("state"));
            assertTrue(String.valueOf(client.get("address")).startsWith("127.0.0.1:"), client.toString());
            assertEquals(0L, ((Number) client.get("droppedPictures")).longValue(), client.toString());
            @SuppressWarnings("unchecked")
            Map<String, Object> viewers = (Map<String, Object>) server.status().get("viewers");
            assertEquals(1, ((Number) viewers.get("rtsp")).intValue(), "an RTSP client counts as a viewer");
            @SuppressWarnings("unchecked")
            Map<String, Object> rtsp = (Map<String, Object>) server.status().get("rtsp");
            assertEquals("listening", rtsp.get("state"));
            assertEquals(server.rtspPort(), ((Number) rtsp.get("port")).intValue());
        } finally {
            ffmpeg.destroy();
            ffmpeg.waitFor();
        }
        Poll.until(Duration.ofSeconds(75), "the UDP client's session to end", () -> clients().isEmpty());
    }

    @SuppressWarnings("unchecked")
    private static List<Map<String, Object>> clients() {
        Map<String, Object> status = (Map<String, Object>) ((Map<String, Object>) server.status().get("cameras")).get("main");
        return (List<Map<String, Object>>) ((Map<String, Object>) status.get("rtsp")).get("clients");
    }

    /** ffmpeg's complaints about the stream itself; the null muxer's note on equal timestamps is not one. */
    static String decodeErrors(String stderr) {
        StringBuilder errors = new StringBuilder();
        for (String line : stderr.split("\n")) {
            if (!line.isBlank() && !line.contains("non monotonically increasing dts")
                    && !line.contains("Last message repeated")) {
                errors.append(line).append('\n');
            }
        }
        return errors.toString();
    }

}
