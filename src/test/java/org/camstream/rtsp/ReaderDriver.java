package org.camstream.rtsp;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;

/**
 * A {@link RequestReader} behind the buffer a connection gives it, used as {@code RtspConnection.parse} uses
 * it: a read into a {@link RequestReader#BUFFER_SIZE} buffer, flip, {@code next} until null, compact. It
 * checks the two things a connection relies on, and throws {@link AssertionError} when one breaks:
 *
 * <ul>
 *   <li>every item takes at least one byte, so the loop over {@code next} ends;
 *   <li>the reader never asks for more with a full buffer, where a connection could read nothing more and
 *       would wait forever.
 * </ul>
 */
final class ReaderDriver {

    final ByteBuffer in = ByteBuffer.allocate(RequestReader.BUFFER_SIZE);
    final RequestReader reader = new RequestReader();
    final List<RequestReader.Item> items = new ArrayList<>();

    /** Everything in {@code bytes}, in reads of at most {@code chunk} bytes (and what fits). */
    static ReaderDriver fed(byte[] bytes, int chunk) throws RtspException {
        ReaderDriver driver = new ReaderDriver();
        for (int pos = 0; pos < bytes.length; pos += chunk) {
            driver.feed(bytes, pos, Math.min(chunk, bytes.length - pos));
        }
        return driver;
    }

    static ReaderDriver fed(String text, int chunk) throws RtspException {
        return fed(text.getBytes(StandardCharsets.ISO_8859_1), chunk);
    }

    /** One read's bytes, split into as many reads as the free space in the buffer needs. */
    void feed(byte[] bytes, int offset, int length) throws RtspException {
        while (length > 0) {
            int n = Math.min(length, in.remaining());
            if (n == 0) {
                throw new AssertionError("the buffer is full and the reader waits for more: the connection hangs");
            }
            in.put(bytes, offset, n);
            offset += n;
            length -= n;
            drain();
        }
    }

    private void drain() throws RtspException {
        in.flip();
        try {
            while (true) {
                int before = in.position();
                RequestReader.Item item = reader.next(in);
                if (item == null) {
                    break;
                }
                if (in.position() == before) {
                    throw new AssertionError(item + " took no bytes: the connection's loop never ends");
                }
                items.add(item);
            }
        } finally {
            in.compact();
        }
        if (!in.hasRemaining()) {
            throw new AssertionError("the reader left a full buffer waiting for more: the connection hangs");
        }
    }

    List<RtspRequest> requests() {
        List<RtspRequest> requests = new ArrayList<>();
        for (RequestReader.Item item : items) {
            if (item instanceof RequestReader.Request r) {
                requests.add(r.request());
            }
        }
        return requests;
    }

    /** Bytes fed and not yet taken. */
    int buffered() {
        return in.position();
    }

    /** An item as comparable text: records with arrays compare by identity, this by content. */
    static String describe(RequestReader.Item item) {
        if (item instanceof RequestReader.Interleaved frame) {
            return "$" + frame.channel() + " " + (frame.payload() == null ? "skipped" : HexFormat.of().formatHex(frame.payload()));
        }
        RtspRequest r = ((RequestReader.Request) item).request();
        StringBuilder text = new StringBuilder(r.method()).append(' ').append(r.uri()).append(' ').append(r.version());
        for (Map.Entry<String, String> header : r.headers()) {
            text.append(" | ").append(header.getKey()).append(": ").append(header.getValue());
        }
        return text.append(" body ").append(Arrays.toString(r.body())).toString();
    }
}
