package org.camstream.web;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One request written byte for byte on a raw socket, and the whole answer read until the server closes: for
 * requests no HTTP client would send (broken request lines, oversized heads, odd encodings).
 */
public final class RawHttp {

    /** A parsed answer; {@code raw} is everything that came back, headers included. */
    public record Answer(int status, Map<String, String> headers, String body, String raw) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }

        public String contentType() {
            String type = header("content-type");
            return type == null ? "" : type;
        }
    }

    private RawHttp() {
    }

    public static Answer exchange(int port, byte[] request) throws IOException {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(15_000);
            try {
                socket.getOutputStream().write(request);
                socket.getOutputStream().flush();
            } catch (IOException e) {
                // The server may answer and close before it has read all of an oversized request; the answer
                // is still there to read.
            }
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[16 * 1024];
            try {
                for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                    all.write(buffer, 0, n);
                }
            } catch (IOException e) {
                if (all.size() == 0) {
                    throw e;
                }
                // a reset after the answer, because the server closed with request bytes unread
            }
            return parse(all.toString(StandardCharsets.ISO_8859_1));
        }
    }

    /** A GET of a path written exactly as given, with Connection: close. */
    public static Answer get(int port, String rawPath, String accept) throws IOException {
        String request = "GET " + rawPath + " HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                + (accept == null ? "" : "Accept: " + accept + "\r\n") + "Connection: close\r\n\r\n";
        return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1));
    }

    public static Answer parse(String raw) {
        int end = raw.indexOf("\r\n\r\n");
        if (!raw.startsWith("HTTP/1.1 ") || end < 0) {
            throw new AssertionError("not an HTTP/1.1 answer: '" + raw + "'");
        }
        String[] lines = raw.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].substring(9, 12));
        Map<String, String> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), lines[i].substring(colon + 1).trim());
        }
        String body = raw.substring(end + 4);
        if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) {
            body = dechunk(body);
        }
        return new Answer(status, headers, body, raw);
    }

    private static String dechunk(String chunked) {
        StringBuilder body = new StringBuilder();
        int at = 0;
        while (true) {
            int lineEnd = chunked.indexOf("\r\n", at);
            int size = Integer.parseInt(chunked.substring(at, lineEnd).split(";")[0].trim(), 16);
            if (size == 0) {
                return body.toString();
            }
            body.append(chunked, lineEnd + 2, lineEnd + 2 + size);
            at = lineEnd + 2 + size + 2;
        }
    }
}
