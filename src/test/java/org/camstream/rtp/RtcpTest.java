package org.camstream.rtp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.camstream.mp4.NtpTime;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;

/**
 * Sender reports read back field by field as RFC 3550 lays them out; the reader on what ffmpeg's own RTP
 * sender sends (its reports and its BYE), on RTP packets, and on garbage and damaged packets by the hundred
 * thousand, which it must call "not RTCP" without ever throwing.
 */
class RtcpTest {

    @Test
    void aSenderReportAndItsCnameReadBackAsWritten() {
        long now = 1_790_000_123_456_789L;
        RtcpSenderReport report =
                new RtcpSenderReport(0xdead_beef, now, 0xffff_fff0L, (1L << 32) + 5, 123_456_789, "cam1@camstream");
        ByteBuffer bytes = ByteBuffer.allocate(100).position(3);
        report.writeTo(bytes);
        assertEquals(3 + report.size(), bytes.position());
        ByteBuffer b = bytes.flip().position(3).slice();
        assertEquals(56, report.size(), "28 of SR, 28 of SDES: header, SSRC, and 2 + 14 + a null octet padded to 20");

        assertEquals(0x80, b.get(0) & 0xff, "version 2, no padding, no report blocks");
        assertEquals(200, b.get(1) & 0xff);
        assertEquals(6, b.getShort(2), "length: 7 words, minus one");
        assertEquals(0xdead_beef, b.getInt(4));
        long ntp = b.getLong(8);
        assertEquals(NtpTime.fromEpochMicros(now), ntp);
        assertEquals(now, NtpTime.toEpochMicros(ntp), "to the microsecond");
        assertEquals(0xffff_fff0L, b.getInt(16) & 0xffff_ffffL, "RTP timestamp");
        assertEquals(5, b.getInt(20), "packet count, mod 2^32");
        assertEquals(123_456_789, b.getInt(24), "octet count");

        assertEquals(0x81, b.get(28) & 0xff, "version 2, one chunk");
        assertEquals(202, b.get(29) & 0xff);
        assertEquals(28 / 4 - 1, b.getShort(30));
        assertEquals(0xdead_beef, b.getInt(32));
        assertEquals(1, b.get(36), "CNAME");
        assertEquals(14, b.get(37));
        byte[] cname = new byte[14];
        b.get(38, cname);
        assertEquals("cam1@camstream", new String(cname, StandardCharsets.US_ASCII));
        for (int i = 38 + 14; i < 56; i++) assertEquals(0, b.get(i), "the null octet and padding");

        RtcpMessage read = RtcpMessage.read(report.toByteBuffer());
        assertEquals(List.of(200, 202), read.types());
        assertEquals(0xdead_beefL, read.ssrc());
        assertFalse(read.hasBye());
        // Every CNAME length pads to a multiple of four, with at least one null octet.
        for (int n = 1; n < 40; n++) {
            RtcpSenderReport r = new RtcpSenderReport(1, now, 0, 0, 0, "x".repeat(n));
            assertEquals(0, r.size() % 4);
            assertTrue(r.size() - 28 - 10 - n >= 1);
            assertEquals(List.of(200, 202), RtcpMessage.read(r.toByteBuffer()).types());
        }
    }

    @Test
    void aStreamsReportStatesItsCountsAndTheTimestampOfTheReportsOwnMoment() {
        RtpStream stream = new RtpStream(42, 0, 1000);
        RtpPicture picture = PiStream.pictures(Fixtures.PI_480P_ONCE).get(5).chunk().rtp();
        ByteBuffer header = ByteBuffer.allocate(12);
        for (RtpPayload packet : picture.video()) stream.writeHeader(header.clear(), packet);
        RtpTime time = picture.videoTime();
        RtcpSenderReport report = stream.senderReport(time, time.epochMicros() + 500_000, "cam");
        assertEquals(picture.video().size(), report.packetCount());
        assertEquals(picture.payloadBytes(), report.octetCount());
        assertEquals(stream.rtpTimestamp(time.timestamp() + 45_000), report.rtpTimestamp(), "half a second later");
        assertEquals(time.epochMicros() + 500_000, report.epochMicros());
        assertThrows(IllegalArgumentException.class, () -> new RtcpSenderReport(1, 0, 0, 0, 0, ""));
        assertThrows(IllegalArgumentException.class, () -> new RtcpSenderReport(1, 0, 0, 0, 0, "x".repeat(256)));
        assertThrows(IllegalArgumentException.class, () -> new RtcpSenderReport(1, 0, 0, 0, 0, "caf\u00e9"));
    }

