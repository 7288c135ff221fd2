package org.camstream.codec.flv;

/**
 * The latest bytes of a stream, addressed by their position in it, for a reader that sometimes has to look
 * back: a ring that grows as it is asked to, up to a limit, and past the limit forgets the oldest bytes.
 * Each byte is copied in once and forgotten once, and the ring is straightened (so that a range can be read
 * in one piece) at most once per capacity's worth of bytes, so a reader that goes through its stream once
 * with it stays linear. Not thread-safe.
 */
final class ByteWindow {
    private static final int FIRST_CAPACITY = 4096;

    private final int limit;
    private byte[] ring = new byte[0];
    private long base;  // the position that ring[0] holds, or would hold: position p is at (p - base) % capacity
    private long start; // the oldest position held
    private long end;   // the position after the newest byte held

    ByteWindow(int limit) {
        this.limit = limit;
    }

    /** Holds nothing, and the next byte appended is at {@code position}. */
    void reset(long position) {
        base = start = end = position;
    }

    long start() {
        return start;
    }

    int capacity() {
        return ring.length;
    }

    /** The byte at {@code position}, which must be held. */
    int at(long position) {
        return ring[index(position)] & 0xff;
    }

    int u24(long position) {
        return at(position) << 16 | at(position + 1) << 8 | at(position + 2);
    }

    /** Forgets what comes before {@code position}. */
    void forget(long position) {
        start = Math.max(start, Math.min(position, end));
        if (start == end) {
            base = start; // empty: the next bytes go to the front, in one piece
        }
    }

    /** Room for {@code size} bytes from {@code from} (at most the limit), keeping what is held from there. */
    void reserve(long from, int size) {
        forget(from);
        if (size > ring.length) {
            grow(Math.min(limit, Math.max(size, 2 * ring.length)));
        }
    }

    /**
     * Appends {@code len} bytes, forgetting first what comes before {@code keepFrom}. What is kept grows the
     * ring up to the limit; past it, the oldest bytes go.
     */
    void append(byte[] b, int off, int len, long keepFrom) {
        if (len == 0) {
            return;
        }
        forget(keepFrom);
        long wanted = end + len - start;
        if (wanted > ring.length && ring.length < limit) {
            grow((int) Math.min(limit, Math.max(wanted, Math.max(FIRST_CAPACITY, 2L * ring.length))));
        }
        long newEnd = end + len;
        int skip = (int) Math.max(0, len - ring.length); // bytes that would be forgotten as soon as written
        int index = index(end + skip);
        int first = Math.min(len - skip, ring.length - index);
        System.arraycopy(b, off + skip, ring, index, first);
        System.arraycopy(b, off + skip + first, ring, 0, len - skip - first);
        end = newEnd;
        start = Math.max(start, end - ring.length);
    }

    /**
     * The index in {@link #array} from which the held range {@code [position, position + length)} lies in one
     * piece, straightening the ring first if it would wrap.
     */
    int contiguous(long position, int length) {
        int index = index(position);
        if (index + length <= ring.length) {
            return index;
        }
        rotateLeft(index(start));
        base = start;
        return (int) (position - base);
    }

    /** The ring itself, for reading a range {@link #contiguous} has placed; valid until the next change. */
    byte[] array() {
        return ring;
    }

    private int index(long position) {
        return (int) ((position - base) % ring.length);
    }

    private void grow(int capacity) {
        byte[] bigger = new byte[capacity];
        int size = (int) (end - start);
        if (size > 0) {
            int index = index(start);
            int first = Math.min(size, ring.length - index);
            System.arraycopy(ring, index, bigger, 0, first);
            System.arraycopy(ring, 0, bigger, first, size - first);
        }
        ring = bigger;
        base = start;
    }

    /** Moves ring[by] to ring[0], in place: three reversals. */
    private void rotateLeft(int by) {
        reverse(0, by);
        reverse(by, ring.length);
        reverse(0, ring.length);
    }

    private void reverse(int from, int to) {
        for (int i = from, j = to - 1; i < j; i++, j--) {
            byte t = ring[i];
            ring[i] = ring[j];
            ring[j] = t;
        }
    }
}
