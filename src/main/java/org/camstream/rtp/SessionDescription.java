package org.camstream.rtp;

import java.net.Inet6Address;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Objects;
import java.util.OptionalDouble;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.codec.h264.AvcCodecString;
import org.camstream.codec.h264.Sps;
import org.camstream.config.SettingKey;
import org.camstream.mp4.InitSegment;

/**
 * The SDP (RFC 4566) that describes a camera's RTP streams, as an RTSP DESCRIBE answers it: H.264 in
 * packetization-mode 1 with the parameter sets (RFC 6184 8.1) and, with sound, AAC in mode AAC-hbr with its
 * AudioSpecificConfig (RFC 3640 3.3.6), each with the control name its SETUP uses ({@link RtpTrack}).
 *
 * <p>Made from a track's {@link InitSegment}, which has the SPS, the PPS and the sound's format, and from
 * values already checked, checked again here, since each goes into a line of text: the camera's name, the
 * server's address, numbers. Lines end in CRLF. Immutable.
 */
public final class SessionDescription {
    private static final String CRLF = "\r\n";

    private final String cameraName;
    private final InetAddress server;
    private final long sessionId;
    private final long version;
    private final InitSegment init;
    private final InetAddress destination;
    private final int videoPort;
    private final int audioPort;
    private final String text;

    private SessionDescription(String cameraName, InetAddress server, long sessionId, long version, InitSegment init,
            InetAddress destination, int videoPort, int audioPort) {
        this.cameraName = cameraName;
        this.server = server;
        this.sessionId = sessionId;
        this.version = version;
        this.init = init;
        this.destination = destination;
        this.videoPort = videoPort;
        this.audioPort = audioPort;
        this.text = render();
    }

    /**
     * The description an RTSP server gives: no address or ports, which each client's SETUP negotiates.
     *
     * @param serverAddress the address the client reached the server at, for the origin line
     * @param sessionId the origin's session id: the same for as long as the camera runs
     * @param version the origin's version, which changes when the description does: the track's generation
     */
    public static SessionDescription of(String cameraName, InetAddress serverAddress, long sessionId, long version,
            InitSegment init) {
        if (!SettingKey.CAMERA_NAME.matcher(cameraName).matches()) {
            throw new IllegalArgumentException("not a camera name");
        }
        Objects.requireNonNull(serverAddress, "serverAddress");
        if (sessionId < 0 || version < 0) {
            throw new IllegalArgumentException("session id " + sessionId + ", version " + version);
        }
        Objects.requireNonNull(init, "init");
        return new SessionDescription(cameraName, serverAddress, sessionId, version, init, null, 0, 0);
    }

    /**
     * The same streams as RTP sent to {@code address} and the given ports (RTCP on the port after each), as a
     * receiver is told it in an SDP file rather than by RTSP.
     *
     * @param audioPort ignored without sound
     */
    public SessionDescription sentTo(InetAddress address, int videoPort, int audioPort) {
        Objects.requireNonNull(address, "address");
        if (videoPort < 1 || videoPort > 65_534 || (hasAudio() && (audioPort < 1 || audioPort > 65_534))) {
            throw new IllegalArgumentException("ports " + videoPort + ", " + audioPort);
        }
        return new SessionDescription(cameraName, server, sessionId, version, init, address, videoPort,
                hasAudio() ? audioPort : 0);
    }

    public boolean hasAudio() {
        return init.audio() != null;
    }

    /** The SDP text, every line ended by CRLF. */
    public String text() {
        return text;
    }

    /** The text's bytes, all ASCII: what a DESCRIBE answer's body is, and its Content-Length. */
    public byte[] bytes() {
        return text.getBytes(StandardCharsets.US_ASCII);
    }

    @Override
    public String toString() {
        return text;
    }

    private String render() {
        Sps sps = init.sps();
        StringBuilder s = new StringBuilder(512);
        line(s, "v=0");
        line(s, "o=- " + sessionId + " " + version + " " + address(server));
        line(s, "s=" + cameraName);
        line(s, "c=" + (destination == null ? "IN IP4 0.0.0.0" : address(destination)));
        line(s, "t=0 0");
        line(s, "a=tool:camstream");
        line(s, "a=range:npt=0-");
        line(s, "a=control:*");

        int video = RtpTrack.VIDEO.payloadType();
        line(s, "m=video " + videoPort + " RTP/AVP " + video);
        line(s, "a=rtpmap:" + video + " H264/90000");
        // profile-level-id: the SPS's profile_idc, constraint flags and level_idc, the three bytes after the
        // NAL header exactly as coded, as the codec string has them.
        String profileLevelId = AvcCodecString.of(sps).substring("avc1.".length());
        Base64.Encoder base64 = Base64.getEncoder();
        line(s, "a=fmtp:" + video + " packetization-mode=1;profile-level-id=" + profileLevelId
                + ";sprop-parameter-sets=" + base64.encodeToString(sps.nal().toByteArray()) + ","
                + base64.encodeToString(init.pps().toByteArray()));
        line(s, "a=control:" + RtpTrack.VIDEO.control());
        OptionalDouble fps = sps.frameRate();
        if (fps.isPresent() && fps.getAsDouble() >= 1 && fps.getAsDouble() <= 1000) {
            line(s, "a=framerate:" + decimal(fps.getAsDouble()));
        }
        line(s, "a=x-dimensions:" + sps.width() + "," + sps.height());

        AudioSpecificConfig audio = init.audio();
        if (audio != null) {
            int pt = RtpTrack.AUDIO.payloadType();
            line(s, "m=audio " + audioPort + " RTP/AVP " + pt);
            line(s, "a=rtpmap:" + pt + " mpeg4-generic/" + audio.sampleRate() + "/" + channels(audio));
            line(s, "a=fmtp:" + pt + " streamtype=5;profile-level-id=1;mode=AAC-hbr;sizelength=13;indexlength=3;"
                    + "indexdeltalength=3;config=" + hex(audio.bytes()));
            line(s, "a=control:" + RtpTrack.AUDIO.control());
        }
        return s.toString();
    }

    private static void line(StringBuilder s, String line) {
        s.append(line).append(CRLF);
    }

    /** {@code IN IP4 192.0.2.1} or {@code IN IP6 2001:db8::1}, without an IPv6 scope, which SDP has no room for. */
    private static String address(InetAddress address) {
        String text = address.getHostAddress();
        int scope = text.indexOf('%');
        if (scope >= 0) text = text.substring(0, scope);
        return (address instanceof Inet6Address ? "IN IP6 " : "IN IP4 ") + text;
    }

    /** Channel configurations 1 to 6 are that many channels; 7 is 7.1, eight (ISO/IEC 14496-3 table 1.19). */
    private static int channels(AudioSpecificConfig audio) {
        return audio.channelConfiguration() == 7 ? 8 : audio.channelConfiguration();
    }

    private static String decimal(double value) {
        if (value == Math.rint(value)) return Long.toString((long) value);
        String s = String.format(Locale.ROOT, "%.3f", value);
        return s.replaceAll("0+$", "");
    }

    private static String hex(byte[] bytes) {
        StringBuilder s = new StringBuilder(bytes.length * 2);
        for (byte b : bytes) s.append(String.format(Locale.ROOT, "%02x", b & 0xff));
        return s.toString();
    }
}
