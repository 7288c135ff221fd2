package org.camstream.timelapse;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The ffmpeg command line of a render, as an argument list: every value in it is a number the server checked or
 * a path it made from checked names, so nothing a request sends reaches it as text. The stills are read as an
 * image sequence from the session's first number, exactly as many as the session had when the render began
 * (stills taken meanwhile wait for the next render); the picture is scaled to the first still's size, so a
 * camera whose size changed during the session still makes one video.
 */
final class RenderCommand {

    static final int MIN_FPS = 1;
    static final int MAX_FPS = 60;
    static final int DEFAULT_FPS = 30;

    private RenderCommand() {
    }

    /**
     * @param size the first still's width and height, or null when unknown (then no scaling)
     */
    static List<String> of(Path dir, long first, long count, int fps, int[] size, Path output) {
        if (fps < MIN_FPS || fps > MAX_FPS || first < 1 || count < 1) {
            throw new IllegalArgumentException("fps " + fps + ", first " + first + ", count " + count);
        }
        // image2 reads the pattern with printf's rules: a % in the directory's own name is written %%.
        String pattern = dir.toAbsolutePath().toString().replace("%", "%%") + "/%06d.jpg";
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-nostdin", "-hide_banner", "-loglevel", "error",
                "-y", "-framerate", Integer.toString(fps), "-start_number", Long.toString(first), "-i", pattern,
                "-frames:v", Long.toString(count)));
        if (size != null && size[0] >= 16 && size[1] >= 16 && size[0] <= 16384 && size[1] <= 16384) {
            // yuv420p needs even sides
            command.addAll(List.of("-vf", "scale=" + (size[0] & ~1) + ":" + (size[1] & ~1)));
        }
        command.addAll(List.of("-c:v", "libx264", "-preset", "veryfast", "-pix_fmt", "yuv420p",
                "-movflags", "+faststart", "-progress", "pipe:1", "-nostats", "-f", "mp4",
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
