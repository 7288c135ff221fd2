package org.camstream.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A receiver's side of RFC 3640 in mode AAC-hbr (sizelength 13, indexlength 3, indexdeltalength 3, no CTS,
 * DTS or auxiliary data), written from the RFC and independent of the packetizer: each packet's AU headers
 * checked against its data, fragments put back together, the marker bit where 3.2 wants it.
 */
final class AacDepacketizer {
    /** A frame put back together, with the timestamp of the packet it began in. */
    record Frame(byte[] data, long timestamp) {}

    private final List<Frame> frames = new ArrayList<>();
    private ByteArrayOutputStream fragmented;
    private int fragmentedSize;
    private long fragmentedTimestamp;

    static List<Frame> frames(List<RtpPayload> packets) {
        AacDepacketizer receiver = new AacDepacketizer();
        for (RtpPayload packet : packets) receiver.receive(packet);
        return receiver.finish();
    }

    void receive(RtpPayload packet) {
        ByteBuffer payload = packet.payload();
        assertTrue(payload.remaining() >= 4, "a payload of " + payload.remaining() + " bytes has no AU");
        int headerBits = payload.getShort() & 0xffff;
        assertTrue(headerBits > 0 && headerBits % 16 == 0, "AU-headers-length " + headerBits + " bits");
        int count = headerBits / 16;
        assertTrue(payload.remaining() >= 2 * count, "AU headers past the payload's end");
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            int header = payload.getShort() & 0xffff;
            sizes[i] = header >>> 3;
            assertEquals(0, header & 7, i == 0 ? "AU-Index" : "AU-Index-delta");
        }
        int data = payload.remaining();
        if (count == 1 && sizes[0] > data || fragmented != null) {
            // A fragment: the AU header states the whole frame's size, the data section holds a part (3.2.3).
            assertEquals(1, count, "a fragment shares its packet with no other AU");
            if (fragmented == null) {
                fragmented = new ByteArrayOutputStream();
                fragmentedSize = sizes[0];
                fragmentedTimestamp = packet.timestamp();
            } else {
                assertEquals(fragmentedSize, sizes[0], "the fragments of one frame state one size");
                assertEquals(fragmentedTimestamp, packet.timestamp(), "the fragments of one frame have one timestamp");
            }
            byte[] part = new byte[data];
            payload.get(part);
            fragmented.write(part, 0, part.length);
            assertTrue(fragmented.size() <= fragmentedSize, "fragments longer than their frame");
            boolean last = fragmented.size() == fragmentedSize;
            assertEquals(last, packet.marker(), "the marker bit on the last fragment only");
            if (last) {
                frames.add(new Frame(fragmented.toByteArray(), fragmentedTimestamp));
                fragmented = null;
            }
            return;
        }
        int sum = 0;
        for (int size : sizes) sum += size;
        assertEquals(sum, data, "the AU sizes add up to the data section");
        assertTrue(packet.marker(), "the marker bit on a packet of whole AUs");
        for (int i = 0; i < count; i++) {
            byte[] frame = new byte[sizes[i]];
            payload.get(frame);
            frames.add(new Frame(frame, packet.timestamp() + 1024L * i));
        }
    }

    List<Frame> finish() {
        assertNull(fragmented, "a frame without its last fragment");
        return frames;
    }
}
