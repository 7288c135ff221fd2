package org.camstream.web;

import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one byte range of a download that a {@code Range} header asks for ({@code bytes=first-last},
 * {@code bytes=first-} or {@code bytes=-suffix}), or the whole of it. Several ranges are not served.
 *
 * @param first the first byte sent
 * @param last the last byte sent
 * @param partial whether a range was asked for, so the answer is a 206 with its Content-Range
 */
record ByteRange(long first, long last, long length, boolean partial) {

    private static final Pattern RANGE = Pattern.compile("bytes=(\\d*)-(\\d*)");

    /**
     * The range of {@code length} bytes that {@code header} asks for; null when it asks for none that exists,
     * after answering that with a 416 and its reason as JSON.
     *
     * @param what what is downloaded, for the 416's reason ("the clip", "the file")
     */
    static ByteRange of(String header, long length, String what, HttpServletResponse response) throws IOException {
        if (header == null) {
            return new ByteRange(0, length - 1, length, false);
        }
        Matcher m = RANGE.matcher(header.trim());
        long first = 0;
        long last = length - 1;
        boolean valid = m.matches() && !(m.group(1).isEmpty() && m.group(2).isEmpty());
        if (valid) {
            try {
                if (m.group(1).isEmpty()) {
                    first = Math.max(0, length - Long.parseLong(m.group(2)));
                } else {
                    first = Long.parseLong(m.group(1));
                    last = m.group(2).isEmpty() ? length - 1 : Math.min(length - 1, Long.parseLong(m.group(2)));
                }
            } catch (NumberFormatException e) {
                valid = false;
            }
        }
        if (!valid || first > last || first >= length) {
            response.setHeader("Content-Range", "bytes */" + length);
            Responses.sendError(response, HttpServletResponse.SC_REQUESTED_RANGE_NOT_SATISFIABLE,
                    what + " has " + length + " bytes; one range such as bytes=0-999 is served");
            return null;
        }
        return new ByteRange(first, last, length, true);
    }

    /** The status, Accept-Ranges, Content-Range and Content-Length of the answer. */
    void apply(HttpServletResponse response) {
        response.setStatus(partial ? HttpServletResponse.SC_PARTIAL_CONTENT : HttpServletResponse.SC_OK);
        response.setHeader("Accept-Ranges", "bytes");
        if (partial) {
            response.setHeader("Content-Range", "bytes " + first + "-" + last + "/" + length);
        }
        response.setContentLengthLong(Math.max(0, last - first + 1));
    }
}
