package org.camstream.camera.source;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.camstream.process.StartException;

/** Asks ffprobe what an input holds, with a time limit, so a dead IP camera cannot hang the start. */
final class MediaProbe {

    /** The first video stream's codec and the container's format names, as ffprobe spells them. */
    record Result(String codec, String format) {
        /** A raw elementary stream, which ffmpeg cannot seek in (and so cannot loop). */
        boolean isElementaryStream() {
            return format.equals("h264") || format.equals("mjpeg") || format.contains("jpeg_pipe");
        }
    }

    private MediaProbe() {
    }

    static Result probe(String input, List<String> inputOptions) throws StartException {
        return probe(input, inputOptions, input);
    }

    /** @param shownAs the input as messages name it: the URL, where the input is a script that holds it */
    static Result probe(String input, List<String> inputOptions, String shownAs) throws StartException {
        List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
        command.addAll(inputOptions);
        command.addAll(List.of("-select_streams", "v:0", "-show_entries", "stream=codec_name:format=format_name",
                "-of", "default=noprint_wrappers=1", input));
        Process process;
        try {
            process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
        } catch (IOException e) {
            throw new StartException("cannot run ffprobe: " + e.getMessage(), e);
        }
        try {
            if (!process.waitFor(15, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new StartException("ffprobe could not read " + shownAs + " within 15 s");
            }
            String out = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            String codec = null;
            String format = "";
            for (String line : out.split("\n")) {
                if (line.startsWith("codec_name=")) {
                    codec = line.substring("codec_name=".length()).trim();
                } else if (line.startsWith("format_name=")) {
                    format = line.substring("format_name=".length()).trim();
                }
            }
            if (process.exitValue() != 0 || codec == null) {
                throw new StartException("ffmpeg cannot read a video stream from " + shownAs
                        + (err.isEmpty() ? "" : ": " + err.lines().reduce((a, b) -> b).orElse("")));
            }
            return new Result(codec, format);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new StartException("interrupted while probing " + shownAs, e);
        } catch (IOException e) {
            throw new StartException("cannot read ffprobe's answer: " + e.getMessage(), e);
        }
    }
}
