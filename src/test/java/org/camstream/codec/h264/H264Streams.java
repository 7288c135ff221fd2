package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;

/** Test helpers: read streams with the code under test, and ask ffmpeg about the same bytes. */
final class H264Streams {
    private static final Pattern TRACE_LINE =
            Pattern.compile("\\[trace_headers @ [^]]+\\]\\s+\\d+\\s+(\\S+)\\s+[01]+\\s+=\\s+(-?\\d+)\\s*$");

    private H264Streams() {}

    static List<NalUnit> nalUnits(Path file) {
        return AnnexBReaderTest.splitOneShot(Fixtures.read(file));
    }

    static List<AccessUnit> accessUnits(byte[] stream) {
        List<AccessUnit> out = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(out::add);
        AnnexBReader reader = new AnnexBReader(assembler);
        reader.feed(stream, 0, stream.length);
        reader.flush();
        assembler.flush();
        return out;
    }

    static NalUnit firstOfType(List<NalUnit> nals, int type) {
        return nals.stream().filter(n -> n.type() == type).findFirst().orElseThrow();
    }

    /**
     * The SPS fields as ffmpeg's own bitstream reader (the trace_headers filter) decodes them, by
     * name. Only the first SPS; fails unless ffmpeg read it to its rbsp_stop_one_bit.
     */
    static Map<String, Long> ffmpegTrace(Path dir, NalUnit sps) {
        try {
            Path file = Files.createTempFile(dir, "sps", ".h264");
            byte[] bytes = new byte[sps.size() + 4];
            bytes[3] = 1;
            sps.copyTo(bytes, 4);
            Files.write(file, bytes);
            // With no picture to go on ffmpeg fails after tracing: the exit code says nothing here.
            MediaTools.Result result = MediaTools.run(List.of("ffmpeg", "-hide_banner", "-nostdin", "-v", "info",
                    "-f", "h264", "-i", file.toString(), "-c", "copy", "-bsf:v", "trace_headers", "-f", "null", "-"));
            Map<String, Long> fields = new LinkedHashMap<>();
            boolean inSps = false;
            for (String line : result.stderr().split("\n")) {
                Matcher m = TRACE_LINE.matcher(line);
                if (!m.find()) continue;
                String name = m.group(1);
                long value = Long.parseLong(m.group(2));
                if (name.equals("nal_unit_type")) {
                    if (inSps) break;
                    inSps = value == NalUnit.SPS;
                    continue;
                }
                if (!inSps) continue;
                fields.putIfAbsent(name, value);
                if (name.equals("rbsp_stop_one_bit")) break;
            }
            assertTrue(fields.containsKey("rbsp_stop_one_bit"), () -> "ffmpeg did not read the SPS through: " + result.stderr());
            return fields;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
