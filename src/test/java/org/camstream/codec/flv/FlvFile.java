package org.camstream.codec.flv;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/** Test-side FLV walker and writer, written straight from the FLV spec without the reader under test. */
final class FlvFile {
    record Tag(int type, int timestamp, byte[] body, int offset) {}

    final byte[] header;
    final List<Tag> tags;

    private FlvFile(byte[] header, List<Tag> tags) {
        this.header = header;
        this.tags = tags;
    }

    static FlvFile parse(byte[] file) {
        ByteBuffer in = ByteBuffer.wrap(file);
        int dataOffset = in.getInt(5);
        byte[] header = java.util.Arrays.copyOf(file, dataOffset);
        in.position(dataOffset + 4); // PreviousTagSize0
        List<Tag> tags = new ArrayList<>();
        while (in.remaining() >= 11) {
            int offset = in.position();
            int type = in.get() & 0x1f;
            int size = ((in.get() & 0xff) << 16) | (in.getShort() & 0xffff);
            int timestamp = ((in.get() & 0xff) << 16) | (in.getShort() & 0xffff) | ((in.get() & 0xff) << 24);
            in.position(in.position() + 3); // stream id
            byte[] body = new byte[size];
            in.get(body);
            int previousTagSize = in.getInt();
            if (previousTagSize != size + 11) throw new IllegalStateException("PreviousTagSize " + previousTagSize);
            tags.add(new Tag(type, timestamp, body, offset));
        }
        return new FlvFile(header, tags);
    }

    byte[] write(List<Tag> tags) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(header);
        out.writeBytes(new byte[4]);
        for (Tag tag : tags) {
            ByteBuffer h = ByteBuffer.allocate(11);
            h.put((byte) tag.type());
            h.put((byte) (tag.body().length >> 16)).putShort((short) tag.body().length);
            h.put((byte) (tag.timestamp() >> 16)).putShort((short) tag.timestamp()).put((byte) (tag.timestamp() >>> 24));
            out.writeBytes(h.array());
            out.writeBytes(tag.body());
            out.writeBytes(ByteBuffer.allocate(4).putInt(tag.body().length + 11).array());
        }
        return out.toByteArray();
    }

    /** Video tags holding AVC pictures (AVCPacketType 1). */
    List<Tag> pictureTags() {
        return tags.stream().filter(t -> t.type() == 9 && (t.body()[0] & 0x0f) == 7 && t.body()[1] == 1).toList();
    }
}
