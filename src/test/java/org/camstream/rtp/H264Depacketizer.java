package org.camstream.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * A receiver's side of RFC 6184 in packetization-mode 1, written from the RFC and independent of the
 * packetizer: single NAL unit packets (5.6), STAP-A (5.7.1) and FU-A (5.8), checked as strictly as the RFC
 * words it. Fails the test on a packet a mode-1 receiver could not take.
 */
final class H264Depacketizer {
    private final List<byte[]> nalUnits = new ArrayList<>();
    private ByteArrayOutputStream fragmented;
    private int fuIndicator;
    private int fuType;

    /** The NAL units of one picture's packets, in order. */
    static List<byte[]> nalUnits(List<RtpPayload> packets) {
        H264Depacketizer receiver = new H264Depacketizer();
        for (RtpPayload packet : packets) receiver.receive(packet.payload());
        return receiver.finish();
    }

    void receive(ByteBuffer payload) {
        assertTrue(payload.remaining() >= 1, "an empty payload");
        int header = payload.get(payload.position()) & 0xff;
        assertEquals(0, header & 0x80, "the forbidden bit");
        int type = header & 0x1f;
        if (type == 28) {
            fuA(payload);
            return;
        }
        assertNull(fragmented, "a packet of type " + type + " inside a fragmented NAL unit");
        if (type >= 1 && type <= 23) {
            nalUnits.add(bytes(payload, payload.remaining()));
        } else if (type == 24) {
            payload.get(); // the STAP-A header
            while (payload.hasRemaining()) {
                assertTrue(payload.remaining() >= 2, "a STAP-A cut in a NAL unit size");
                int size = payload.getShort() & 0xffff;
                assertTrue(size >= 1 && size <= payload.remaining(), "a STAP-A NAL unit of " + size + " bytes");
                nalUnits.add(bytes(payload, size));
            }
        } else {
            fail("a packet of type " + type + ", which packetization-mode 1 does not have");
        }
    }

    private void fuA(ByteBuffer payload) {
        assertTrue(payload.remaining() >= 3, "an FU-A of " + payload.remaining() + " bytes carries nothing");
        int indicator = payload.get() & 0xff;
        int fuHeader = payload.get() & 0xff;
        boolean start = (fuHeader & 0x80) != 0;
        boolean end = (fuHeader & 0x40) != 0;
        assertEquals(0, fuHeader & 0x20, "the FU header's R bit");
        assertFalse(start && end, "an FU-A with both S and E: a whole NAL unit must not be one fragment");
        int type = fuHeader & 0x1f;
        assertTrue(type >= 1 && type <= 23, "an FU-A of a type-" + type + " NAL unit");
        if (start) {
            assertNull(fragmented, "an FU-A start inside a fragmented NAL unit");
            fragmented = new ByteArrayOutputStream();
            fuIndicator = indicator;
            fuType = type;
            // The NAL header, rebuilt: F and NRI from the FU indicator, the type from the FU header.
            fragmented.write((indicator & 0xe0) | type);
        } else {
            assertNotNull(fragmented, "an FU-A without its start");
            assertEquals(fuIndicator, indicator, "the FU indicator changed within a NAL unit");
            assertEquals(fuType, type, "the FU type changed within a NAL unit");
        }
        byte[] body = bytes(payload, payload.remaining());
        fragmented.write(body, 0, body.length);
        if (end) {
            nalUnits.add(fragmented.toByteArray());
            fragmented = null;
        }
    }

    List<byte[]> finish() {
        assertNull(fragmented, "a fragmented NAL unit without its end");
        return nalUnits;
    }

    private static byte[] bytes(ByteBuffer from, int n) {
        byte[] out = new byte[n];
        from.get(out);
        return out;
    }
}
