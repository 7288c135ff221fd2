package org.camstream.record;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The index beside each recording: a text file of lines, appended as the recording is written and flushed with
 * it, about once a second. It says what the file holds without reading the file: the camera and its picture,
 * when the file began on both clocks, where each group of pictures starts and how long it lasts, and how far the
 * file is complete. A line without its newline is one a crash cut short, and is ignored.
 *
 * <pre>
 * camstream-recording 1
 * h camera=garden boot=… seq=12 mono=… wall=… width=1280 height=720 codecs=avc1.64001f init=812 room=1000 sps=… pps=… asc=-
 * g &lt;offset&gt; &lt;size&gt; &lt;fragments&gt; &lt;decode time&gt; &lt;duration&gt; &lt;mono&gt; &lt;wall µs&gt;   one complete group of pictures
 * f &lt;length&gt; &lt;duration&gt; &lt;mono&gt; &lt;wall µs&gt;                                 the file is complete to here
 * e &lt;length&gt; &lt;duration&gt; &lt;mono&gt; &lt;wall µs&gt;                                 the file is closed
 * </pre>
 *
 * Decode times and durations are in the video track's timescale (90 kHz), from 0 at the file's first picture.
 */
final class RecordingIndex {

    static final String MAGIC = "camstream-recording 1";
    static final String SUFFIX = ".idx";
    /** What is read of an index's end to find how far its recording is complete. */
    private static final int TAIL_BYTES = 4096;

    /**
     * What a recording is, from its first line.
     *
     * @param boot the boot its monotonic times belong to
     * @param seq orders the camera's recordings whatever the wall clock said
     * @param initLength the init segment's length; then comes the room for the 'sidx', of {@code roomLength}
     * @param audioConfig the AAC AudioSpecificConfig in hex, or "-" for none
     */
    record Header(String camera, String boot, long seq, long startMono, long startWallMicros, int width, int height,
            String codecs, int initLength, int roomLength, String sps, String pps, String audioConfig) {

        String line() {
            return "h camera=" + camera + " boot=" + boot + " seq=" + seq + " mono=" + startMono + " wall="
                    + startWallMicros + " width=" + width + " height=" + height + " codecs=" + codecs + " init="
                    + initLength + " room=" + roomLength + " sps=" + sps + " pps=" + pps + " asc=" + audioConfig;
        }

        static Header parse(String line) {
            Map<String, String> fields = new LinkedHashMap<>();
            for (String field : line.substring(2).split(" ")) {
                int eq = field.indexOf('=');
                if (eq > 0) {
                    fields.put(field.substring(0, eq), field.substring(eq + 1));
                }
            }
            return new Header(fields.get("camera"), fields.get("boot"), Long.parseLong(fields.get("seq")),
                    Long.parseLong(fields.get("mono")), Long.parseLong(fields.get("wall")),
                    Integer.parseInt(fields.get("width")), Integer.parseInt(fields.get("height")),
                    fields.get("codecs"), Integer.parseInt(fields.get("init")), Integer.parseInt(fields.get("room")),
                    fields.get("sps"), fields.get("pps"), fields.getOrDefault("asc", "-"));
        }

        boolean hasAudio() {
            return !"-".equals(audioConfig);
        }
    }

    /** One complete group of pictures: a keyframe's fragment and those after it, up to the next keyframe. */
    record Gop(long offset, long size, int fragments, long decodeTime, long duration, long mono, long wallMicros) {

        String line() {
            return "g " + offset + " " + size + " " + fragments + " " + decodeTime + " " + duration + " " + mono + " "
                    + wallMicros;
        }

        static Gop parse(String[] f) {
            return new Gop(Long.parseLong(f[1]), Long.parseLong(f[2]), Integer.parseInt(f[3]), Long.parseLong(f[4]),
                    Long.parseLong(f[5]), Long.parseLong(f[6]), Long.parseLong(f[7]));
        }

        long end() {
            return offset + size;
        }
    }

