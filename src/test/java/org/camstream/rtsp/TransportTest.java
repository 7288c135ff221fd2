package org.camstream.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link Transport}: the client's Transport header in, the server's choice and its reply header out. */
class TransportTest {

    private static final String CLIENT = "192.0.2.7";

    private static Transport choose(String header) throws RtspException {
        return Transport.choose(header, CLIENT);
    }

    /** The refusal, which must be 461 and say why. */
    private static String refusal(String header) {
        RtspException e = assertThrows(RtspException.class, () -> choose(header), header);
        assertEquals(RtspStatus.UNSUPPORTED_TRANSPORT, e.status(), header);
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
        return e.getMessage();
    }

    // ---------------------------------------------------------------- TCP

    @Test
    void interleavedOverTcpTakesTheClientsChannels() throws RtspException {
        assertEquals(new Transport(true, 0, 1), choose("RTP/AVP/TCP;unicast;interleaved=0-1"));
        assertEquals(new Transport(true, 2, 3), choose("RTP/AVP/TCP;unicast;interleaved=2-3"));
    }

    @Test
    void oneInterleavedChannelMeansItAndTheNext() throws RtspException {
        assertEquals(new Transport(true, 4, 5), choose("RTP/AVP/TCP;interleaved=4"));
    }

    @Test
    void tcpWithoutChannelsLeavesThemToTheServer() throws RtspException {
        Transport t = choose("RTP/AVP/TCP;unicast");
        assertEquals(new Transport(true, -1, -1), t);
        assertEquals(new Transport(true, 6, 7), t.onChannels(6));
    }

    @Test
    void theProfileAndParameterNamesAreCaseInsensitiveAndSpacesAroundThemIgnored() throws RtspException {
        assertEquals(new Transport(true, 0, 1), choose(" rtp/avp/tcp ; UNICAST ; Interleaved=0-1 "));
    }

