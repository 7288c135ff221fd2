package org.camstream.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.mp4.InitSegment;
import org.camstream.stream.VideoTrack;
import org.camstream.testing.Fixtures;
import org.junit.jupiter.api.Test;

/**
 * The SDP of a Raspberry Pi recording's track, line for line: the profile-level-id the SPS's bytes give, the
 * parameter sets in base64 that decode to the track's own SPS and PPS, the AAC config in hex that is the
 * AudioSpecificConfig's bytes, CRLF everywhere, and no value that could break a line.
 */
class SessionDescriptionTest {

    private static final InetAddress SERVER = InetAddress.getLoopbackAddress();

    @Test
    void aVideoTracksDescriptionHasItsParameterSetsAndProfileFromTheSps() throws Exception {
        VideoTrack track = PiStream.pictures(Fixtures.PI_720P_INLINE).get(0).chunk().track();
        InitSegment init = track.init();
        SessionDescription sdp = SessionDescription.of("front-door", SERVER, 3_900_000_123L, track.generation(), init);
        String text = sdp.text();
        assertTrue(text.endsWith("\r\n"));
        assertFalse(text.replace("\r\n", "").contains("\n") || text.replace("\r\n", "").contains("\r"), "only CRLF");
        List<String> lines = List.of(text.split("\r\n"));
        String fmtp = lines.get(10);
        assertEquals(List.of(
                "v=0",
                "o=- 3900000123 " + track.generation() + " IN IP4 127.0.0.1",
                "s=front-door",
                "c=IN IP4 0.0.0.0",
                "t=0 0",
                "a=tool:camstream",
                "a=range:npt=0-",
                "a=control:*",
                "m=video 0 RTP/AVP 96",
                "a=rtpmap:96 H264/90000",
                fmtp,
                "a=control:trackID=0"), lines.subList(0, 12));
        // The Pi's SPS: 27 64 00 28, High profile, no constraint flags, level 4.0.
        String prefix = "a=fmtp:96 packetization-mode=1;profile-level-id=640028;sprop-parameter-sets=";
        assertTrue(fmtp.startsWith(prefix), fmtp);
        String[] sets = fmtp.substring(prefix.length()).split(",");
        assertEquals(2, sets.length);
        assertArrayEquals(init.sps().nal().toByteArray(), Base64.getDecoder().decode(sets[0]));
        assertArrayEquals(init.pps().toByteArray(), Base64.getDecoder().decode(sets[1]));
        for (String line : lines.subList(12, lines.size())) {
            assertTrue(line.equals("a=x-dimensions:1280,720") || line.matches("a=framerate:[0-9]+(\\.[0-9]+)?"), line);
        }
        assertTrue(lines.contains("a=x-dimensions:1280,720"));
        if (init.sps().frameRate().isPresent()) {
            assertTrue(lines.stream().anyMatch(l -> l.startsWith("a=framerate:")), "the SPS states a frame rate");
        }
        assertFalse(sdp.hasAudio());
        assertArrayEquals(text.getBytes(StandardCharsets.US_ASCII), sdp.bytes());
    }

    @Test
    void withSoundTheAudioTrackHasItsRateChannelsAndConfig() {
        InitSegment init = PiStream.picturesWithSound(Fixtures.PI_480P_ONCE, 0).get(0).chunk().track().init();
        SessionDescription sdp = SessionDescription.of("cam1", SERVER, 1, 2, init);
        List<String> lines = List.of(sdp.text().split("\r\n"));
        int m = lines.indexOf("m=audio 0 RTP/AVP 97");
        assertTrue(m > 0, sdp.text());
        AudioSpecificConfig audio = init.audio();
        String config = HexFormat.of().formatHex(audio.bytes());
        assertEquals("1188", config, "AAC-LC, 48 kHz, mono");
        assertEquals(List.of(
                "m=audio 0 RTP/AVP 97",
                "a=rtpmap:97 mpeg4-generic/48000/1",
                "a=fmtp:97 streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;indexdeltalength=3;config="
                        + config,
                "a=control:trackID=1"), lines.subList(m, lines.size()));
        assertTrue(sdp.hasAudio());
        assertEquals(RtpTrack.AUDIO, RtpTrack.ofControl("trackID=1"));
        assertEquals(RtpTrack.VIDEO, RtpTrack.ofControl("trackID=0"));
        assertEquals(null, RtpTrack.ofControl("trackID=2"));
    }

    @Test
    void sentToAnAddressTheConnectionAndPortsAreThoseOfTheReceiver() throws Exception {
        InitSegment init = PiStream.picturesWithSound(Fixtures.PI_480P_ONCE, 0).get(0).chunk().track().init();
        SessionDescription sdp = SessionDescription.of("cam1", InetAddress.getByName("::1"), 1, 2, init)
                .sentTo(InetAddress.getByName("127.0.0.1"), 5004, 5006);
        List<String> lines = List.of(sdp.text().split("\r\n"));
        assertEquals("o=- 1 2 IN IP6 0:0:0:0:0:0:0:1", lines.get(1));
        assertEquals("c=IN IP4 127.0.0.1", lines.get(3));
        assertTrue(lines.contains("m=video 5004 RTP/AVP 96"));
        assertTrue(lines.contains("m=audio 5006 RTP/AVP 97"));
        assertThrows(IllegalArgumentException.class, () -> SessionDescription.of("cam1", SERVER, 1, 2, init)
                .sentTo(SERVER, 65_535, 5006), "no room for RTCP on the port after");
    }

    @Test
    void aNameOrNumberThatIsNotOneIsRefused() {
        InitSegment init = PiStream.pictures(Fixtures.PI_480P_ONCE).get(0).chunk().track().init();
        for (String name : new String[] {"", "Front", "cam\r\na=evil", "cam 1", "-", "a".repeat(33)}) {
            assertThrows(IllegalArgumentException.class, () -> SessionDescription.of(name, SERVER, 1, 1, init), name);
        }
        assertThrows(IllegalArgumentException.class, () -> SessionDescription.of("cam", SERVER, -1, 1, init));
        assertThrows(IllegalArgumentException.class, () -> SessionDescription.of("cam", SERVER, 1, -1, init));
    }
}
