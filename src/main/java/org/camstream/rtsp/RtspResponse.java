package org.camstream.rtsp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * One RTSP response. It echoes the request's CSeq, names the server without a version, and an error carries its
 * reason as a line of plain text, which VLC and ffmpeg show to their user.
 */
final class RtspResponse {

    private final RtspStatus status;
    private final List<String[]> headers = new ArrayList<>();
    private byte[] body = new byte[0];
    private String contentType;
    private boolean close;

    private RtspResponse(RtspStatus status) {
        this.status = status;
    }

    static RtspResponse ok() {
        return new RtspResponse(RtspStatus.OK);
    }

    static RtspResponse error(RtspStatus status, String reason) {
        RtspResponse response = new RtspResponse(status);
        response.body(reason + "\r\n", "text/plain; charset=utf-8");
        return response;
    }

    static RtspResponse of(RtspException e) {
        return error(e.status(), e.getMessage());
    }

    RtspResponse header(String name, String value) {
        headers.add(new String[] {name, value});
        return this;
    }

    RtspResponse body(String text, String type) {
        this.body = text.getBytes(StandardCharsets.UTF_8);
        this.contentType = type;
        return this;
    }

    /** The connection closes once this is sent: what follows a malformed request cannot be read. */
    RtspResponse closing() {
        close = true;
        return this;
    }

    boolean closes() {
        return close;
    }

    RtspStatus status() {
        return status;
    }

    ByteBuffer toBytes(String cseq) {
        StringBuilder head = new StringBuilder(256);
        head.append("RTSP/1.0 ").append(status.code()).append(' ').append(status.reason()).append("\r\n");
        if (cseq != null) {
            head.append("CSeq: ").append(cseq).append("\r\n");
        }
        head.append("Server: camstream\r\n");
        for (String[] header : headers) {
            head.append(header[0]).append(": ").append(header[1]).append("\r\n");
        }
        if (close) {
            head.append("Connection: close\r\n");
        }
        if (contentType != null) {
            head.append("Content-Type: ").append(contentType).append("\r\n");
        }
        if (body.length > 0 || contentType != null) {
            head.append("Content-Length: ").append(body.length).append("\r\n");
        }
        head.append("\r\n");
        byte[] headBytes = head.toString().getBytes(StandardCharsets.UTF_8);
        ByteBuffer bytes = ByteBuffer.allocate(headBytes.length + body.length);
        bytes.put(headBytes).put(body).flip();
        return bytes;
    }
}
