package org.camstream.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Runs ffmpeg and ffprobe (argument lists, no shell) and reads what they report. */
public final class MediaTools {
    private static final long TIMEOUT_SECONDS = 60;

    /** Exit code and output of one run. */
    public record Result(int exitCode, byte[] stdout, String stderr) {
        public String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }
    }

    private MediaTools() {}

    public static Result run(List<String> command) {
        try {
            Path out = Files.createTempFile("camstream-tool", ".out");
            Path err = Files.createTempFile("camstream-tool", ".err");
            try {
                Process process = new ProcessBuilder(command)
                        .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                        .redirectOutput(out.toFile())
                        .redirectError(err.toFile())
                        .start();
                if (!process.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    fail("timed out after " + TIMEOUT_SECONDS + " s: " + command);
                }
                return new Result(process.exitValue(), Files.readAllBytes(out), Files.readString(err));
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Runs a tool that must succeed; returns its stdout. */
    public static Result runOk(List<String> command) {
        Result result = run(command);
        assertEquals(0, result.exitCode(), () -> command + " failed: " + result.stderr());
        return result;
    }

    public static Result ffmpeg(String... args) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y"));
        command.addAll(List.of(args));
        return run(command);
    }

    /** Runs ffmpeg, which must succeed, and returns what it wrote to stdout. */
    public static byte[] ffmpegOutput(String... args) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "error"));
        command.addAll(List.of(args));
        return runOk(command).stdout();
    }

    /** Runs ffprobe, which must succeed, and returns its stdout as trimmed text. */
    public static String ffprobe(String... args) {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        command.addAll(List.of(args));
        return runOk(command).stdoutText().trim();
    }

    /** Encodes {@code seconds} of the lavfi testsrc2 pattern with libx264 to raw Annex B. */
    public static Path x264AnnexB(Path dir, String name, String size, double seconds, String... extra) {
        Path file = dir.resolve(name);
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-y", "-v", "error",
                "-f", "lavfi", "-i", "testsrc2=size=" + size + ":rate=30", "-t", String.valueOf(seconds),
                "-c:v", "libx264", "-preset", "ultrafast", "-tune", "zerolatency", "-bf", "0"));
        command.addAll(List.of(extra));
        command.addAll(List.of("-f", "h264", file.toString()));
        runOk(command);
        return file;
    }

    /** ffprobe with JSON output, parsed. */
    public static Map<String, Object> probeJson(Path file, String... args) {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        command.addAll(List.of(args));
        command.addAll(List.of("-of", "json", file.toString()));
        try {
            return JSON.std.mapFrom(runOk(command).stdoutText());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Width, height, profile, level, pixel format and decoded frame count of the first video stream. */
    @SuppressWarnings("unchecked")
    public static Map<String, Object> probeVideoStream(Path file) {
        Map<String, Object> json = probeJson(file, "-count_frames", "-select_streams", "v:0",
                "-show_entries", "stream=width,height,profile,level,pix_fmt,field_order,has_b_frames,sample_aspect_ratio,r_frame_rate,nb_read_frames");
        List<Map<String, Object>> streams = (List<Map<String, Object>>) json.get("streams");
        assertEquals(1, streams.size(), () -> "streams of " + file + ": " + json);
        return streams.get(0);
    }

    /** Packet sizes and key flags of the first video stream, in stream order. */
    @SuppressWarnings("unchecked")
    public static List<Packet> probePackets(Path file) {
        Map<String, Object> json = probeJson(file, "-select_streams", "v:0", "-show_entries", "packet=size,flags");
        List<Packet> packets = new ArrayList<>();
        for (Map<String, Object> p : (List<Map<String, Object>>) json.get("packets")) {
            packets.add(new Packet(Integer.parseInt(p.get("size").toString()), p.get("flags").toString().startsWith("K")));
        }
        return packets;
    }

    public static int intField(Map<String, Object> stream, String name) {
        Object value = stream.get(name);
        if (value == null) fail("ffprobe reported no " + name + ": " + stream);
        return Integer.parseInt(value.toString());
    }

    /** One demuxed packet as ffprobe sees it. */
    public record Packet(int size, boolean key) {}
}
