package org.camstream.testing;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;

/**
 * Damage for real byte streams, chosen by the fuzzer: a window of the stream, a list of edits and a
 * chunking, all read from a Jazzer {@link FuzzedDataProvider}. The fuzzer's bytes only pick among
 * real streams and say where and how to damage them; the stream bytes themselves stay real, except
 * where an edit writes the fuzzer's own bytes (so that coverage guidance can steer what garbage
 * says as well as where it goes).
 *
 * <p>Edits take their positions modulo the current length when applied, so any edit fits any buffer
 * and one list of edits means the same thing whatever earlier edits did to the length. A
 * {@link FuzzedDataProvider} that has run out gives the smallest choice everywhere: the start of a
 * stream, no edits, single-byte chunks.
 */
public final class Mutations {
    /** Chunks handed to {@code feed} never exceed this, the size of a large pipe read. */
    public static final int MAX_CHUNK = 64 * 1024;

    /** What one edit does. */
    public enum Kind {
        /** Flips bit {@code length % 8} of the byte at {@code position}. */
        FLIP_BIT,
        /** Overwrites {@code length} bytes at {@code position} with random bytes, or with {@code bytes}. */
        OVERWRITE,
        /** Cuts the buffer at {@code position}. */
        TRUNCATE,
        /** Inserts {@code length} bytes of the donor stream, taken at {@code other}, at {@code position}. */
        SPLICE,
        /** Repeats the {@code length} bytes at {@code position} right after themselves. */
        DUPLICATE,
        /** Removes the {@code length} bytes at {@code position}. */
        REMOVE,
        /**
         * Inserts garbage at {@code position}: random bytes or the format markers that parsers look
         * for, or {@code bytes}.
         */
        INSERT_GARBAGE
    }

    /**
     * One edit; see {@link Kind}. {@code seed} makes the random bytes of the edit; {@code bytes}, when
     * not null, are the fuzzer's own bytes for {@link Kind#OVERWRITE} and {@link Kind#INSERT_GARBAGE}.
     */
    public record Mutation(Kind kind, int position, int length, int other, long seed, byte[] bytes) {
        @Override
        public String toString() {
            return kind + "(position " + position + ", length " + length + ", other " + other + ", seed " + seed
                    + (bytes == null ? "" : ", bytes " + HexFormat.of().formatHex(bytes)) + ")";
        }
    }

    /** A part of a stream: {@code length} bytes from {@code start}, both taken modulo the stream's length. */
    public record Window(int start, int length) {
        public byte[] of(byte[] stream) {
            int from = Math.floorMod(start, stream.length);
            int n = Math.min(stream.length - from, Math.max(1, length));
            return Arrays.copyOfRange(stream, from, from + n);
        }
    }

    /** Byte patterns that mean something to one of the parsers, so garbage can confuse them. */
    private static final byte[][] TOKENS = {
        {(byte) 0xFF, (byte) 0xD8}, {(byte) 0xFF, (byte) 0xD9}, {(byte) 0xFF, (byte) 0xDA, 0x00, 0x08},
        {(byte) 0xFF, (byte) 0xC0, (byte) 0xFF, (byte) 0xFF}, {(byte) 0xFF, 0x00}, {(byte) 0xFF, (byte) 0xFF},
        {0, 0, 1}, {0, 0, 0, 1}, {0, 0, 3}, {0, 0, 1, 0x65}, {0, 0, 1, 0x67}, {0, 0, 1, 0x09}, {0, 0, 0, 0, 0},
        {'F', 'L', 'V', 1}, {'F', 'L', 'V', 1, 5, 0, 0, 0, 9, 0, 0, 0, 0},
        {0, 0, 0, 0, 9, 0x7F, (byte) 0xFF, (byte) 0xFF, 0, 0, 0, 0, 0, 0, 0},
        {0, 0, 0, 0, 18, 0, 0, 0x10, 0, 0, 0, 0, 0, 0, 0},
        {0x17, 0, 0, 0, 0}, {0x17, 1, 0, 0, 0}, {0x27, 1, 0, 0, 0},
    };

    private Mutations() {}

    /**
     * What is done to a real stream, as the fuzzer's data chooses, in this order: the window of it that is
     * used, up to 8 edits, and the chunk sizes it is fed in.
     */
    public record Damage(Window window, List<Mutation> edits, List<Integer> chunks) {
        /** The window of {@code stream} with the edits made, splicing from {@code donor} where they say. */
        public byte[] apply(byte[] stream, byte[] donor) {
            return Mutations.apply(window.of(stream), donor, edits);
        }
    }

