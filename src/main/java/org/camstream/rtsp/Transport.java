package org.camstream.rtsp;

import java.util.Locale;

/**
 * How one track's RTP goes to a client (RFC 2326, section 12.39): interleaved on its RTSP connection, on two
 * channels, or by UDP to two of its ports. Parsed from the client's {@code Transport} header, which may list
 * several choices, the first one camstream serves winning.
 *
 * <p>The UDP packets always go to the address the RTSP connection came from: a {@code destination} elsewhere is
 * refused, so that no one can point a camera's stream at a third machine.
 */
record Transport(boolean tcp, int rtp, int rtcp) {

    /** The client's first choice that camstream serves. */
    static Transport choose(String header, String clientAddress) throws RtspException {
        if (header == null || header.isBlank()) {
            throw new RtspException(RtspStatus.UNSUPPORTED_TRANSPORT, "SETUP needs a Transport header:"
                    + " RTP/AVP/TCP;unicast;interleaved=0-1 or RTP/AVP;unicast;client_port=5000-5001");
        }
        String refusal = null;
        for (String choice : header.split(",", 9)) {
            try {
                return parse(choice.trim(), clientAddress);
            } catch (RtspException e) {
                refusal = refusal == null ? e.getMessage() : refusal;
            }
        }
        throw new RtspException(RtspStatus.UNSUPPORTED_TRANSPORT, refusal);
    }

    private static Transport parse(String choice, String clientAddress) throws RtspException {
        String[] parts = choice.split(";", 17);
        String protocol = parts[0].trim().toUpperCase(Locale.ROOT);
        boolean tcp;
        if (protocol.equals("RTP/AVP/TCP")) {
            tcp = true;
        } else if (protocol.equals("RTP/AVP") || protocol.equals("RTP/AVP/UDP")) {
            tcp = false;
        } else {
            throw unsupported("the transport " + printable(parts[0]) + " is not RTP/AVP/TCP or RTP/AVP (UDP)");
        }
        int[] pair = null;
        for (int i = 1; i < parts.length; i++) {
            String part = parts[i].trim();
            String name = part.contains("=") ? part.substring(0, part.indexOf('=')).toLowerCase(Locale.ROOT) : part;
            String value = part.contains("=") ? part.substring(part.indexOf('=') + 1) : "";
            switch (name.toLowerCase(Locale.ROOT)) {
                case "multicast" -> throw unsupported("camstream sends unicast only");
                case "interleaved" -> {
                    if (tcp) {
                        pair = range(value, 255, "interleaved");
                    }
                }
                case "client_port" -> {
                    if (!tcp) {
                        pair = range(value, 65535, "client_port");
                    }
                }
                case "destination" -> {
                    if (!value.isEmpty() && !value.equals(clientAddress)) {
                        throw unsupported("the destination must be the client itself");
                    }
                }
                case "mode" -> {
                    String mode = value.replace("\"", "").toUpperCase(Locale.ROOT);
                    if (!mode.equals("PLAY")) {
                        throw unsupported("camstream only plays; it does not take a stream (mode=" + printable(value)
                                + ")");
                    }
                }
                default -> {
                    // unicast, ssrc, ttl and the rest: nothing to do
                }
            }
        }
        if (pair == null) {
            if (tcp) {
                return new Transport(true, -1, -1); // the server picks the channels
            }
            throw unsupported("RTP over UDP needs client_port=<rtp>-<rtcp>");
        }
        if (!tcp && (pair[0] == 0 || pair[1] == 0)) {
            throw unsupported("client_port 0 is no port");
        }
        return new Transport(tcp, pair[0], pair[1]);
    }

    /** {@code 0-1}, or a single number whose pair is the next one. */
    private static int[] range(String value, int max, String what) throws RtspException {
        String[] ends = value.split("-", 3);
        try {
            int first = Integer.parseInt(ends[0].trim());
            int second = ends.length > 1 ? Integer.parseInt(ends[1].trim()) : first + 1;
            if (ends.length > 2 || first < 0 || second < 0 || first > max || second > max) {
                throw new NumberFormatException();
            }
            return new int[] {first, second};
        } catch (NumberFormatException e) {
            throw unsupported(what + " must be two numbers from 0 to " + max + ", such as " + what + "=0-1");
        }
    }

    /** The same transport with the interleaved channels the server chose. */
    Transport onChannels(int rtpChannel) {
        return new Transport(true, rtpChannel, rtpChannel + 1);
    }

    /** The Transport header of the SETUP's response. */
    String describe(int serverRtpPort, long ssrc) {
        String id = String.format(Locale.ROOT, "%08X", ssrc);
        if (tcp) {
            return "RTP/AVP/TCP;unicast;interleaved=" + rtp + "-" + rtcp + ";ssrc=" + id;
        }
        return "RTP/AVP;unicast;client_port=" + rtp + "-" + rtcp + ";server_port=" + serverRtpPort + "-"
                + (serverRtpPort + 1) + ";ssrc=" + id;
    }

    private static RtspException unsupported(String why) {
        return new RtspException(RtspStatus.UNSUPPORTED_TRANSPORT, why);
    }

    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) : text;
        return cut.replaceAll("[^\\x20-\\x7E]", "?") + (cut.length() < text.length() ? "…" : "");
    }
}
