package org.camstream.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.util.List;
import org.camstream.mp4.AudioRun;
import org.camstream.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * ffmpeg's AAC through the camera's pipeline with a Pi recording, and {@code Mp4Chunk.rtp()}'s sound, read back
 * by a receiver written from RFC 3640: each picture's frames come back byte for byte with AU headers that state
 * their sizes, on the audio track's sample-rate clock, a frame a packet; frames asked to share a packet do so up to
 * the limit, and a frame too big for one is cut into fragments that each state the whole frame's size, the marker
 * on the last.
 */
class AacPacketizerTest {

    @Test
    void theFramesOfEachPictureComeBackWithTheirSizesOnTheSampleRatesClock() {
        List<PiStream.Picture> pictures = PiStream.picturesWithSound(Fixtures.PI_720P_INLINE, 0);
        int withSound = 0;
        int packets = 0;
        int frames = 0;
        for (PiStream.Picture picture : pictures) {
            AudioRun run = picture.chunk().audio();
            RtpPicture rtp = picture.chunk().rtp();
            if (run == null) {
                assertTrue(rtp.audio().isEmpty());
                assertNull(rtp.audioTime());
                continue;
            }
            withSound++;
            assertEquals(new RtpTime(run.decodeTime(), run.captureEpochMicros(), 48_000), rtp.audioTime());
            List<AacDepacketizer.Frame> received = AacDepacketizer.frames(rtp.audio());
            assertEquals(run.samples().size(), received.size());
            for (int i = 0; i < received.size(); i++) {
                assertArrayEquals(run.samples().get(i), received.get(i).data(), "frame " + i);
                // Frame i of the run sits 1024 samples after the one before it, from the run's decode time.
                assertEquals(run.decodeTime() + 1024L * i, received.get(i).timestamp());
            }
            for (RtpPayload packet : rtp.audio()) {
                assertTrue(packet.marker(), "whole frames: the marker bit on every packet");
                assertEquals(97, packet.payloadType());
                assertTrue(packet.size() <= AacPacketizer.DEFAULT_PAYLOAD_LIMIT);
            }
            assertEquals(run.decodeTime(), rtp.audio().get(0).timestamp());
            packets += rtp.audio().size();
            frames += received.size();
            assertEquals(rtp.video().stream().mapToInt(RtpPayload::size).sum()
                    + rtp.audio().stream().mapToInt(RtpPayload::size).sum(), rtp.payloadBytes());
        }
        assertTrue(withSound > pictures.size() / 2, "pictures with sound: " + withSound + " of " + pictures.size());
        assertEquals(frames, packets, "a frame a packet, which every receiver reads right");
    }

    @Test
    void framesAskedToShareAPacketFillItUpToTheLimitAndTheFirstFramesTimestampIsThePackets() {
        List<byte[]> tone = PiStream.aacFrames().subList(10, 60);
        int limit = 500;
        List<RtpPayload> packets = new AacPacketizer(limit, Integer.MAX_VALUE).packetize(tone, 480_000);
        long next = 480_000;
        int frame = 0;
        for (RtpPayload packet : packets) {
            assertTrue(packet.size() <= limit, packet.size() + " bytes");
            assertEquals(next, packet.timestamp(), "the packet's first frame's time");
            ByteBuffer payload = packet.payload();
            int count = (payload.getShort(0) & 0xffff) / 16;
            assertTrue(count >= 1);
            // Full: the next frame would not have fitted.
            if (frame + count < tone.size()) {
                assertTrue(packet.size() + 2 + tone.get(frame + count).length > limit, "room left in a packet");
            }
            for (int i = 0; i < count; i++) {
                assertEquals(tone.get(frame + i).length, (payload.getShort(2 + 2 * i) & 0xffff) >>> 3, "AU-size");
            }
            frame += count;
            next += 1024L * count;
        }
        assertEquals(tone.size(), frame);
        List<AacDepacketizer.Frame> received = AacDepacketizer.frames(packets);
        for (int i = 0; i < tone.size(); i++) assertArrayEquals(tone.get(i), received.get(i).data());
        assertTrue(new AacPacketizer(limit, 2).packetize(List.of(), 0).isEmpty());
    }

    @Test
    void aFrameOverTheLimitIsCutIntoFragmentsThatStateTheWholeFramesSize() {
        List<byte[]> tone = PiStream.aacFrames().subList(100, 110);
        int limit = 40;
        List<RtpPayload> packets = new AacPacketizer(limit, 4).packetize(tone, 7);
        int fragments = 0;
        for (RtpPayload packet : packets) {
            assertTrue(packet.size() <= limit);
            ByteBuffer payload = packet.payload();
            assertEquals(16, payload.getShort(0), "one AU header");
            int size = (payload.getShort(2) & 0xffff) >>> 3;
            if (size > packet.size() - 4) fragments++;
        }
        assertTrue(fragments > tone.size(), "fragments: " + fragments);
        List<AacDepacketizer.Frame> received = AacDepacketizer.frames(packets); // which checks marker and sizes
        assertEquals(tone.size(), received.size());
        for (int i = 0; i < tone.size(); i++) {
            assertArrayEquals(tone.get(i), received.get(i).data());
            assertEquals(7 + 1024L * i, received.get(i).timestamp(), "every fragment has its frame's time");
        }
    }

    @Test
    void aFrameAnAuHeaderCannotStateAndALimitWithNoRoomForAByteAreRefused() {
        AacPacketizer packetizer = new AacPacketizer();
        assertThrows(IllegalArgumentException.class, () -> packetizer.packetize(List.of(new byte[8192]), 0));
        assertEquals(1 + 8191 / (1200 - 4), packetizer.packetize(List.of(new byte[8191]), 0).size());
        assertThrows(IllegalArgumentException.class, () -> new AacPacketizer(4, 1));
        assertThrows(IllegalArgumentException.class, () -> new AacPacketizer(1200, 0));
        assertEquals(5, new AacPacketizer(5, 1).payloadLimit());
        assertEquals(1, packetizer.framesPerPacket());
    }
}
