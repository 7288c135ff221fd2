package org.camstream.codec.aac;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The ADTS reader on ffmpeg's own AAC output, however it is chunked, and after garbage. */
class AdtsReaderTest {

    private static byte[] adts;
    private static int packets;

    @BeforeAll
    static void encode() {
        // Two seconds of a tone, as camstream's audio process encodes it.
        adts = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "2",
                "-ac", "1", "-c:a", "aac", "-b:a", "64k", "-f", "adts", "-");
        packets = countPackets(adts);
    }

    private static int countPackets(byte[] data) {
        java.nio.file.Path file;
        try {
            file = java.nio.file.Files.createTempFile("adts", ".aac");
            java.nio.file.Files.write(file, data);
            String csv = MediaTools.ffprobe("-show_entries", "packet=size", "-of", "csv=p=0", file.toString());
            java.nio.file.Files.delete(file);
            return (int) csv.lines().filter(l -> !l.isBlank()).count();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void everyFrameComesWholeWhateverTheChunking() {
        List<byte[]> whole = read(adts, adts.length, new Random(1));
        assertEquals(packets, whole.size(), "as many frames as ffprobe reads packets");
        for (int chunk : new int[] {1, 2, 7, 100, 4096}) {
            List<byte[]> frames = read(adts, chunk, new Random(chunk));
            assertEquals(whole.size(), frames.size(), "chunks of " + chunk);
            for (int i = 0; i < frames.size(); i++) assertArrayEquals(whole.get(i), frames.get(i));
        }
        ByteArrayOutputStream joined = new ByteArrayOutputStream();
        whole.forEach(joined::writeBytes);
        assertArrayEquals(adts, joined.toByteArray(), "nothing lost, nothing added");
    }

    @Test
    void theHeaderGivesTheTrackFormatAndWhereTheRawFrameLies() {
        AdtsHeader header = AdtsHeader.parse(adts, 0);
        assertEquals(2, header.objectType(), "AAC-LC");
        assertEquals(48_000, header.sampleRate());
        assertEquals(1, header.channelConfiguration());
        assertEquals(7, header.headerSize(), "ffmpeg writes no CRC");
        assertEquals(1, header.rawDataBlocks());
        AudioSpecificConfig config = AudioSpecificConfig.of(header);
        assertEquals(AudioSpecificConfig.LC_48K_MONO, config);
        // 00010 0011 0001 000: AAC-LC, 48 kHz, mono, as ffmpeg writes it into an MP4's esds.
        assertArrayEquals(new byte[] {0x11, (byte) 0x88}, config.bytes());
        assertEquals("mp4a.40.2", config.codecs());
    }

    @Test
    void aHeaderWithCrcIsNineBytes() {
        byte[] header = {(byte) 0xff, (byte) 0xf0, 0x4c, 0x40, 0x01, 0x7f, (byte) 0xfc, 0, 0, 1, 2};
        // protection_absent 0, frame length 11: 9 bytes of header, 2 of payload
        header[4] = 0x01;
        header[5] = 0x7f;
        AdtsHeader parsed = AdtsHeader.parse(header, 0);
        assertEquals(9, parsed.headerSize());
        assertEquals(2, parsed.payloadSize());
        assertNull(AdtsHeader.parse(new byte[] {0x12, 0x34, 0, 0, 0, 0, 0}, 0));
    }

    @Test
    void afterGarbageTheCleanStreamComesThroughAgain() {
        Random random = new Random(7);
        byte[] garbage = new byte[3000];
        random.nextBytes(garbage);
        ByteArrayOutputStream damaged = new ByteArrayOutputStream();
        damaged.writeBytes(garbage);
        damaged.writeBytes(adts);
        List<byte[]> clean = read(adts, adts.length, random);
        List<Long> discarded = new ArrayList<>();
        List<byte[]> frames = new ArrayList<>();
        AdtsReader reader = new AdtsReader(new AdtsReader.Listener() {
            @Override
            public void onFrame(AdtsHeader header, byte[] frame) {
                frames.add(frame);
            }

            @Override
            public void onDiscard(String reason, long bytes) {
                discarded.add(bytes);
            }
        });
        byte[] all = damaged.toByteArray();
        for (int at = 0; at < all.length; at += 333) reader.feed(all, at, Math.min(333, all.length - at));
        assertTrue(discarded.stream().mapToLong(Long::longValue).sum() >= garbage.length - 8191,
                "the garbage was reported: " + discarded.size() + " discards");
        // The clean frames all come through, at the end of whatever the garbage passed for.
        List<byte[]> tail = frames.subList(frames.size() - clean.size(), frames.size());
        for (int i = 0; i < clean.size(); i++) assertArrayEquals(clean.get(i), tail.get(i), "frame " + i);
    }

    private static List<byte[]> read(byte[] data, int chunk, Random random) {
        List<byte[]> frames = new ArrayList<>();
        AdtsReader reader = new AdtsReader(new AdtsReader.Listener() {
            @Override
            public void onFrame(AdtsHeader header, byte[] frame) {
                assertEquals(header.frameLength(), frame.length);
                frames.add(frame);
            }

            @Override
            public void onDiscard(String reason, long bytes) {
                throw new AssertionError("discarded " + bytes + " bytes of a clean stream: " + reason);
            }
        });
        for (int at = 0; at < data.length; ) {
            int n = Math.min(data.length - at, 1 + random.nextInt(chunk));
            reader.feed(data, at, n);
            at += n;
        }
        return frames;
    }
}
