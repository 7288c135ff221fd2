package org.camstream.web;

import com.fasterxml.jackson.jr.ob.JSON;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camstream.stream.Chunk;

/** Small helpers shared by the servlets. */
final class Responses {

    /** Nulls are written: a status field that is null (no error yet) is still part of the document. */
    private static final JSON JSON_WRITER = JSON.std.with(JSON.Feature.WRITE_NULL_PROPERTIES);

    private Responses() {
    }

    static void noCache(HttpServletResponse response) {
        response.setHeader("Cache-Control", "no-store, no-cache, must-revalidate, max-age=0");
        response.setHeader("Pragma", "no-cache");
        response.setHeader("X-Accel-Buffering", "no");
    }

    static String json(Object value) {
        try {
            return JSON_WRITER.asString(value);
        } catch (IOException e) {
            throw new IllegalStateException("cannot write JSON", e);
        }
    }

    static byte[] errorBody(int status, String message) {
        return json(error(status, message)).getBytes(StandardCharsets.UTF_8);
    }

    /** The fields every JSON error has; callers may add their own. */
    static Map<String, Object> error(int status, String message) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        body.put("error", message);
        return body;
    }

    /** A JSON document as the whole answer, not to be cached, written with ordinary blocking I/O. */
    static void sendJson(HttpServletResponse response, int status, Object document) throws IOException {
        byte[] body = json(document).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        noCache(response);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }

    /** A JSON error, written with ordinary blocking I/O: for requests that never went asynchronous. */
    static void sendError(HttpServletResponse response, int status, String message) throws IOException {
        sendJson(response, status, error(status, message));
    }

    /** A JSON 503 that says when to try again, written with ordinary blocking I/O. */
    static void sendUnavailable(HttpServletResponse response, int retryAfterSeconds, String message)
            throws IOException {
        response.setHeader("Retry-After", Integer.toString(retryAfterSeconds));
        // A refused client must not keep its connection: under a flood the slot is worth more to the next one.
        response.setHeader("Connection", "close");
        sendError(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE, message);
    }

    /** Writes a whole body on an asynchronous request with non-blocking I/O, then completes it. */
    static void sendAsync(AsyncContext async, int status, String contentType, Chunk body) {
        HttpServletResponse response = (HttpServletResponse) async.getResponse();
        response.setStatus(status);
        noCache(response);
        response.setContentType(contentType);
        response.setContentLengthLong(body.size());
        try {
            ServletOutputStream out = response.getOutputStream();
            out.setWriteListener(new WriteListener() {
                private boolean written;

                @Override
                public void onWritePossible() throws IOException {
                    if (!written) {
                        written = true;
                        body.writeTo(out);
                    }
                    if (out.isReady()) {
                        async.complete();
                    }
                }

                @Override
                public void onError(Throwable t) {
                    async.complete();
                }
            });
        } catch (IOException | IllegalStateException e) {
            async.complete();
        }
    }

    /** A name from a request, fit to repeat in an answer: at most 64 printable ASCII characters. */
    static String printable(String text) {
        StringBuilder out = new StringBuilder(Math.min(text.length(), 64));
        for (int i = 0; i < text.length() && out.length() < 64; i++) {
            char c = text.charAt(i);
            out.append(c >= 0x20 && c < 0x7f ? c : '?');
        }
        return out.toString();
    }

    static Chunk bytes(byte[] data) {
        return Chunk.of(data.length, out -> out.write(data));
    }
}
