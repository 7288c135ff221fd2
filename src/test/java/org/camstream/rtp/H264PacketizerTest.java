package org.camstream.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;
import org.camstream.mp4.InitSegment;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Both Raspberry Pi recordings through the camera's pipeline and {@code Mp4Chunk.rtp()}, read back by a
 * receiver written from RFC 6184: every NAL unit comes back byte for byte and in order, the parameter sets
 * once before every keyframe, no payload over the limit, FU-A headers and the marker bit as the RFC says,
 * every packet on the picture's 90 kHz decode time. Then the cases the Pi's stream does not have: a keyframe
 * without its parameter sets, and x264's delimiters and filler.
 */
class H264PacketizerTest {

    @TempDir
    Path dir;

    @ParameterizedTest
    @ValueSource(strings = {Fixtures.PI_720P_INLINE, Fixtures.PI_480P_ONCE})
    void everyNalUnitComesBackByteForByteWithTheParameterSetsOnceBeforeEveryKeyframe(String fixture) {
        List<PiStream.Picture> pictures = PiStream.pictures(fixture);
        assertEquals(fixture.equals(Fixtures.PI_720P_INLINE) ? 141 : 293, pictures.size(), "every picture published");
        int keyframes = 0;
        for (PiStream.Picture picture : pictures) {
            RtpPicture rtp = picture.chunk().rtp();
            List<byte[]> received = H264Depacketizer.nalUnits(rtp.video());
            List<NalUnit> sent = picture.accessUnit().nalUnits();
            assertEquals(sent.size(), received.size(), "NAL units of picture " + picture.frame().sequence());
            for (int i = 0; i < sent.size(); i++) {
                assertArrayEquals(sent.get(i).toByteArray(), received.get(i), "NAL unit " + i);
            }
            assertEquals(picture.chunk().isKeyframe(), rtp.isKeyframe());
            InitSegment init = picture.chunk().track().init();
            if (rtp.isKeyframe()) {
                keyframes++;
                assertEquals(List.of(NalUnit.SPS, NalUnit.PPS), types(received).subList(0, 2), "SPS and PPS first");
                assertArrayEquals(init.sps().nal().toByteArray(), received.get(0));
                assertArrayEquals(init.pps().toByteArray(), received.get(1));
            }
            long parameterSets = types(received).stream().filter(t -> t == NalUnit.SPS || t == NalUnit.PPS).count();
            assertEquals(rtp.isKeyframe() ? 2 : 0, parameterSets, "parameter sets exactly once, and only at keyframes");
        }
        assertEquals(fixture.equals(Fixtures.PI_720P_INLINE) ? 10 : 5, keyframes);
    }