    public static Damage damage(FuzzedDataProvider data) {
        Window window = window(data, 256 * 1024);
        List<Mutation> edits = mutations(data, 8);
        return new Damage(window, edits, chunkSizes(data));
    }

    /** Up to {@code maxEdits} edits of any kind, small ones more often than large ones. */
    public static List<Mutation> mutations(FuzzedDataProvider data, int maxEdits) {
        int n = data.consumeInt(0, maxEdits);
        List<Mutation> edits = new ArrayList<>(n);
        for (int i = 0; i < n; i++) edits.add(mutation(data));
        return edits;
    }

    /** One edit of any kind: of 1 to 16 bytes six times in ten, up to 4 KB three times, up to 64 KB once. */
    public static Mutation mutation(FuzzedDataProvider data) {
        int pick = data.consumeInt(0, 9);
        int maxLength = pick < 6 ? 16 : pick < 9 ? 4096 : 65536;
        return mutation(data, maxLength);
    }

    /** One edit of any kind, of 1 to {@code maxLength} bytes. */
    public static Mutation mutation(FuzzedDataProvider data, int maxLength) {
        Kind kind = data.pickValue(Kind.values());
        int position = anyPosition(data);
        int length = data.consumeInt(1, maxLength);
        int other = anyPosition(data);
        long seed = data.consumeLong();
        byte[] bytes = null;
        if ((kind == Kind.OVERWRITE || kind == Kind.INSERT_GARBAGE) && data.consumeBoolean()) {
            bytes = data.consumeBytes(length);
            if (bytes.length == 0) bytes = null;
        }
        return new Mutation(kind, position, length, other, seed, bytes);
    }

    /** A window anywhere in a stream: up to 4 KB half the time, up to 64 KB or {@code maxLength} a quarter each. */
    public static Window window(FuzzedDataProvider data, int maxLength) {
        int start = anyPosition(data);
        int pick = data.consumeInt(0, 3);
        int upTo = Math.min(maxLength, pick < 2 ? 4096 : pick < 3 ? 65536 : maxLength);
        return new Window(start, data.consumeInt(1, upTo));
    }

