package org.camstream.camera.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Lists the Raspberry Pi cameras, by running {@code rpicam-hello --list-cameras} (or libcamera-hello on older
 * Raspberry Pi OS) once, with a deadline. Without the program, or when it fails, there are none.
 */
public final class CsiCameras {

    static final List<String> PROGRAMS = List.of("rpicam-hello", "libcamera-hello");
    private static final long DEADLINE_SECONDS = 5;
    private static final int MAX_OUTPUT_BYTES = 64 * 1024;
    /** {@code 0 : imx708 [4608x2592 10-bit RGGB] (/base/soc/i2c0mux/i2c@1/imx708@1a)} */
    private static final Pattern CAMERA = Pattern.compile("^\\s*(\\d+) : (\\S+) \\[(\\d+)x(\\d+)[^\\]]*\\].*");
    /** {@code 1536x864 [120.13 fps - (768, 432)/3072x1728 crop]}, after a format or alone on its line. */
    private static final Pattern MODE = Pattern.compile("(\\d+x\\d+) \\[([0-9.]+) fps");

    private CsiCameras() {
    }

    public static List<CsiCamera> list() {
        Optional<String> program = RpicamCapture.findProgram(PROGRAMS);
        if (program.isEmpty()) {
            return List.of();
        }
        Process process = null;
        try {
            process = new ProcessBuilder(program.get(), "--list-cameras").redirectErrorStream(true).start();
            process.getOutputStream().close();
            byte[] output;
            try (InputStream in = process.getInputStream()) {
                output = in.readNBytes(MAX_OUTPUT_BYTES);
            }
            if (!process.waitFor(DEADLINE_SECONDS, TimeUnit.SECONDS)) {
                return List.of();
            }
            return parse(new String(output, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return List.of();
        } finally {
            if (process != null) {
                process.destroyForcibly();
            }
        }
    }

    /** The cameras in the program's output; lines it does not know are skipped. */
    static List<CsiCamera> parse(String output) {
        List<CsiCamera> cameras = new ArrayList<>();
        int index = -1;
        String sensor = null;
        int width = 0;
        int height = 0;
        List<String> modes = new ArrayList<>();
        for (String line : output.split("\\R")) {
            Matcher camera = CAMERA.matcher(line);
            if (camera.matches()) {
                if (sensor != null) {
                    cameras.add(new CsiCamera(index, sensor, width, height, modes));
                }
                index = Integer.parseInt(camera.group(1));
                sensor = camera.group(2);
                width = Integer.parseInt(camera.group(3));
                height = Integer.parseInt(camera.group(4));
                modes = new ArrayList<>();
                continue;
            }
            Matcher mode = MODE.matcher(line);
            if (sensor != null && mode.find()) {
                modes.add(mode.group(1) + " at " + mode.group(2) + " fps");
            }
        }
        if (sensor != null) {
            cameras.add(new CsiCamera(index, sensor, width, height, modes));
        }
        return cameras;
    }
}
