package org.camstream.testing;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A viewer on a raw socket: it sends a plain HTTP/1.1 request, removes the chunked transfer coding and
 * parses the multipart stream strictly by each part's Content-Length.
 */
public final class MjpegClient implements AutoCloseable {

    public record Part(Map<String, String> headers, byte[] body, long receivedNanos) {
        public double timestamp() {
            return Double.parseDouble(headers.get("x-timestamp"));
        }
    }

    private final Socket socket;
    private final InputStream raw;
    private final int status;
    private final Map<String, String> headers;
    private InputStream body;

    private MjpegClient(Socket socket, int status, Map<String, String> headers, InputStream raw) {
        this.socket = socket;
        this.status = status;
        this.headers = headers;
        this.raw = raw;
    }

    public static MjpegClient open(int port, String method, String path, Integer receiveBuffer) throws IOException {
        Socket socket = new Socket();
        if (receiveBuffer != null) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
        socket.setSoTimeout(20_000);
        OutputStream out = socket.getOutputStream();
        out.write((method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        InputStream in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        String statusLine = line(in);
        int status = Integer.parseInt(statusLine.split(" ")[1]);
        Map<String, String> headers = new LinkedHashMap<>();
        for (String line = line(in); !line.isEmpty(); line = line(in)) {
            int colon = line.indexOf(':');
            headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        MjpegClient client = new MjpegClient(socket, status, headers, in);
        client.body = "chunked".equalsIgnoreCase(headers.get("transfer-encoding")) ? new Dechunker(in) : in;
        return client;
    }

    public static MjpegClient open(int port, String path) throws IOException {
        return open(port, "GET", path, null);
    }

    public int status() {
        return status;
    }

    /** Response headers, names in lower case. */
    public Map<String, String> headers() {
        return headers;
    }

    public InputStream body() {
        return body;
    }

    /** Reads the next part, checking the boundary line and the CRLF after the body. */
    public Part next() throws IOException {
        String boundary = line(body);
        if (!boundary.equals("--frame")) {
            throw new IOException("expected the boundary line '--frame', got '" + boundary + "'");
        }
        Map<String, String> partHeaders = new LinkedHashMap<>();
        for (String line = line(body); !line.isEmpty(); line = line(body)) {
            int colon = line.indexOf(':');
            if (colon < 0) {
                throw new IOException("bad part header '" + line + "'");
            }
            partHeaders.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT), line.substring(colon + 1).trim());
        }
        int length = Integer.parseInt(partHeaders.get("content-length"));
        byte[] jpeg = body.readNBytes(length);
        if (jpeg.length != length) {
            throw new EOFException("part ended after " + jpeg.length + " of " + length + " bytes");
        }
        long received = System.nanoTime();
        if (body.read() != '\r' || body.read() != '\n') {
            throw new IOException("a part's body is not followed by CRLF");
        }
        return new Part(partHeaders, jpeg, received);
    }

    public Socket socket() {
        return socket;
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }

    static String line(InputStream in) throws IOException {
        ByteArrayOutputStream line = new ByteArrayOutputStream();
        while (true) {
            int b = in.read();
            if (b < 0) {
                throw new EOFException("stream ended inside a line: '" + line + "'");
            }
            if (b == '\n') {
                byte[] bytes = line.toByteArray();
                int length = bytes.length > 0 && bytes[bytes.length - 1] == '\r' ? bytes.length - 1 : bytes.length;
                return new String(bytes, 0, length, StandardCharsets.ISO_8859_1);
            }
            line.write(b);
        }
    }

    /** Removes HTTP/1.1 chunked transfer coding. */
    private static final class Dechunker extends InputStream {
        private final InputStream in;
        private int remaining;
        private boolean done;

        Dechunker(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            int n = read(one, 0, 1);
            return n < 0 ? -1 : one[0] & 0xFF;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (done) {
                return -1;
            }
            if (remaining == 0) {
                String size = line(in);
                remaining = Integer.parseInt(size.split(";")[0].trim(), 16);
                if (remaining == 0) {
                    done = true;
                    return -1;
                }
            }
            int n = in.read(b, off, Math.min(len, remaining));
            if (n < 0) {
                throw new EOFException("connection closed inside a chunk");
            }
            remaining -= n;
            if (remaining == 0 && (in.read() != '\r' || in.read() != '\n')) {
                throw new IOException("chunk not followed by CRLF");
            }
            return n;
        }
    }
}