    /**
     * One to eight chunk sizes for feeding, used in turn and round again: single bytes, small reads
     * and reads of up to {@link #MAX_CHUNK}, so that every state of a parser is cut by a chunk
     * boundary somewhere.
     */
    public static List<Integer> chunkSizes(FuzzedDataProvider data) {
        int n = data.consumeInt(1, 8);
        List<Integer> sizes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int pick = data.consumeInt(0, 9);
            sizes.add(data.consumeInt(1, pick < 3 ? 16 : pick < 7 ? 4096 : MAX_CHUNK));
        }
        return sizes;
    }

    /**
     * A position from 0 to {@link Integer#MAX_VALUE}, taken modulo a length where it is used. Not
     * {@code consumeInt(0, Integer.MAX_VALUE)}: in Jazzer 0.24 that range, exactly the type's maximum,
     * skips the reduction into the range and gives negative values too (fixed in Jazzer 0.25,
     * commit 47fef8f "make sure ConsumeIntegralInRange is always in range").
     */
    static int anyPosition(FuzzedDataProvider data) {
        return data.consumeInt() & Integer.MAX_VALUE;
    }

    /** One of {@code 0 .. count - 1}. */
    public static int pick(FuzzedDataProvider data, int count) {
        return data.consumeInt(0, count - 1);
    }

    /** {@code usual} two times in three, else a value from {@code min} to {@code max}. */
    public static int mostly(FuzzedDataProvider data, int usual, int min, int max) {
        return data.consumeInt(0, 2) < 2 ? usual : data.consumeInt(min, max);
    }

    /** Applies {@code edits} in order to a copy of {@code base}; {@code donor} feeds {@link Kind#SPLICE}. */
    public static byte[] apply(byte[] base, byte[] donor, List<Mutation> edits) {
        byte[] data = base.clone();
        for (Mutation m : edits) {
            data = apply(data, donor, m);
        }
        return data;
    }

    private static byte[] apply(byte[] data, byte[] donor, Mutation m) {
        int n = data.length;
        Random random = new Random(m.seed());
        switch (m.kind()) {
            case FLIP_BIT -> {
                if (n == 0) return data;
                byte[] out = data.clone();
                out[m.position() % n] ^= (byte) (1 << (m.length() % 8));
                return out;
            }
            case OVERWRITE -> {
                if (n == 0) return data;
                byte[] out = data.clone();
                int at = m.position() % n;
                if (m.bytes() != null) {
                    System.arraycopy(m.bytes(), 0, out, at, Math.min(n - at, m.bytes().length));
                    return out;
                }
                for (int i = at; i < Math.min(n, at + m.length()); i++) out[i] = (byte) random.nextInt(256);
                return out;
            }
            case TRUNCATE -> {
                return n == 0 ? data : Arrays.copyOf(data, m.position() % n);
            }
            case SPLICE -> {
                if (donor.length == 0) return data;
                int from = m.other() % donor.length;
                int count = Math.min(donor.length - from, m.length());
                return insert(data, m.position() % (n + 1), Arrays.copyOfRange(donor, from, from + count));
            }
            case DUPLICATE -> {
                if (n == 0) return data;
                int at = m.position() % n;
                int count = Math.min(n - at, m.length());
                return insert(data, at + count, Arrays.copyOfRange(data, at, at + count));
            }
            case REMOVE -> {
                if (n == 0) return data;
                int at = m.position() % n;
                int count = Math.min(n - at, m.length());
                ByteArrayOutputStream out = new ByteArrayOutputStream(n - count);
                out.write(data, 0, at);
                out.write(data, at + count, n - at - count);
                return out.toByteArray();
            }
            case INSERT_GARBAGE -> {
                byte[] garbage = m.bytes() != null ? m.bytes() : garbage(random, m.length());
                return insert(data, m.position() % (n + 1), garbage);
            }
            default -> throw new AssertionError(m.kind());
        }
    }

    /** Random bytes with the parsers' markers mixed in, or a run of one byte value. */
    public static byte[] garbage(Random random, int length) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(length + 16);
        switch (random.nextInt(4)) {
            case 0 -> { // a run, as a stuck encoder or a zeroed buffer gives
                byte value = (byte) (random.nextBoolean() ? 0 : random.nextInt(256));
                for (int i = 0; i < length; i++) out.write(value);
            }
            case 1 -> { // markers only
                while (out.size() < length) out.writeBytes(TOKENS[random.nextInt(TOKENS.length)]);
            }
            default -> { // noise with a marker now and then
                while (out.size() < length) {
                    if (random.nextInt(16) == 0) out.writeBytes(TOKENS[random.nextInt(TOKENS.length)]);
                    else out.write(random.nextInt(256));
                }
            }
        }
        return out.toByteArray();
    }

    private static byte[] insert(byte[] data, int at, byte[] piece) {
        byte[] out = new byte[data.length + piece.length];
        System.arraycopy(data, 0, out, 0, at);
        System.arraycopy(piece, 0, out, at, piece.length);
        System.arraycopy(data, at, out, at + piece.length, data.length - at);
        return out;
    }

    /** Receives one chunk: {@code buffer[offset..offset+length)}; the bytes around it are not the stream's. */
    @FunctionalInterface
    public interface Feeder {
        void feed(byte[] buffer, int offset, int length);
    }

    /** Around each chunk: bytes that would read as a JPEG marker or an H.264 start code. */
    private static final byte[] GUARD_BEFORE = {(byte) 0xFF, (byte) 0xD8, 0x00, 0x00};
    private static final byte[] GUARD_AFTER = {0x00, 0x00, 0x01, (byte) 0xD9};

    /**
     * Feeds {@code data} in chunks of the given sizes, used in turn. Each chunk is copied into a fresh
     * array between guard bytes, as a read into a larger buffer gives, and overwritten once
     * {@code feed} returns, as the caller's next read would: a parser that reads outside its
     * {@code offset} and {@code length}, or keeps the caller's array, gives other results than the
     * same bytes in one piece.
     */
    public static void feed(byte[] data, List<Integer> chunkSizes, Feeder feeder) {
        int pos = 0;
        int k = 0;
        while (pos < data.length) {
            int n = Math.min(data.length - pos, chunkSizes.get(k++ % chunkSizes.size()));
            byte[] chunk = new byte[GUARD_BEFORE.length + n + GUARD_AFTER.length];
            System.arraycopy(GUARD_BEFORE, 0, chunk, 0, GUARD_BEFORE.length);
            System.arraycopy(data, pos, chunk, GUARD_BEFORE.length, n);
            System.arraycopy(GUARD_AFTER, 0, chunk, GUARD_BEFORE.length + n, GUARD_AFTER.length);
            feeder.feed(chunk, GUARD_BEFORE.length, n);
            Arrays.fill(chunk, (byte) 0xA5);
            pos += n;
        }
    }

    /** {@code parts} one after another. */
    public static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) out.writeBytes(part);
        return out.toByteArray();
    }
}
