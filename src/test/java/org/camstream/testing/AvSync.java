package org.camstream.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Measures how far apart sound and picture play in a recording of the {@code audio=test} source, which beeps
 * at every second of the wall clock and flashes a white band over the top quarter of the frame nearest to it.
 * ffmpeg decodes both tracks; the onset of each beep (to the millisecond) is compared with the presentation
 * time of the nearest flash. The flash frame is within half a frame interval of the beep's moment, so at
 * 30 fps a perfect server reads within ±16.7 ms.
 */
public final class AvSync {

    private static final Pattern TIME = Pattern.compile("pts_time:([0-9.]+)");
    private static final Pattern VALUE = Pattern.compile("=(-?[0-9.]+|-?inf)\\s*$");

    private AvSync() {
    }

    /** Beep onset minus flash time, in milliseconds, for every flash that has a beep within half a second. */
    public static List<Double> offsetsMillis(Path mp4) {
        try {
            Path video = Files.createTempFile("camstream-flash", ".txt");
            Path audio = Files.createTempFile("camstream-beep", ".txt");
            try {
                MediaTools.runOk(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", mp4.toString(), "-map", "0:v",
                        "-vf", "crop=iw:ih/4:0:0,signalstats,metadata=mode=print:key=lavfi.signalstats.YAVG:file="
                                + video, "-fps_mode", "passthrough", "-f", "null", "-"));
                MediaTools.runOk(List.of("ffmpeg", "-nostdin", "-v", "error", "-i", mp4.toString(), "-map", "0:a",
                        "-af", "asetnsamples=n=48,astats=metadata=1:reset=1:measure_overall=Peak_level"
                                + ":measure_perchannel=none,ametadata=mode=print:key=lavfi.astats.Overall.Peak_level:file="
                                + audio, "-f", "null", "-"));
                List<Double> flashes = edges(read(video), 200);
                List<Double> beeps = edges(read(audio), -12);
                List<Double> offsets = new ArrayList<>();
                for (double flash : flashes) {
                    double nearest = Double.NaN;
                    for (double beep : beeps) {
                        if (Double.isNaN(nearest) || Math.abs(beep - flash) < Math.abs(nearest - flash)) nearest = beep;
                    }
                    if (!Double.isNaN(nearest) && Math.abs(nearest - flash) < 0.5) {
                        offsets.add(Math.round((nearest - flash) * 10_000) / 10.0);
                    }
                }
                return offsets;
            } finally {
                Files.deleteIfExists(video);
                Files.deleteIfExists(audio);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {time, value} pairs from ffmpeg's metadata print. */
    private static List<double[]> read(Path file) throws IOException {
        List<double[]> values = new ArrayList<>();
        double time = Double.NaN;
        for (String line : Files.readAllLines(file)) {
            Matcher t = TIME.matcher(line);
            if (t.find()) {
                time = Double.parseDouble(t.group(1));
                continue;
            }
            Matcher v = VALUE.matcher(line);
            if (v.find() && !Double.isNaN(time)) {
                String value = v.group(1);
                values.add(new double[] {time, value.endsWith("inf") ? -200 : Double.parseDouble(value)});
            }
        }
        return values;
    }

    /** The times at which the value rises through {@code threshold}. */
    private static List<Double> edges(List<double[]> values, double threshold) {
        List<Double> edges = new ArrayList<>();
        for (int i = 1; i < values.size(); i++) {
            if (values.get(i)[1] > threshold && values.get(i - 1)[1] <= threshold) edges.add(values.get(i)[0]);
        }
        return edges;
    }
}