    /**
     * An index as read: its header, its groups of pictures (when asked for), and how far its file is complete.
     *
     * @param length the bytes of the recording that are complete: to its end when {@code closed}, else to the last
     *     flush before the writer stopped
     * @param duration the media time to there, in 90 kHz ticks
     */
    record Parsed(Header header, List<Gop> gops, long length, long duration, long endMono, long endWallMicros,
            boolean closed) {
    }

    private RecordingIndex() {
    }

    static String progressLine(char kind, long length, long duration, long mono, long wallMicros) {
        return kind + " " + length + " " + duration + " " + mono + " " + wallMicros;
    }

    /** The whole index, every group of pictures included. */
    static Parsed read(Path index) throws IOException {
        List<String> lines = completeLines(Files.readAllBytes(index), true);
        return parse(index, lines, true);
    }

    /**
     * The header and how far the file is complete, from the index's first and last few kilobytes only: what the
     * catalogue keeps of every recording, at start and after each change.
     */
    static Parsed summary(Path index) throws IOException {
        try (RandomAccessFile file = new RandomAccessFile(index.toFile(), "r")) {
            long size = file.length();
            byte[] head = new byte[(int) Math.min(size, TAIL_BYTES)];
            file.readFully(head);
            List<String> lines = new ArrayList<>(completeLines(head, true));
            if (size > TAIL_BYTES) {
                byte[] tail = new byte[TAIL_BYTES];
                file.seek(size - TAIL_BYTES);
                file.readFully(tail);
                lines.addAll(completeLines(tail, false));
            }
            return parse(index, lines, false);
        }
    }

    private static Parsed parse(Path index, List<String> lines, boolean withGops) throws IOException {
        if (lines.size() < 2 || !MAGIC.equals(lines.get(0)) || !lines.get(1).startsWith("h ")) {
            throw new IOException(index + " is not a recording's index");
        }
        Header header;
        try {
            header = Header.parse(lines.get(1));
        } catch (RuntimeException e) {
            throw new IOException(index + " has a damaged header: " + e.getMessage(), e);
        }
        List<Gop> gops = new ArrayList<>();
        long length = header.initLength() + header.roomLength();
        long duration = 0;
        long endMono = header.startMono();
        long endWall = header.startWallMicros();
        boolean closed = false;
        for (String line : lines.subList(2, lines.size())) {
            String[] f = line.split(" ");
            try {
                switch (f[0]) {
                    case "g" -> {
                        Gop gop = Gop.parse(f);
                        if (withGops) {
                            gops.add(gop);
                        }
                        if (gop.end() > length) {
                            length = gop.end();
                            duration = gop.decodeTime() + gop.duration();
                            endMono = gop.mono();
                            endWall = gop.wallMicros();
                        }
                    }
                    case "f", "e" -> {
                        long at = Long.parseLong(f[1]);
                        if (at >= length) {
                            length = at;
                            duration = Long.parseLong(f[2]);
                            endMono = Long.parseLong(f[3]);
                            endWall = Long.parseLong(f[4]);
                        }
                        closed |= f[0].equals("e");
                    }
                    default -> {
                        // a line of a later version, or a cut one: skipped
                    }
                }
            } catch (RuntimeException e) {
                // a damaged line: the rest of the index is still good
            }
        }
        return new Parsed(header, List.copyOf(gops), length, duration, endMono, endWall, closed);
    }

    /** The lines of {@code bytes} that end with a newline; with {@code fromStart} false the first, cut one too. */
    private static List<String> completeLines(byte[] bytes, boolean fromStart) {
        List<String> lines = new ArrayList<>();
        int start = 0;
        if (!fromStart) {
            while (start < bytes.length && bytes[start] != '\n') {
                start++;
            }
            start++;
        }
        for (int i = start; i < bytes.length; i++) {
            if (bytes[i] == '\n') {
                lines.add(new String(bytes, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return lines;
    }
}
