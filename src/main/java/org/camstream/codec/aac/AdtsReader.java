package org.camstream.codec.aac;

import java.util.Arrays;

/**
 * Splits a byte stream into ADTS frames, however it is chunked. Bytes before a sync word, and a frame whose
 * successor does not start where its length says (a false sync word in garbage), are skipped and reported, so
 * the reader finds its way back after damage.
 *
 * <p>A frame is handed on as soon as its last byte arrives, for low delay: ffmpeg writes whole frames. When
 * the bytes after it are already there, they must start another frame, or its sync word was false.
 *
 * <p>Bounded: an ADTS frame is at most 8191 bytes (13 bits of length), and the reader holds less than one
 * between calls, in a buffer of two. Not thread-safe: one reader thread feeds it.
 */
public final class AdtsReader {

    /** Receives frames; called on the feeding thread. */
    public interface Listener {
        /** One whole ADTS frame, header included; the array is the listener's. */
        void onFrame(AdtsHeader header, byte[] frame);

        void onDiscard(String reason, long bytes);
    }

    static final int MAX_FRAME = 8191;

    private final Listener listener;
    private final byte[] buf = new byte[2 * MAX_FRAME];
    private int length;

    public AdtsReader(Listener listener) {
        this.listener = listener;
    }

    public void feed(byte[] data, int offset, int count) {
        while (count > 0) {
            int n = Math.min(count, buf.length - length);
            System.arraycopy(data, offset, buf, length, n);
            length += n;
            offset += n;
            count -= n;
            drain();
        }
    }

    private void drain() {
        int at = 0;
        while (length - at >= AdtsHeader.MIN_SIZE) {
            AdtsHeader header = AdtsHeader.parse(buf, at);
            if (header == null) {
                int next = nextSync(at + 1);
                listener.onDiscard("no ADTS sync word", next - at);
                at = next;
                continue;
            }
            if (length - at < header.frameLength()) {
                break; // the rest of the frame is still to come
            }
            int end = at + header.frameLength();
            // The next frame must begin where this one ends; if bytes are there and they do not, this was a
            // false sync word.
            if (length - end >= 2 && !(buf[end] == (byte) 0xff && (buf[end + 1] & 0xf6) == 0xf0)) {
                int next = nextSync(at + 1);
                listener.onDiscard("ADTS frame not followed by another", next - at);
                at = next;
                continue;
            }
            listener.onFrame(header, Arrays.copyOfRange(buf, at, end));
            at = end;
        }
        if (at > 0) {
            System.arraycopy(buf, at, buf, 0, length - at);
            length -= at;
        }
    }

    /** The offset of the next byte that may start a sync word, or where the unread bytes end. */
    private int nextSync(int from) {
        for (int i = from; i < length; i++) {
            if (buf[i] == (byte) 0xff && (i + 1 == length || (buf[i + 1] & 0xf6) == 0xf0)) {
                return i;
            }
        }
        return length;
    }
}
