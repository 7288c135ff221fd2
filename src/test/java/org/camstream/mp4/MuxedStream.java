package org.camstream.mp4;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.AccessUnitAssembler;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.ParameterSetCache;
import org.camstream.testing.Fixtures;

/** A stream muxed the way the server does it, with synthetic capture times at 30 fps. */
final class MuxedStream {
    static final long FIRST_CAPTURE_MICROS = 1_700_000_000_123_456L; // November 2023
    static final long FIRST_MONOTONIC_NANOS = 987_654_321_000L;

    final List<AccessUnit> aus;
    final ParameterSetCache cache = new ParameterSetCache();
    final List<InitSegment> initAt = new ArrayList<>(); // the init segment a viewer joining at i gets
    final List<Fragment> fragments = new ArrayList<>();
    final List<Long> captureMicros = new ArrayList<>();

    MuxedStream(List<AccessUnit> aus) {
        this(aus, List.of());
    }

    /** For sources that send parameter sets out of band, as FLV does in its configuration record. */
    MuxedStream(List<AccessUnit> aus, List<NalUnit> parameterSets) {
        this.aus = aus;
        parameterSets.forEach(cache::update);
        Fmp4Muxer muxer = new Fmp4Muxer(FragmentTimeline.forFrameRate(30));
        for (int i = 0; i < aus.size(); i++) {
            cache.update(aus.get(i));
            assertNotNull(cache.sps(), "stream must start with its parameter sets");
            initAt.add(InitSegment.of(cache.sps(), cache.pps()));
            long micros = FIRST_CAPTURE_MICROS + Math.round(i * 1e6 / 30);
            captureMicros.add(micros);
            fragments.add(muxer.mux(aus.get(i), micros, FIRST_MONOTONIC_NANOS + Math.round(i * 1e9 / 30)));
        }
    }

    static List<AccessUnit> readAnnexB(Path file) {
        List<AccessUnit> aus = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(aus::add);
        AnnexBReader reader = new AnnexBReader(assembler);
        byte[] bytes = Fixtures.read(file);
        reader.feed(bytes, 0, bytes.length);
        reader.flush();
        assembler.flush();
        return aus;
    }

    /** What a viewer joining at access unit {@code from} receives: init segment, then fragments. */
    byte[] bytesFrom(int from) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            initAt.get(from).writeTo(out);
            for (Fragment f : fragments.subList(from, fragments.size())) f.writeTo(out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    Path writeFrom(Path dir, String name, int from) {
        try {
            return Files.write(dir.resolve(name), bytesFrom(from));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A top-level (or child) box found by walking sizes, without the muxer's code. */
    record RawBox(String type, int offset, int size) {
        int payload() {
            return offset + 8;
        }
    }

    static List<RawBox> boxes(byte[] data, int from, int to) {
        List<RawBox> boxes = new ArrayList<>();
        ByteBuffer in = ByteBuffer.wrap(data);
        for (int pos = from; pos < to; ) {
            int size = in.getInt(pos);
            if (size < 8 || pos + size > to) throw new IllegalStateException("bad box size " + size + " at " + pos);
            boxes.add(new RawBox(new String(data, pos + 4, 4, StandardCharsets.US_ASCII), pos, size));
            pos += size;
        }
        return boxes;
    }
}
