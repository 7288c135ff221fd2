package org.camstream.timelapse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ffmpeg command line of a render, as an argument list: every value in it is a number the server checked or
 * a path it made from checked names, so nothing a request sends reaches it as text. ffmpeg reads the stills from
 * its standard input ({@code -f image2pipe}), where the render's own thread writes them one after another
 * ({@link RenderProcess}): exactly the stills the session had when the render began, in order (stills taken
 * meanwhile wait for the next render). So ffmpeg's input ends with the server: if the JVM dies, even by SIGKILL,
 * the pipe closes, ffmpeg sees the end of its input, finishes the file it has and exits, instead of rendering on
 * from the disk by itself. The picture is scaled to the first still's size, so a camera whose size changed during
 * the session still makes one video. The render runs gently beside the cameras: libx264 with
 * {@value #THREADS} threads, and under {@code nice -n 10} where the system has {@link #NICE}.
 */
final class RenderCommand {

    static final int MIN_FPS = 1;
    static final int MAX_FPS = 60;
    static final int DEFAULT_FPS = 30;
    /** The encoder's threads: a Raspberry Pi has four cores, and the cameras need theirs. */
    static final int THREADS = 2;
    /** What lowers the render's CPU priority, when the system has it. */
    static final Path NICE = Path.of("/usr/bin/nice");
    static final int NICENESS = 10;

    private RenderCommand() {
    }

    /** The stills a render feeds to ffmpeg: {@code count} of them from number {@code first}, in {@code dir}. */
    record Stills(Path dir, long first, long count) {
        Stills {
            if (first < 1 || count < 1) {
                throw new IllegalArgumentException("first " + first + ", count " + count);
            }
        }

        /** The file of the {@code i}-th still fed, from 0. */
        Path file(long i) {
            return SessionFiles.still(dir, first + i);
        }
    }

    /** The command, under {@link #NICE} when the system has it. */
    static List<String> of(long count, int fps, int[] size, Path output) {
        return of(count, fps, size, output, Files.isExecutable(NICE) ? NICE : null);
    }

    /**
     * @param count the stills that will be fed, at most as many frames
     * @param size the first still's width and height, or null when unknown (then no scaling)
     * @param nice the program that lowers the priority, or null to run ffmpeg plainly
     */
    static List<String> of(long count, int fps, int[] size, Path output, Path nice) {
        if (fps < MIN_FPS || fps > MAX_FPS || count < 1) {
            throw new IllegalArgumentException("fps " + fps + ", count " + count);
        }
        List<String> command = new ArrayList<>();
        if (nice != null) {
            command.addAll(List.of(nice.toString(), "-n", Integer.toString(NICENESS)));
        }
        // -nostdin: no keyboard commands; the stills still come in on standard input, as pipe:0.
        command.addAll(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error", "-y",
                "-f", "image2pipe", "-framerate", Integer.toString(fps), "-i", "pipe:0",
                "-frames:v", Long.toString(count)));
        if (size != null && size[0] >= 16 && size[1] >= 16 && size[0] <= 16384 && size[1] <= 16384) {
            // yuv420p needs even sides
            command.addAll(List.of("-vf", "scale=" + (size[0] & ~1) + ":" + (size[1] & ~1)));
        }
        command.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-threads", Integer.toString(THREADS),
                "-pix_fmt", "yuv420p", "-movflags", "+faststart", "-progress", "pipe:1", "-nostats", "-f", "mp4",
                output.toAbsolutePath().toString()));
        return command;
    }

    /** A JPEG's {width, height} from its frame header, or null when the file is not a JPEG that says. */
    static int[] jpegSize(Path file) {
        byte[] head = new byte[64 * 1024];
        int length;
        try (InputStream in = Files.newInputStream(file)) {
            length = in.readNBytes(head, 0, head.length);
        } catch (IOException e) {
            return null;
        }
        if (length < 4 || (head[0] & 0xff) != 0xff || (head[1] & 0xff) != 0xd8) {
            return null;
        }
        int at = 2;
        while (at + 4 <= length) {
            if ((head[at] & 0xff) != 0xff) {
                return null;
            }
            int marker = head[at + 1] & 0xff;
            if (marker == 0xff) {
                at++; // fill byte
                continue;
            }
            int segment = ((head[at + 2] & 0xff) << 8) | (head[at + 3] & 0xff);
            boolean frameHeader = marker >= 0xc0 && marker <= 0xcf && marker != 0xc4 && marker != 0xc8
                    && marker != 0xcc;
            if (frameHeader) {
                if (at + 9 > length) {
                    return null;
                }
                int height = ((head[at + 5] & 0xff) << 8) | (head[at + 6] & 0xff);
                int width = ((head[at + 7] & 0xff) << 8) | (head[at + 8] & 0xff);
                return new int[] {width, height};
            }
            if (marker == 0xd9 || marker == 0xda || segment < 2) {
                return null; // the pictures' data begins before any frame header: not a JPEG we can read
            }
            at += 2 + segment;
        }
        return null;
    }
}
