package org.camstream.codec.flv;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reader's window, against a plain array of the whole stream, in random appends, forgets and reads. */
class ByteWindowTest {

    @Test
    void holdsTheLatestBytesUpToItsLimitWhateverTheAppendsAndReadsThemInOnePiece() {
        Random random = new Random(11);
        byte[] stream = new byte[3 << 20];
        random.nextBytes(stream);
        int limit = 100_000;
        ByteWindow window = new ByteWindow(limit);
        window.reset(0);
        long keepFrom = 0;
        long held = 0; // the oldest position the window may still hold: it never goes back
        int pos = 0;
        while (pos < stream.length) {
            int n = Math.min(stream.length - pos, random.nextInt(random.nextBoolean() ? 300 : 200_000));
            if (random.nextInt(10) == 0) keepFrom = pos - random.nextInt(Math.min(pos, limit) + 1);
            window.append(stream, pos, n, keepFrom);
            pos += n;
            assertTrue(window.capacity() <= limit);
            long start = window.start();
            held = Math.max(held, Math.max(Math.min(keepFrom, pos), pos - limit));
            assertEquals(held, start, "at " + pos);
            for (int probe = 0; probe < 20 && start < pos; probe++) {
                long at = start + (long) (random.nextDouble() * (pos - start));
                assertEquals(stream[(int) at] & 0xff, window.at(at), "byte " + at);
            }
            if (pos - start > 11) {
                long from = start + random.nextInt((int) (pos - start) - 11);
                int length = (int) Math.min(pos - from, 1 + random.nextInt(limit));
                int index = window.contiguous(from, length);
                byte[] ring = window.array();
                for (int i = 0; i < length; i += 97) {
                    assertEquals(stream[(int) from + i], ring[index + i], "range from " + from + ", byte " + i);
                }
                assertEquals(stream[(int) from + length - 1], ring[index + length - 1]);
            }
        }
    }

    @Test
    void reservingRoomKeepsWhatIsHeldAndGrowsNoFurtherThanAsked() {
        ByteWindow window = new ByteWindow(1 << 20);
        window.reset(1000);
        byte[] bytes = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11};
        window.append(bytes, 0, bytes.length, 1000);
        window.reserve(1000, 50_000);
        assertEquals(50_000, window.capacity());
        for (int i = 0; i < bytes.length; i++) assertEquals(bytes[i], window.at(1000 + i));
        window.forget(1011);
        assertEquals(1011, window.start());
    }
}