    @Test
    void noPayloadIsOverTheLimitAndTheFragmentsHaveTheirStartAndEndBits() {
        List<PiStream.Picture> pictures = PiStream.pictures(Fixtures.PI_720P_INLINE);
        int fragmentedNals = 0;
        for (int limit : new int[] {H264Packetizer.DEFAULT_PAYLOAD_LIMIT, 100, H264Packetizer.MIN_PAYLOAD_LIMIT}) {
            H264Packetizer packetizer = new H264Packetizer(limit);
            for (PiStream.Picture picture : pictures.subList(0, limit == 3 ? 4 : pictures.size())) {
                InitSegment init = picture.chunk().track().init();
                List<RtpPayload> packets = limit == H264Packetizer.DEFAULT_PAYLOAD_LIMIT ? picture.chunk().rtp().video()
                        : packetizer.packetize(picture.accessUnit(), init.sps().nal(), init.pps(), 0);
                List<NalUnit> nals = picture.accessUnit().nalUnits();
                int p = 0;
                for (NalUnit nal : nals) {
                    if (nal.size() <= limit) {
                        // Whole, as a single NAL unit packet: the NAL unit itself.
                        assertEquals(nal.asByteBuffer(), packets.get(p++).payload());
                        continue;
                    }
                    fragmentedNals++;
                    int header = nal.byteAt(0) & 0xff;
                    int fragments = 0;
                    while (true) {
                        ByteBuffer payload = packets.get(p++).payload();
                        assertTrue(payload.remaining() <= limit, payload.remaining() + " bytes over " + limit);
                        int indicator = payload.get(0) & 0xff;
                        int fu = payload.get(1) & 0xff;
                        assertEquals(header & 0xe0 | 28, indicator, "FU indicator: the NAL unit's F and NRI, type 28");
                        assertEquals(header & 0x1f, fu & 0x1f, "FU header: the NAL unit's type");
                        assertEquals(fragments == 0, (fu & 0x80) != 0, "S on the first fragment only");
                        fragments++;
                        if ((fu & 0x40) != 0) break;
                    }
                    // Fragments as full as the limit allows, so no more of them than needed.
                    assertEquals((nal.size() - 1 + limit - 3) / (limit - 2), fragments);
                }
                assertEquals(packets.size(), p, "no packet but the picture's NAL units");
                for (RtpPayload packet : packets) {
                    assertTrue(packet.size() <= limit);
                }
            }
        }
        // Every picture's slice at 1200 and at 100 bytes, and the first four's NAL units at 3.
        assertTrue(fragmentedNals >= 2 * pictures.size() + 4, "NAL units cut into FU-As: " + fragmentedNals);
    }

    @Test
    void theMarkerIsOnEachPicturesLastPacketOnlyAndEveryPacketHasItsDecodeTime() {
        List<PiStream.Picture> pictures = PiStream.pictures(Fixtures.PI_720P_INLINE);
        long previous = -1;
        for (PiStream.Picture picture : pictures) {
            RtpPicture rtp = picture.chunk().rtp();
            long decodeTime = picture.chunk().timing().decodeTime();
            assertEquals(decodeTime, rtp.timestamp());
            assertEquals(new RtpTime(decodeTime, picture.chunk().timelineEpochMicros(), 90_000), rtp.videoTime());
            assertTrue(decodeTime > previous, "timestamps increase, one picture to the next");
            previous = decodeTime;
            List<RtpPayload> packets = rtp.video();
            for (int i = 0; i < packets.size(); i++) {
                RtpPayload packet = packets.get(i);
                assertEquals(i == packets.size() - 1, packet.marker(), "marker on packet " + i + " of " + packets.size());
                assertEquals(decodeTime, packet.timestamp());
                assertSame(RtpTrack.VIDEO, packet.track());
                assertEquals(96, packet.payloadType());
            }
            assertEquals(packets.stream().mapToInt(RtpPayload::size).sum(), rtp.payloadBytes());
            assertTrue(rtp.audio().isEmpty(), "no sound on a camera without");
        }
        // The pictures are 33.3 ms apart on the 90 kHz clock.
        long span = pictures.get(140).chunk().rtp().timestamp() - pictures.get(0).chunk().rtp().timestamp();
        assertEquals(140 * 3000, span, 3.0);
    }