    @Test
    void theReaderTellsFfmpegsReportsAndItsByeFromRtpPackets() throws Exception {
        int port = UdpPorts.freePair();
        List<ByteBuffer> received = new ArrayList<>();
        List<ByteBuffer> rtp = new ArrayList<>();
        try (DatagramChannel rtpChannel = UdpPorts.bind(port); DatagramChannel rtcpChannel = UdpPorts.bind(port + 1)) {
            rtpChannel.configureBlocking(false);
            rtcpChannel.configureBlocking(false);
            MediaTools.Result result = MediaTools.ffmpeg("-v", "error", "-i", Fixtures.piH264(Fixtures.PI_480P_ONCE).toString(),
                    "-t", "1", "-c", "copy", "-rtpflags", "send_bye", "-f", "rtp", "rtp://127.0.0.1:" + port);
            assertEquals(0, result.exitCode(), result.stderr());
            drain(rtcpChannel, received);
            drain(rtpChannel, rtp);
        }
        assertTrue(received.size() >= 2, "ffmpeg's first report and its last with the BYE: " + received.size());
        RtcpMessage first = RtcpMessage.read(received.get(0));
        RtcpMessage last = RtcpMessage.read(received.get(received.size() - 1));
        assertTrue(first.isRtcp());
        assertTrue(first.has(RtcpMessage.SR));
        assertFalse(first.hasBye());
        assertTrue(last.hasBye(), last.toString());
        assertEquals(first.ssrc(), last.ssrc(), "one sender");
        assertEquals(rtp.get(0).getInt(8) & 0xffff_ffffL, first.ssrc(), "the SSRC of ffmpeg's RTP packets");
        assertTrue(rtp.size() > 30);
        for (ByteBuffer packet : rtp) {
            assertSame(RtcpMessage.NOT_RTCP, RtcpMessage.read(packet), "an RTP packet is not RTCP");
        }
        assertEquals(0, received.get(0).position(), "reading moves no position");
    }

    @Test
    void garbageAndDamagedPacketsAreNotRtcpAndNeverThrow() {
        Random random = new Random(20_261_207);
        RtcpSenderReport ours = new RtcpSenderReport(7, 1_790_000_000_000_000L, 1, 2, 3, "cam1@camstream");
        byte[] valid = new byte[ours.size() + 8];
        ByteBuffer b = ByteBuffer.wrap(valid);
        ours.writeTo(b);
        // A BYE with its SSRC after the report, as a client leaving sends it.
        b.put(new byte[] {(byte) 0x81, (byte) 203, 0, 1, 0, 0, 0, 9});
        assertTrue(RtcpMessage.read(ByteBuffer.wrap(valid)).hasBye());
        for (int n = 0; n < valid.length; n++) {
            if (n == 28 || n == ours.size()) continue; // where a whole packet ends
            assertSame(RtcpMessage.NOT_RTCP, RtcpMessage.read(ByteBuffer.wrap(valid, 0, n)), "cut at " + n);
        }
        int rtcp = 0;
        for (int i = 0; i < 300_000; i++) {
            byte[] input;
            switch (i % 3) {
                case 0 -> {
                    input = new byte[random.nextInt(80)];
                    random.nextBytes(input);
                }
                case 1 -> {
                    // Headers that look right, with random lengths and bodies: the reader's deeper paths.
                    input = new byte[4 * random.nextInt(20)];
                    random.nextBytes(input);
                    for (int at = 0; at + 4 <= input.length; at += 4 * (1 + random.nextInt(4))) {
                        input[at] = (byte) (0x80 | random.nextInt(64));
                        input[at + 1] = (byte) (192 + random.nextInt(32));
                        input[at + 2] = 0;
                        input[at + 3] = (byte) random.nextInt(6);
                    }
                }
                default -> {
                    input = Arrays.copyOf(valid, valid.length);
                    for (int edits = 1 + random.nextInt(3); edits > 0; edits--) {
                        input[random.nextInt(input.length)] = (byte) random.nextInt(256);
                    }
                    input = Arrays.copyOf(input, random.nextInt(input.length + 1));
                }
            }
            int offset = input.length == 0 ? 0 : random.nextInt(Math.min(4, input.length + 1));
            RtcpMessage message = RtcpMessage.read(ByteBuffer.wrap(input, offset, input.length - offset));
            if (message.isRtcp()) {
                rtcp++;
                assertTrue(message.types().size() <= 16);
                assertTrue(message.types().stream().allMatch(t -> t >= 192 && t <= 223));
            }
        }
        assertTrue(rtcp > 1000, "inputs read as RTCP: " + rtcp);
    }

    private static void drain(DatagramChannel channel, List<ByteBuffer> into) throws Exception {
        while (true) {
            ByteBuffer datagram = ByteBuffer.allocate(65_536);
            if (channel.receive(datagram) == null) return;
            into.add(datagram.flip());
        }
    }
}
