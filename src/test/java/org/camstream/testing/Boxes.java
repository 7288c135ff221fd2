package org.camstream.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Walks ISO BMFF boxes in raw bytes, for checks that need no full parser. */
public final class Boxes {

    public record Box(String type, int offset, int size) {
    }

    private Boxes() {
    }

    /** The top-level boxes of {@code data[from..to)}. */
    public static List<Box> children(byte[] data, int from, int to) {
        List<Box> boxes = new ArrayList<>();
        ByteBuffer buffer = ByteBuffer.wrap(data);
        int offset = from;
        while (offset + 8 <= to) {
            int size = buffer.getInt(offset);
            String type = new String(data, offset + 4, 4, StandardCharsets.US_ASCII);
            if (size < 8 || offset + size > to) {
                throw new AssertionError("bad box " + type + " of size " + size + " at " + offset);
            }
            boxes.add(new Box(type, offset, size));
            offset += size;
        }
        return boxes;
    }

    public static List<Box> children(byte[] data, Box parent) {
        return children(data, parent.offset() + 8, parent.offset() + parent.size());
    }

    public static Box find(List<Box> boxes, String type) {
        return boxes.stream().filter(b -> b.type().equals(type)).findFirst()
                .orElseThrow(() -> new AssertionError("no " + type + " box in " + boxes));
    }

    /** The flags of a fragment's first sample, from moof/traf/trun (first-sample-flags or per-sample flags). */
    public static int firstSampleFlags(byte[] fragment) {
        Box moof = find(children(fragment, 0, fragment.length), "moof");
        Box traf = find(children(fragment, moof), "traf");
        Box trun = find(children(fragment, traf), "trun");
        ByteBuffer b = ByteBuffer.wrap(fragment);
        int flags = b.getInt(trun.offset() + 8) & 0xFFFFFF;
        int p = trun.offset() + 16; // after version/flags and sample_count
        if ((flags & 0x1) != 0) {
            p += 4; // data offset
        }
        if ((flags & 0x4) != 0) {
            return b.getInt(p);
        }
        if ((flags & 0x100) != 0) {
            p += 4;
        }
        if ((flags & 0x200) != 0) {
            p += 4;
        }
        if ((flags & 0x400) == 0) {
            throw new AssertionError("trun carries no sample flags");
        }
        return b.getInt(p);
    }
}
