package org.camstream.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs the real ffmpeg and ffprobe for tests, with argument lists, never a shell. */
public final class Ffmpeg {

    private Ffmpeg() {
    }

    /** Runs ffmpeg and returns what it wrote to stdout; fails the test if it fails. */
    public static byte[] output(String... args) {
        List<String> command = new ArrayList<>();
        command.add("ffmpeg");
        command.add("-hide_banner");
        command.add("-loglevel");
        command.add("error");
        command.addAll(List.of(args));
        return run(command).stdout;
    }

    /** Runs ffprobe and returns its stdout as text. */
    public static String probe(String... args) {
        List<String> command = new ArrayList<>();
        command.add("ffprobe");
        command.add("-v");
        command.add("error");
        command.addAll(List.of(args));
        return new String(run(command).stdout, StandardCharsets.UTF_8).trim();
    }

    public record Result(int exitCode, byte[] stdout, String stderr) {
    }

    /** Runs a command to completion, failing the test when it exits non-zero. */
    public static Result run(List<String> command) {
        Result result = runAllowingFailure(command);
        if (result.exitCode != 0) {
            throw new AssertionError(command + " exited with " + result.exitCode + ": " + result.stderr);
        }
        return result;
    }

    public static Result runAllowingFailure(List<String> command) {
        try {
            Process process = new ProcessBuilder(command).redirectInput(ProcessBuilder.Redirect.PIPE).start();
            process.getOutputStream().close();
            ByteArrayOutputStream stderr = new ByteArrayOutputStream();
            Thread errors = new Thread(() -> copy(process.getErrorStream(), stderr));
            errors.start();
            byte[] stdout = process.getInputStream().readAllBytes();
            if (!process.waitFor(120, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new AssertionError(command + " did not finish");
            }
            errors.join();
            return new Result(process.exitValue(), stdout, stderr.toString(StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new AssertionError("cannot run " + command + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    private static void copy(InputStream in, ByteArrayOutputStream out) {
        try {
            in.transferTo(out);
        } catch (IOException e) {
            // process ended
        }
    }
}
