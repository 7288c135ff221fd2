package org.camstream.camera.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/** Lists the webcams video4linux knows and the formats each offers, by asking ffmpeg. */
public final class V4l2Devices {

    /** Video devices that belong to a Raspberry Pi's own camera and codec hardware, not webcams. */
    private static final List<String> INTERNAL = List.of("bcm2835-", "rpi-", "pispbe", "rp1-cfe", "unicam");
    /** The fields are separated by a colon and spaces; a description may hold colons of its own (YUYV 4:2:2). */
    private static final Pattern SEPARATOR = Pattern.compile("\\s*:\\s+");

    private V4l2Devices() {
    }

    /** The webcams under /sys/class/video4linux, each with its formats; empty where the system cannot tell. */
    public static List<V4l2Device> list() {
        List<V4l2Device> devices = new ArrayList<>();
        Path root = HardwareEncoder.VIDEO4LINUX;
        if (!Files.isDirectory(root)) {
            return devices;
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(root, "video*")) {
            for (Path entry : entries) {
                String name = readName(entry);
                if (INTERNAL.stream().anyMatch(name::startsWith)) {
                    continue;
                }
                String path = "/dev/" + entry.getFileName();
                List<V4l2Device.Format> formats = formats(path);
                if (!formats.isEmpty()) {
                    devices.add(new V4l2Device(path, name, formats));
                }
            }
        } catch (IOException e) {
            return devices;
        }
        devices.sort(Comparator.comparing(V4l2Device::path));
        return devices;
    }

    /** The formats of one device, from {@code ffmpeg -f v4l2 -list_formats all}. */
    static List<V4l2Device.Format> formats(String device) {
        Process process = null;
        try {
            process = new ProcessBuilder("ffmpeg", "-hide_banner", "-f", "v4l2", "-list_formats", "all",
                    "-i", device).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                return List.of();
            }
            return parseFormats(new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            process.destroyForcibly(); // asked to stop: the listing must not outlive the camera
            Thread.currentThread().interrupt();
            return List.of();
        }
    }

    /**
     * Parses ffmpeg's format list, lines such as
     * {@code [video4linux2,v4l2 @ 0x5581] Compressed:       mjpeg :          Motion-JPEG : 1280x720 640x480}.
     */
    static List<V4l2Device.Format> parseFormats(String ffmpegOutput) {
        List<V4l2Device.Format> formats = new ArrayList<>();
        for (String line : ffmpegOutput.split("\n")) {
            if (!line.contains("v4l2")) {
                continue;
            }
            int bracket = line.indexOf(']');
            if (bracket < 0) {
                continue;
            }
            String[] fields = SEPARATOR.split(line.substring(bracket + 1).trim(), 4);
            if (fields.length < 3 || !(fields[0].equals("Compressed") || fields[0].equals("Raw"))) {
                continue;
            }
            List<String> sizes = new ArrayList<>();
            if (fields.length == 4) {
                for (String size : fields[3].trim().split("\\s+")) {
                    if (!size.isEmpty()) {
                        sizes.add(size);
                    }
                }
            }
            formats.add(new V4l2Device.Format(fields[0].equals("Compressed"), fields[1].trim(), fields[2].trim(),
                    sizes));
        }
        return formats;
    }

    private static String readName(Path entry) {
        try {
            return Files.readString(entry.resolve("name"), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            return "";
        }
    }
}