    @Test
    void aKeyframeWithoutItsParameterSetsGetsTheTracksOnceAndOneWithOnlyItsSpsGetsThePpsRightAfter() {
        PiStream.Picture key = PiStream.pictures(Fixtures.PI_480P_ONCE).get(0);
        InitSegment init = key.chunk().track().init();
        List<NalUnit> nals = key.accessUnit().nalUnits();
        assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR),
                nals.stream().map(NalUnit::type).toList().subList(0, 3));
        List<NalUnit> slices = nals.subList(2, nals.size());
        H264Packetizer packetizer = new H264Packetizer();

        List<byte[]> bare = H264Depacketizer.nalUnits(
                packetizer.packetize(AccessUnit.of(slices), init.sps().nal(), init.pps(), 0));
        assertEquals(nals.size(), bare.size());
        for (int i = 0; i < nals.size(); i++) assertArrayEquals(nals.get(i).toByteArray(), bare.get(i));

        List<NalUnit> spsOnly = new ArrayList<>(nals);
        spsOnly.remove(1);
        List<byte[]> withSps = H264Depacketizer.nalUnits(
                packetizer.packetize(AccessUnit.of(spsOnly), init.sps().nal(), init.pps(), 0));
        assertEquals(List.of(NalUnit.SPS, NalUnit.PPS, NalUnit.IDR), types(withSps).subList(0, 3));
        assertEquals(nals.size(), withSps.size());

        // A picture that is not a keyframe gets none, and a keyframe without any parameter sets to give is refused.
        PiStream.Picture next = PiStream.pictures(Fixtures.PI_480P_ONCE).get(1);
        assertEquals(next.accessUnit().nalUnits().size(),
                H264Depacketizer.nalUnits(packetizer.packetize(next.accessUnit(), init.sps().nal(), init.pps(), 0)).size());
        assertThrows(NullPointerException.class, () -> packetizer.packetize(AccessUnit.of(slices), null, null, 0));
        assertThrows(IllegalArgumentException.class,
                () -> packetizer.packetize(AccessUnit.of(slices), init.pps(), init.pps(), 0));
    }

    @Test
    void accessUnitDelimitersAndFillerAreDroppedAndEverythingElseGoesInOrder() {
        // x264 in CBR with its HRD writes real delimiters and filler, and zerolatency cuts pictures into slices.
        Path file = MediaTools.x264AnnexB(dir, "cbr.h264", "320x240", 1, "-x264-params", "aud=1:nal-hrd=cbr", "-b:v",
                "2M", "-minrate", "2M", "-maxrate", "2M", "-bufsize", "1M");
        // Each access unit starts at its delimiter (the camera's assembler drops them, so this test groups them).
        List<List<NalUnit>> groups = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(nal -> {
            if (nal.type() == NalUnit.AUD || groups.isEmpty()) groups.add(new ArrayList<>());
            groups.get(groups.size() - 1).add(nal);
        });
        byte[] bytes = Fixtures.read(file);
        reader.feed(bytes, 0, bytes.length);
        reader.flush();
        List<AccessUnit> aus = groups.stream().map(AccessUnit::of).toList();
        AccessUnit first = aus.get(0);
        H264Packetizer packetizer = new H264Packetizer();
        int delimiters = 0;
        int filler = 0;
        for (AccessUnit au : aus) {
            List<NalUnit> expected = new ArrayList<>();
            for (NalUnit nal : au.nalUnits()) {
                if (nal.type() == NalUnit.AUD) delimiters++;
                else if (nal.type() == NalUnit.FILLER) filler++;
                else expected.add(nal);
            }
            List<byte[]> received = H264Depacketizer.nalUnits(packetizer.packetize(au, first.sps(), first.pps(), 0));
            assertEquals(expected.size(), received.size(), au.toString());
            for (int i = 0; i < expected.size(); i++) assertArrayEquals(expected.get(i).toByteArray(), received.get(i));
        }
        assertEquals(aus.size(), delimiters, "x264 wrote a delimiter a picture");
        assertTrue(filler > 0, "x264 wrote filler");
        assertTrue(types(H264Depacketizer.nalUnits(packetizer.packetize(first, first.sps(), first.pps(), 0)))
                .contains(NalUnit.SEI), "x264's SEI goes through");
    }

    @Test
    void aPayloadLimitTooSmallForAFragmentOrTooBigForAnInterleavedFrameIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new H264Packetizer(2));
        assertThrows(IllegalArgumentException.class, () -> new H264Packetizer(65_524));
        assertEquals(65_523, new H264Packetizer(65_523).payloadLimit());
    }

    private static List<Integer> types(List<byte[]> nals) {
        return nals.stream().map(n -> n[0] & 0x1f).toList();
    }
}
