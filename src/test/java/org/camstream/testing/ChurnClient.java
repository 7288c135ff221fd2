package org.camstream.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/** Viewers that come and go: each cycle connects, reads a little of one format, and leaves. */
public final class ChurnClient {

    public static final List<String> KINDS = List.of("mjpeg", "stills", "h264", "mp4", "ws", "snapshot", "status");

    private ChurnClient() {
    }

    /** One viewer: connects, reads a little of its format, and leaves, every third one with a reset. */
    public static void cycle(int port, String kind, int number) throws IOException {
        boolean reset = number % 3 == 0;
        boolean early = number % 10 == 7; // leaves right after asking, before any answer
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            socket.setSoTimeout(20_000);
            if (reset) {
                socket.setSoLinger(true, 0);
            }
            OutputStream out = socket.getOutputStream();
            out.write(request(kind, port).getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (early) {
                return;
            }
            InputStream in = socket.getInputStream();
            String statusLine = readLine(in);
            if (!statusLine.startsWith("HTTP/1.1 200") && !statusLine.startsWith("HTTP/1.1 101")) {
                throw new IOException(kind + " answered " + statusLine);
            }
            int want = switch (kind) {
                case "status", "snapshot" -> 100;
                default -> 16 * 1024;
            };
            byte[] buffer = new byte[8192];
            int got = 0;
            while (got < want) {
                int n = in.read(buffer, 0, Math.min(buffer.length, want - got));
                if (n < 0) {
                    break;
                }
                got += n;
            }
        }
    }

    static String request(String kind, int port) {
        String host = "Host: 127.0.0.1:" + port + "\r\n";
        return switch (kind) {
            case "mjpeg" -> "GET /stream.mjpeg HTTP/1.1\r\n" + host + "\r\n";
            case "stills" -> "GET /stream.jpg?fps=5 HTTP/1.1\r\n" + host + "\r\n";
            case "h264" -> "GET /stream.h264 HTTP/1.1\r\n" + host + "\r\n";
            case "mp4" -> "GET /stream.mp4 HTTP/1.1\r\n" + host + "\r\n";
            case "snapshot" -> "GET /snapshot.jpg HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
            case "status" -> "GET /api/status HTTP/1.1\r\n" + host + "Connection: close\r\n\r\n";
            case "ws" -> "GET /ws/video HTTP/1.1\r\n" + host + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                    + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: "
                    + Base64.getEncoder().encodeToString("sixteen byte key".getBytes(StandardCharsets.US_ASCII))
                    + "\r\n\r\n";
            default -> throw new IllegalArgumentException(kind);
        };
    }

    static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0 && b != '\n'; ) {
            if (b != '\r') {
                line.append((char) b);
            }
        }
        return line.toString();
    }
}
