package org.camstream.rtsp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Reads what a client sends on its RTSP connection, as it arrives: requests, and the interleaved binary frames
 * ({@code $}, channel, length) that a client receiving over TCP sends back, its RTCP receiver reports. Every
 * part has a bound; past one, or on anything that is not RTSP, it throws a {@link RtspException} with the status
 * to answer, after which the connection cannot be trusted to find the next request and is closed.
 *
 * <p>An interleaved frame larger than what is buffered is skipped as it arrives, so a connection's buffer stays
 * at {@link #BUFFER_SIZE} whatever a client sends.
 */
final class RequestReader {

    /** A connection's read buffer: one request head fits, with room to spare. */
    static final int BUFFER_SIZE = 12 * 1024;
    /** The request line and headers together. */
    static final int MAX_HEAD = 8 * 1024;
    static final int MAX_HEADERS = 64;
    static final int MAX_URI = 1024;
    /** RTSP requests to a camera carry small bodies at most (a GET_PARAMETER's list of names). */
    static final int MAX_BODY = 2 * 1024;

    /** What came next on the connection. */
    sealed interface Item permits Request, Interleaved {
    }

    record Request(RtspRequest request) implements Item {
    }

    /** A binary frame on {@code channel}; {@code payload} holds it when it was small enough to keep, else null. */
    record Interleaved(int channel, byte[] payload) implements Item {
    }

    private long skipping;
    /** How far past the current request's start the search for its head's end has looked, between reads. */
    private int scanned;

    /**
     * The next complete item in {@code in} (which is in read mode, and left positioned after what was taken),
     * or null when more bytes are needed.
     */
    Item next(ByteBuffer in) throws RtspException {
        if (skipping > 0) {
            int n = (int) Math.min(skipping, in.remaining());
            in.position(in.position() + n);
            skipping -= n;
            if (skipping > 0) {
                return null;
            }
        }
        while (in.hasRemaining() && (in.get(in.position()) == '\r' || in.get(in.position()) == '\n')) {
            in.get(); // the blank lines some clients send between requests
        }
        if (!in.hasRemaining()) {
            return null;
        }
        if (in.get(in.position()) == '$') {
            return interleaved(in);
        }
        return request(in);
    }

    private Item interleaved(ByteBuffer in) {
        if (in.remaining() < 4) {
            return null;
        }
        int start = in.position();
        int channel = in.get(start + 1) & 0xFF;
        int length = ((in.get(start + 2) & 0xFF) << 8) | (in.get(start + 3) & 0xFF);
        if (in.remaining() >= 4 + length) {
            byte[] payload = new byte[length];
            in.position(start + 4);
            in.get(payload);
            return new Interleaved(channel, payload);
        }
        if (4 + length <= in.capacity()) {
            return null; // it fits once the caller compacts the buffer: wait for the rest
        }
        in.position(start + 4);
        skipping = length - in.remaining();
        in.position(in.limit());
        return new Interleaved(channel, null);
    }

    private Item request(ByteBuffer in) throws RtspException {
        int start = in.position();
        // A client that sends its head a byte at a time costs one look at each byte, not one at the whole head.
        int end = headEnd(in, start, Math.max(start, start + scanned - 2));
        if (end < 0) {
            if (in.remaining() >= MAX_HEAD) {
                throw new RtspException(RtspStatus.BAD_REQUEST, "the request's head is over " + MAX_HEAD + " bytes");
            }
            checkRequestLineSoFar(in, start);
            scanned = in.limit() - start;
            return null;
        }
        scanned = 0;
        checkRequestLineSoFar(in, start); // first, so that the answer does not depend on how the bytes came
        String head = new String(bytes(in, start, end), StandardCharsets.ISO_8859_1);
        String[] lines = head.split("\r?\n", -1);
        String[] requestLine = lines[0].split(" ", -1);
        if (requestLine.length != 3) {
            throw new RtspException(RtspStatus.BAD_REQUEST, "the request line is not METHOD URI RTSP/1.0");
        }
        String method = requestLine[0];
        if (!method.matches("[A-Z_]{1,32}")) {
            throw new RtspException(RtspStatus.BAD_REQUEST, "the method is not an RTSP method name");
        }
        String uri = requestLine[1];
        if (uri.isEmpty() || uri.length() > MAX_URI || !printable(uri)) {
            throw new RtspException(uri.length() > MAX_URI ? RtspStatus.URI_TOO_LARGE : RtspStatus.BAD_REQUEST,
                    "the request URI is empty, over " + MAX_URI + " characters, or not printable");
        }
        String version = requestLine[2];
        if (!version.matches("RTSP/[0-9]\\.[0-9]")) {
            throw new RtspException(RtspStatus.BAD_REQUEST, "the request line does not end in RTSP/1.0");
        }
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        for (int i = 1; i < lines.length; i++) {
            String line = lines[i];
            if (line.isEmpty()) {
                continue; // the end of the head
            }
            if (line.charAt(0) == ' ' || line.charAt(0) == '\t') {
                throw new RtspException(RtspStatus.BAD_REQUEST, "a header is folded over two lines");
            }
            int colon = line.indexOf(':');
            if (colon < 1) {
                throw new RtspException(RtspStatus.BAD_REQUEST, "a header line has no name: value");
            }
            String name = line.substring(0, colon);
            String value = line.substring(colon + 1).trim();
            if (!name.matches("[A-Za-z0-9!#$%&'*+.^_`|~-]+") || hasControls(value)) {
                throw new RtspException(RtspStatus.BAD_REQUEST, "a header's name or value holds control characters");
            }
            if (headers.size() == MAX_HEADERS) {
                throw new RtspException(RtspStatus.BAD_REQUEST, "the request has over " + MAX_HEADERS + " headers");
            }
            headers.add(new AbstractMap.SimpleImmutableEntry<>(name.toLowerCase(Locale.ROOT), value));
        }
        int bodyStart = end;
        int length = contentLength(headers);
        if (in.limit() - bodyStart < length) {
            return null; // the body is on its way; the head is read again then, which is cheap at this size
        }
        byte[] body = bytes(in, bodyStart, bodyStart + length);
        in.position(bodyStart + length);
        return new Request(new RtspRequest(method, uri, version, headers, body));
    }

    /**
     * The index just past the blank line that ends the head, or -1; bare LFs are taken too. The blank line must
     * end within {@link #MAX_HEAD} bytes, so that whether a head is over the bound does not depend on how its
     * bytes arrived.
     */
    private static int headEnd(ByteBuffer in, int start, int from) {
        int limit = Math.min(in.limit(), start + MAX_HEAD);
        for (int i = from; i < limit; i++) {
            if (in.get(i) != '\n') {
                continue;
            }
            if (i + 1 < limit && in.get(i + 1) == '\n') {
                return i + 2;
            }
            if (i + 2 < limit && in.get(i + 1) == '\r' && in.get(i + 2) == '\n') {
                return i + 3;
            }
        }
        return -1;
    }

    /** The longest request line: a method of 32 letters, the URI, RTSP/1.0, two spaces and the CR. */
    private static final int MAX_REQUEST_LINE = 32 + 1 + MAX_URI + 1 + 8 + 1;

    /**
     * Refuses at once what cannot begin a request, rather than waiting for a head's worth of it: a first line
     * that does not start with a method's capital letter, holds a byte that is not printable ASCII, or is
     * longer than any request line can be. Binary noise and other protocols get their 400 on their first read.
     * A whole request goes through the same check before any other, and each of its refusals is a 400, so a
     * request gets the same answer whether it came in one read or a byte at a time.
     */
    private static void checkRequestLineSoFar(ByteBuffer in, int start) throws RtspException {
        byte first = in.get(start);
        if (first < 'A' || first > 'Z') {
            throw new RtspException(RtspStatus.BAD_REQUEST, "this is not an RTSP request");
        }
        int limit = Math.min(in.limit(), start + MAX_REQUEST_LINE + 1);
        int lineEnd = -1;
        for (int i = start; i < limit; i++) {
            byte b = in.get(i);
            if (b == '\n') {
                lineEnd = i;
                break;
            }
            boolean endsLine = b == '\r' && (i + 1 == in.limit() || in.get(i + 1) == '\n');
            if ((b < 0x20 || b > 0x7E) && !endsLine) {
                throw new RtspException(RtspStatus.BAD_REQUEST, "the request line holds a byte that is not text");
            }
        }
        if (lineEnd < 0 && limit - start > MAX_REQUEST_LINE) {
            throw new RtspException(RtspStatus.BAD_REQUEST, "the request line is over " + MAX_REQUEST_LINE
                    + " bytes");
        }
    }

    private static int contentLength(List<Map.Entry<String, String>> headers) throws RtspException {
        for (Map.Entry<String, String> header : headers) {
            if (header.getKey().equals("content-length")) {
                String value = header.getValue();
                if (!value.matches("[0-9]+")) {
                    throw new RtspException(RtspStatus.BAD_REQUEST, "Content-Length is not a number");
                }
                if (value.length() > 9 || Integer.parseInt(value) > MAX_BODY) {
                    throw new RtspException(RtspStatus.ENTITY_TOO_LARGE, "the body is over " + MAX_BODY + " bytes");
                }
                return Integer.parseInt(value);
            }
        }
        return 0;
    }

    private static byte[] bytes(ByteBuffer in, int from, int to) {
        byte[] bytes = new byte[to - from];
        in.get(from, bytes);
        return bytes;
    }

    private static boolean hasControls(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < ' ' && c != '\t' || c == 0x7F) {
                return true;
            }
        }
        return false;
    }

    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c <= ' ' || c >= 0x7F) {
                return false;
            }
        }
        return true;
    }
}
