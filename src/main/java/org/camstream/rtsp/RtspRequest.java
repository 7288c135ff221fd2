package org.camstream.rtsp;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * One RTSP request as the client sent it: the request line, the headers (names in lower case, values trimmed,
 * in order), and the body. Built by {@link RequestReader} only, whose bounds it has passed.
 */
record RtspRequest(String method, String uri, String version, List<Map.Entry<String, String>> headers, byte[] body) {

    RtspRequest {
        headers = List.copyOf(headers);
    }

    /** The first value of a header, or null. */
    String header(String name) {
        String lower = name.toLowerCase(Locale.ROOT);
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equals(lower)) {
                return header.getValue();
            }
        }
        return null;
    }

    /** The CSeq, which every response must echo; null when missing or not a number. */
    String cseq() {
        String cseq = header("cseq");
        return cseq != null && cseq.matches("[0-9]{1,10}") ? cseq : null;
    }

    /** The session id the client names, without its parameters (";timeout=…"); null when none. */
    String session() {
        String session = header("session");
        if (session == null) {
            return null;
        }
        int semicolon = session.indexOf(';');
        return (semicolon < 0 ? session : session.substring(0, semicolon)).trim();
    }
}
