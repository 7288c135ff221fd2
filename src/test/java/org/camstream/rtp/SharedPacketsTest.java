package org.camstream.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.BufferOverflowException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.DatagramChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.camstream.stream.Mp4Chunk;
import org.camstream.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * Two clients of one camera over real loopback UDP, each sending a header of its own and then the shared
 * payload in one gathering write: the datagrams differ in the header only (sequence numbers, SSRC and
 * timestamps from each client's random start, wrapping at 16 and 32 bits), the payloads are the very same bytes,
 * made once per picture however many ask, and the counts a sender report needs add up.
 */
class SharedPacketsTest {

    @Test
    void twoClientsSendTheSameSharedBytesBehindHeadersOfTheirOwn() throws Exception {
        List<PiStream.Picture> pictures = PiStream.picturesWithSound(Fixtures.PI_720P_INLINE, 0).subList(0, 12);
        // One client's numbers wrap within the first pictures; the other's are random.
        RtpStream a = new RtpStream(0x8765_4321, 65_530, 0xffff_ff00L);
        RtpStream b = RtpStream.random();
        InetSocketAddress loopback = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
        try (DatagramChannel receiver = DatagramChannel.open().bind(loopback);
                DatagramChannel clientA = DatagramChannel.open().connect(receiver.getLocalAddress());
                DatagramChannel clientB = DatagramChannel.open().connect(receiver.getLocalAddress())) {
            int sentA = 0;
            int firstB = b.nextSequence();
            long octets = 0;
            for (PiStream.Picture picture : pictures) {
                RtpPicture rtp = picture.chunk().rtp();
                assertSame(rtp, picture.chunk().rtp(), "made once");
                for (RtpPayload packet : rtp.video()) {
                    assertSame(rtp.video().get(0).sharedArray(), packet.sharedArray(), "one array for the picture");
                    ByteBuffer payloadA = packet.payload();
                    ByteBuffer payloadB = packet.payload();
                    assertTrue(payloadA.isReadOnly());
                    assertNotSame(payloadA, payloadB, "a view each, so one's position does not move the other's");
                    // Client A's header goes in a buffer of the other byte order: the header is written byte by byte.
                    ByteBuffer headerA = ByteBuffer.allocate(RtpPayload.HEADER_SIZE).order(ByteOrder.LITTLE_ENDIAN);
                    ByteBuffer headerB = ByteBuffer.allocate(RtpPayload.HEADER_SIZE);
                    a.writeHeader(headerA, packet);
                    b.writeHeader(headerB, packet);
                    clientA.write(new ByteBuffer[] {headerA.flip(), payloadA});
                    clientB.write(new ByteBuffer[] {headerB.flip(), payloadB});
                    ByteBuffer datagramA = receive(receiver);
                    ByteBuffer datagramB = receive(receiver);

                    long timestampA = (packet.timestamp() + 0xffff_ff00L) & 0xffff_ffffL;
                    checkHeader(datagramA, packet, (65_530 + sentA) & 0xffff, timestampA, 0x8765_4321);
                    checkHeader(datagramB, packet, (firstB + sentA) & 0xffff, b.rtpTimestamp(packet.timestamp()), b.ssrc());
                    assertEquals(packet.payload(), datagramA.position(12), "client A got the payload");
                    assertEquals(packet.payload(), datagramB.position(12), "client B got the payload");
                    sentA++;
                    octets += packet.size();
                }
            }
            assertTrue(sentA > 65_536 - 65_530, "client A's sequence numbers wrapped");
            assertEquals(sentA, a.packets());
            assertEquals(octets, a.octets());
            assertEquals(a.packets(), b.packets());
            assertEquals((65_530 + sentA) & 0xffff, a.nextSequence());
        }
    }

    @Test
    void everyClientGetsTheOnePictureItsChunkMadeWhenTheFirstAsked() throws Exception {
        List<Mp4Chunk> chunks = PiStream.picturesWithSound(Fixtures.PI_720P_INLINE, 0).stream()
                .map(PiStream.Picture::chunk).toList();
        CountDownLatch go = new CountDownLatch(1);
        List<CompletableFuture<List<RtpPicture>>> clients = new ArrayList<>();
        for (int c = 0; c < 2; c++) {
            clients.add(CompletableFuture.supplyAsync(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    throw new AssertionError(e);
                }
                return chunks.stream().map(Mp4Chunk::rtp).toList();
            }));
        }
        go.countDown();
        List<RtpPicture> first = clients.get(0).get();
        List<RtpPicture> second = clients.get(1).get();
        for (int i = 0; i < chunks.size(); i++) {
            assertSame(first.get(i), second.get(i), "picture " + i + " made once for both clients");
            for (RtpPayload packet : first.get(i).audio()) {
                assertSame(first.get(i).audio().get(0).sharedArray(), packet.sharedArray(), "one array for its sound");
            }
        }
    }

    @Test
    void aHeaderNeedsTwelveBytesOfRoomAndTakesTheLow16And32BitsOfItsNumbers() {
        RtpPayload packet = PiStream.pictures(Fixtures.PI_480P_ONCE).get(3).chunk().rtp().video().get(0);
        assertThrows(BufferOverflowException.class, () -> packet.writeHeader(ByteBuffer.allocate(11), 0, 0, 0));
        ByteBuffer header = ByteBuffer.allocate(14).position(2);
        packet.writeHeader(header, 0x1_2345, (1L << 32) * 3 - packet.timestamp() + 5, -1);
        assertEquals(14, header.position(), "the position moved past the header");
        checkHeader(header.position(2), packet, 0x2345, 5, -1);
        RtpStream stream = new RtpStream(1, 0x1_fffe, (1L << 32) + 7);
        assertEquals(0xfffe, stream.nextSequence());
        assertEquals(7, stream.timestampOffset());
        assertEquals(6, stream.rtpTimestamp(-1));
    }

    /** Reads one datagram's RTP header as a client would, and checks it against what was sent. */
    private static void checkHeader(ByteBuffer datagram, RtpPayload packet, int sequence, long timestamp, int ssrc) {
        int start = datagram.position();
        assertEquals(0x80, datagram.get(start) & 0xff, "version 2, no padding, no extension, no CSRC");
        assertEquals((packet.marker() ? 0x80 : 0) | packet.payloadType(), datagram.get(start + 1) & 0xff, "marker and type");
        assertEquals(sequence, datagram.getShort(start + 2) & 0xffff, "sequence number");
        assertEquals(timestamp, datagram.getInt(start + 4) & 0xffff_ffffL, "timestamp");
        assertEquals(ssrc, datagram.getInt(start + 8), "SSRC");
    }

    private static ByteBuffer receive(DatagramChannel channel) throws IOException {
        ByteBuffer datagram = ByteBuffer.allocate(2048);
        channel.receive(datagram);
        return datagram.flip();
    }
}
