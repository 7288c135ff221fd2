package org.camstream.testing;

import java.io.BufferedInputStream;
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
 * A small RTSP client over one TCP connection, for tests that need what ffmpeg does not show: the exact
 * answers, and the interleaved RTP packets as they arrive. Requests are sent as given; a response is read
 * whole, skipping interleaved frames that come before it.
 */
public final class RtspClient implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    private final String url;
    private int cseq;
    private String session;

    public record Response(int status, String reason, Map<String, String> headers, String body) {
        public String header(String name) {
            return headers.get(name.toLowerCase(Locale.ROOT));
        }
    }

    /** One interleaved frame: its channel and bytes. */
    public record Frame(int channel, byte[] data) {
        public boolean isRtp() {
            return channel % 2 == 0;
        }

        public boolean marker() {
            return data.length >= 2 && (data[1] & 0x80) != 0;
        }

        public int payloadType() {
            return data[1] & 0x7F;
        }

        public int sequence() {
            return ((data[2] & 0xFF) << 8) | (data[3] & 0xFF);
        }

        public long timestamp() {
            return ((data[4] & 0xFFL) << 24) | ((data[5] & 0xFFL) << 16) | ((data[6] & 0xFFL) << 8) | (data[7] & 0xFFL);
        }

        public long ssrc() {
            return ((data[8] & 0xFFL) << 24) | ((data[9] & 0xFFL) << 16) | ((data[10] & 0xFFL) << 8) | (data[11] & 0xFFL);
        }
    }

    private RtspClient(Socket socket, String url) throws IOException {
        this.socket = socket;
        this.in = new BufferedInputStream(socket.getInputStream(), 64 * 1024);
        this.out = socket.getOutputStream();
        this.url = url;
    }

    /** Connects to the server of {@code url}, rtsp://127.0.0.1:port/path. */
    public static RtspClient connect(String url) throws IOException {
        return connect(url, 0);
    }

    /**
     * Connects with a receive buffer of {@code receiveBuffer} bytes (0: the system's), set before the connection
     * is made, as TCP needs it to size its window.
     */
    public static RtspClient connect(String url, int receiveBuffer) throws IOException {
        java.net.URI uri = java.net.URI.create(url);
        Socket socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(uri.getHost(), uri.getPort()), 5_000);
        socket.setSoTimeout(20_000);
        return new RtspClient(socket, url);
    }

    public String url() {
        return url;
    }

    public Socket socket() {
        return socket;
    }

    /** Sends a request with a CSeq, the session once there is one, and {@code headers}; reads its answer. */
    public Response request(String method, String target, String... headers) throws IOException {
        StringBuilder request = new StringBuilder();
        request.append(method).append(' ').append(target).append(" RTSP/1.0\r\n");
        request.append("CSeq: ").append(++cseq).append("\r\n");
        if (session != null) {
            request.append("Session: ").append(session).append("\r\n");
        }
        for (String header : headers) {
            request.append(header).append("\r\n");
        }
        request.append("\r\n");
        sendRaw(request.toString().getBytes(StandardCharsets.UTF_8));
        return readResponse();
    }

    /** DESCRIBE, SETUP of the video (and the sound, with {@code audio}) over TCP, and PLAY. */
    public Response play(boolean audio, String... headers) throws IOException {
        Response describe = request("DESCRIBE", url, headers);
        if (describe.status() != 200) {
            return describe;
        }
        String base = describe.header("content-base");
        Response setup = request("SETUP", base + "trackID=0", join(headers, "Transport: RTP/AVP/TCP;unicast;interleaved=0-1"));
        if (setup.status() != 200) {
            return setup;
        }
        session = setup.header("session").split(";")[0];
        if (audio) {
            Response second = request("SETUP", base + "trackID=1", join(headers,
                    "Transport: RTP/AVP/TCP;unicast;interleaved=2-3"));
            if (second.status() != 200) {
                return second;
            }
        }
        return request("PLAY", url, headers);
    }

    private static String[] join(String[] headers, String more) {
        String[] all = java.util.Arrays.copyOf(headers, headers.length + 1);
        all[headers.length] = more;
        return all;
    }

    public String session() {
        return session;
    }

    public void useSession(String id) {
        session = id;
    }

    public void sendRaw(byte[] bytes) throws IOException {
        out.write(bytes);
        out.flush();
    }

    /** The next response, skipping interleaved frames before it. */
    public Response readResponse() throws IOException {
        while (true) {
            int first = in.read();
            if (first < 0) {
                throw new IOException("the server closed the connection");
            }
            if (first == '$') {
                skipFrameAfterDollar();
                continue;
            }
            StringBuilder head = new StringBuilder().append((char) first);
            while (!head.toString().endsWith("\r\n\r\n")) {
                int c = in.read();
                if (c < 0) {
                    throw new IOException("the server closed the connection mid-response: " + head);
                }
                head.append((char) c);
                if (head.length() > 64 * 1024) {
                    throw new IOException("response head over 64 KB");
                }
            }
            String[] lines = head.toString().split("\r\n");
            String[] status = lines[0].split(" ", 3);
            Map<String, String> headers = new LinkedHashMap<>();
            for (int i = 1; i < lines.length; i++) {
                int colon = lines[i].indexOf(':');
                if (colon > 0) {
                    headers.putIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                            lines[i].substring(colon + 1).trim());
                }
            }
            int length = headers.containsKey("content-length") ? Integer.parseInt(headers.get("content-length")) : 0;
            byte[] body = in.readNBytes(length);
            return new Response(Integer.parseInt(status[1]), status.length > 2 ? status[2] : "", headers,
                    new String(body, StandardCharsets.UTF_8));
        }
    }

    private void skipFrameAfterDollar() throws IOException {
        in.read();
        int length = (in.read() << 8) | in.read();
        in.readNBytes(length);
    }

    /** The next interleaved frame; responses are not expected meanwhile. */
    public Frame nextFrame() throws IOException {
        int first = in.read();
        if (first < 0) {
            throw new IOException("the server closed the connection");
        }
        if (first != '$') {
            throw new IOException("expected an interleaved frame, got byte " + first);
        }
        int channel = in.read();
        int high = in.read();
        int low = in.read();
        if (channel < 0 || high < 0 || low < 0) {
            throw new IOException("the server closed the connection mid-frame");
        }
        int length = (high << 8) | low;
        byte[] data = in.readNBytes(length);
        if (data.length < length) {
            throw new IOException("the server closed the connection mid-frame");
        }
        return new Frame(channel, data);
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