    @Test
    void clientPortIsIgnoredOverTcp() throws RtspException {
        assertEquals(new Transport(true, 0, 1), choose("RTP/AVP/TCP;unicast;client_port=5000-5001;interleaved=0-1"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"255", "256-257", "0-256", "-1", "a-b", "0-1-2", "", "1-", "-"})
    void interleavedChannelsOutsideZeroTo255AreRefused(String channels) {
        assertTrue(refusal("RTP/AVP/TCP;interleaved=" + channels).contains("interleaved"), channels);
    }

    @Test
    void channels254And255AreTheLastPair() throws RtspException {
        assertEquals(new Transport(true, 254, 255), choose("RTP/AVP/TCP;interleaved=254-255"));
    }

    // ---------------------------------------------------------------- UDP

    @Test
    void udpTakesTheClientsPortsUnderBothNamesOfTheProfile() throws RtspException {
        assertEquals(new Transport(false, 5000, 5001), choose("RTP/AVP;unicast;client_port=5000-5001"));
        assertEquals(new Transport(false, 5000, 5001), choose("RTP/AVP/UDP;unicast;client_port=5000-5001"));
    }

    @Test
    void oneClientPortMeansItAndTheNext() throws RtspException {
        assertEquals(new Transport(false, 6970, 6971), choose("RTP/AVP;client_port=6970"));
    }

    @Test
    void udpWithoutClientPortIsRefused() {
        assertTrue(refusal("RTP/AVP;unicast").contains("client_port"));
        // interleaved means nothing over UDP: it does not stand in for the ports
        assertTrue(refusal("RTP/AVP;unicast;interleaved=0-1").contains("client_port"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"0-1", "5000-0", "65536-65537", "65535", "x-5001", "5000-5001-5002", "5000-", "-5000",
        "99999999999-1"})
    void malformedOrOutOfRangeClientPortsAreRefused(String ports) {
        refusal("RTP/AVP;unicast;client_port=" + ports);
    }

    @Test
    void portZeroIsRefusedForRtcpToo() {
        // Found writing these tests: client_port=5000-0 was taken, and the RTCP went to port 0.
        assertTrue(refusal("RTP/AVP;unicast;client_port=5000-0").contains("port 0"));
    }

    @Test
    void theHighestPortsAreTaken() throws RtspException {
        assertEquals(new Transport(false, 65534, 65535), choose("RTP/AVP;client_port=65534-65535"));
    }

    @Test
    void aDestinationThatIsTheClientItselfIsTaken() throws RtspException {
        assertEquals(new Transport(false, 5000, 5001), choose("RTP/AVP;unicast;destination=" + CLIENT
                + ";client_port=5000-5001"));
        assertEquals(new Transport(false, 5000, 5001), choose("RTP/AVP;unicast;destination;client_port=5000-5001"),
                "an empty destination names no one else");
    }

    @Test
    void aDestinationOtherThanTheClientIsRefused() {
        // Else anyone could point a camera's stream at a third machine.
        assertTrue(refusal("RTP/AVP;unicast;destination=198.51.100.1;client_port=5000-5001").contains("destination"));
        refusal("RTP/AVP/TCP;unicast;destination=198.51.100.1;interleaved=0-1");
    }

    // ---------------------------------------------------------------- refusals of the whole choice

    @Test
    void multicastIsRefused() {
        assertTrue(refusal("RTP/AVP;multicast;client_port=5000-5001").contains("unicast"));
        refusal("RTP/AVP/TCP;MULTICAST;interleaved=0-1");
    }

    @Test
    void modePlayIsTakenAndAnyOtherModeRefused() throws RtspException {
        assertEquals(new Transport(true, 0, 1), choose("RTP/AVP/TCP;interleaved=0-1;mode=play"));
        assertEquals(new Transport(true, 0, 1), choose("RTP/AVP/TCP;interleaved=0-1;mode=\"PLAY\""));
        assertTrue(refusal("RTP/AVP/TCP;interleaved=0-1;mode=RECORD").contains("RECORD"));
        refusal("RTP/AVP/TCP;interleaved=0-1;mode=\"RECORD\"");
        refusal("RTP/AVP/TCP;interleaved=0-1;mode=");
    }

    @ParameterizedTest
    @ValueSource(strings = {"RTP/SAVP;unicast;client_port=5000-5001", "RTP/AVPF;client_port=5000-5001",
        "RAW/RAW/UDP;client_port=5000-5001", "RTP/AVP/SCTP;interleaved=0-1", "", ",", ";unicast"})
    void otherProfilesAreRefused(String header) {
        refusal(header);
    }

    @Test
    void noHeaderIsRefusedWithTheTwoThatWork() {
        for (String header : new String[] {null, "", "   "}) {
            String why = refusal(header);
            assertTrue(why.contains("RTP/AVP/TCP;unicast;interleaved=0-1") && why.contains("client_port"), why);
        }
    }

    @Test
    void theRefusalQuotesOddInputOnlyAsShortPrintableText() {
        String why = refusal("RTP/\u0001\u00ff" + "X".repeat(500) + ";unicast");
        assertFalse(why.contains("\u0001") || why.contains("\u00ff"), why);
        assertTrue(why.length() < 200, why);
        // Found writing these tests: the ellipsis that marks the cut was itself replaced by '?'.
        assertTrue(why.contains("??" + "X".repeat(34) + "…"), why);
    }

    // ---------------------------------------------------------------- several choices

    @Test
    void theFirstAcceptableChoiceWins() throws RtspException {
        assertEquals(new Transport(false, 5000, 5001), choose(
                "RTP/AVP;multicast, RTP/SAVP;client_port=1-2, RTP/AVP;unicast;client_port=5000-5001, RTP/AVP/TCP;interleaved=0-1"));
        assertEquals(new Transport(true, 0, 1), choose("RTP/AVP/TCP;interleaved=0-1,RTP/AVP;client_port=5000-5001"));
    }

    @Test
    void whenNoChoiceIsAcceptableTheFirstReasonIsGiven() {
        assertTrue(refusal("RTP/AVP;multicast, RTP/AVP;destination=198.51.100.1;client_port=5000-5001")
                .contains("unicast"));
    }

    @Test
    void atMostNineChoicesAreTried() throws RtspException {
        String refused = "RTP/SAVP;client_port=1-2,";
        assertEquals(new Transport(true, 0, 1), choose(refused.repeat(8) + "RTP/AVP/TCP;interleaved=0-1"));
        // The tenth is never reached: the ninth part holds the rest of the header, which is not a transport.
        refusal(refused.repeat(9) + "RTP/AVP/TCP;interleaved=0-1");
    }

    // ---------------------------------------------------------------- the reply

    @Test
    void theTcpReplyNamesTheChannelsAndTheSsrcAsEightHexDigits() {
        assertEquals("RTP/AVP/TCP;unicast;interleaved=2-3;ssrc=0000001F", new Transport(true, 2, 3).describe(6970, 0x1F));
        assertEquals("RTP/AVP/TCP;unicast;interleaved=0-1;ssrc=DEADBEEF",
                new Transport(true, 0, 1).describe(6970, 0xDEADBEEFL));
    }

    @Test
    void theUdpReplyNamesTheClientsAndTheServersPorts() {
        assertEquals("RTP/AVP;unicast;client_port=5000-5001;server_port=6970-6971;ssrc=00ABCDEF",
                new Transport(false, 5000, 5001).describe(6970, 0xABCDEF));
    }

    @Test
    void aReplyIsItselfAnAcceptableTransportHeader() throws RtspException {
        // What a client sends back after a redirect, or logs: it must mean the same transport.
        Transport udp = new Transport(false, 5000, 5001);
        assertEquals(udp, choose(udp.describe(6970, 1)));
        Transport tcp = new Transport(true, 0, 1);
        assertEquals(tcp, choose(tcp.describe(6970, 1)));
    }
}
