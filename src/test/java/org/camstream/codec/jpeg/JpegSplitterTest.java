package org.camstream.codec.jpeg;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.metadata.IIOMetadataNode;
import javax.imageio.stream.MemoryCacheImageOutputStream;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class JpegSplitterTest {

    private static byte[] ffmpegMjpeg;
    private static int ffmpegFrames;

    @BeforeAll
    static void encodeWithFfmpeg() {
        ffmpegMjpeg = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "testsrc2=size=320x240:rate=30", "-frames:v", "24",
                "-c:v", "mjpeg", "-q:v", "5", "-f", "mjpeg", "-");
        ffmpegFrames = Integer.parseInt(countFramesWithFfprobe(ffmpegMjpeg));
    }

    @Test
    void splitsFfmpegOutputIntoEveryFrameWhateverTheChunking() throws IOException {
        assertEquals(24, ffmpegFrames, "ffprobe's count of the fixture");
        for (long seed = 1; seed <= 5; seed++) {
            Collector collector = new Collector();
            JpegSplitter splitter = new JpegSplitter(collector);
            feedInRandomChunks(splitter, ffmpegMjpeg, new Random(seed), 1, 9000);

            assertEquals(ffmpegFrames, collector.images.size(), "seed " + seed);
            assertArrayEquals(ffmpegMjpeg, concat(collector.images), "frames are the stream, byte for byte");
            assertEquals(0, splitter.discarded());
            assertEquals(0, splitter.skippedBytes());
        }
        BufferedImage first = ImageIO.read(new ByteArrayInputStream(first(ffmpegMjpeg)));
        assertEquals(320, first.getWidth());
        assertEquals(240, first.getHeight());
    }

    @Test
    void anExifThumbnailDoesNotEndTheImage() throws IOException {
        byte[] thumbnail = encode(image(160, 120, Color.RED), null);
        byte[] main = encode(image(640, 480, Color.BLUE), null);
        byte[] withExif = insertAfterSoi(main, app1Exif(thumbnail));
        // A naive search for FF D9 would stop at the thumbnail's end.
        assertTrue(indexOf(withExif, new byte[] {(byte) 0xFF, (byte) 0xD9}) < withExif.length - 2);

        Collector collector = new Collector();
        JpegSplitter splitter = new JpegSplitter(collector);
        byte[] stream = concat(List.of(withExif, withExif));
        for (byte b : stream) {
            splitter.feed(new byte[] {b}, 0, 1);
        }

        assertEquals(2, collector.images.size());
        assertArrayEquals(withExif, collector.images.get(0));
        BufferedImage decoded = ImageIO.read(new ByteArrayInputStream(collector.images.get(1)));
        assertEquals(640, decoded.getWidth());
        assertEquals(480, decoded.getHeight());
    }

    @Test
    void restartMarkersAndStuffedBytesStayInsideTheImage() throws IOException {
        byte[] withRestarts = encode(noise(256, 256, 7), 2);
        assertTrue(indexOf(withRestarts, new byte[] {(byte) 0xFF, (byte) 0xD0}) > 0, "the encoder wrote RST0");
        assertTrue(indexOf(withRestarts, new byte[] {(byte) 0xFF, 0x00}) > 0, "the encoder stuffed an FF");

        Collector collector = new Collector();
        JpegSplitter splitter = new JpegSplitter(collector);
        feedInRandomChunks(splitter, concat(List.of(withRestarts, withRestarts, withRestarts)), new Random(3), 1, 64);

        assertEquals(3, collector.images.size());
        for (byte[] image : collector.images) {
            assertArrayEquals(withRestarts, image);
        }
    }

    @Test
    void aTruncatedFrameIsDiscardedAndTheNextOneKept() {
        byte[] frame = first(ffmpegMjpeg);
        byte[] cut = java.util.Arrays.copyOf(frame, frame.length / 2); // ends inside the entropy-coded data
        Collector collector = new Collector();
        JpegSplitter splitter = new JpegSplitter(collector);
        byte[] stream = concat(List.of(frame, cut, frame));
        splitter.feed(stream, 0, stream.length);

        assertEquals(2, collector.images.size());
        assertArrayEquals(frame, collector.images.get(1));
        assertEquals(List.of(JpegSplitter.DiscardReason.TRUNCATED), collector.discards);
    }

    @Test
    void garbageBetweenFramesIsSkipped() {
        byte[] frame = first(ffmpegMjpeg);
        byte[] noise = new byte[5000];
        new Random(11).nextBytes(noise);
        for (int i = 0; i < noise.length; i++) {
            if (noise[i] == (byte) 0xFF) {
                noise[i] = 0x7F; // keep random bytes from forming markers by chance
            }
        }
        // A false start: SOI followed by something that is not a marker.
        byte[] falseStart = {(byte) 0xFF, (byte) 0xD8, 0x12, 0x34};
        byte[] stream = concat(List.of(noise, frame, falseStart, noise, frame, noise));
        Collector collector = new Collector();
        JpegSplitter splitter = new JpegSplitter(collector);
        feedInRandomChunks(splitter, stream, new Random(5), 1, 3000);

        assertEquals(2, collector.images.size());
        assertArrayEquals(frame, collector.images.get(0));
        assertArrayEquals(frame, collector.images.get(1));
        assertEquals(List.of(JpegSplitter.DiscardReason.CORRUPT), collector.discards);
        assertEquals(3L * noise.length + 2, splitter.skippedBytes(), "noise, plus the false start's two data bytes");
    }

    @Test
    void anOversizeFrameIsDroppedAndTheStreamGoesOn() throws IOException {
        byte[] small = encode(image(64, 48, Color.GREEN), null);
        byte[] big = encode(noise(512, 512, 1), null);
        Collector collector = new Collector();
        JpegSplitter splitter = new JpegSplitter(collector, big.length - 1);
        byte[] stream = concat(List.of(small, big, small));
        feedInRandomChunks(splitter, stream, new Random(9), 100, 4000);

        assertEquals(2, collector.images.size());
        assertArrayEquals(small, collector.images.get(1));
        assertEquals(List.of(JpegSplitter.DiscardReason.OVERSIZE), collector.discards);
        assertEquals(List.of((long) big.length), collector.discardedBytes);
    }

    @Test
    void aFailingConsumerDoesNotStopTheSplitter() {
        List<byte[]> seen = new ArrayList<>();
        JpegSplitter splitter = new JpegSplitter(jpeg -> {
            seen.add(jpeg);
            throw new IllegalStateException("consumer bug");
        });
        splitter.feed(ffmpegMjpeg, 0, ffmpegMjpeg.length);
        assertEquals(ffmpegFrames, seen.size());
    }

    // --- helpers ---

    private static final class Collector implements JpegSplitter.Listener {
        final List<byte[]> images = new ArrayList<>();
        final List<JpegSplitter.DiscardReason> discards = new ArrayList<>();
        final List<Long> discardedBytes = new ArrayList<>();

        @Override
        public void onImage(byte[] jpeg) {
            images.add(jpeg);
        }

        @Override
        public void onDiscard(JpegSplitter.DiscardReason reason, long bytes) {
            discards.add(reason);
            discardedBytes.add(bytes);
        }
    }

    private static String countFramesWithFfprobe(byte[] mjpeg) {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("splitter", ".mjpeg");
            try {
                java.nio.file.Files.write(file, mjpeg);
                return MediaTools.ffprobe("-count_frames", "-select_streams", "v:0", "-show_entries",
                        "stream=nb_read_frames", "-of", "csv=p=0", file.toString());
            } finally {
                java.nio.file.Files.delete(file);
            }
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private static void feedInRandomChunks(JpegSplitter splitter, byte[] data, Random random, int min, int max) {
        int i = 0;
        while (i < data.length) {
            int n = Math.min(data.length - i, min + random.nextInt(max - min + 1));
            byte[] chunk = java.util.Arrays.copyOfRange(data, i, i + n); // a fresh array, as a socket read gives
            splitter.feed(chunk, 0, n);
            i += n;
        }
    }

    /** The first image of an MJPEG stream, found by a plain search for EOI (fine for ffmpeg's output). */
    private static byte[] first(byte[] mjpeg) {
        int eoi = indexOf(mjpeg, new byte[] {(byte) 0xFF, (byte) 0xD9});
        return java.util.Arrays.copyOf(mjpeg, eoi + 2);
    }

    private static BufferedImage image(int width, int height, Color color) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        g.setColor(color);
        g.fillRect(0, 0, width, height);
        g.setColor(Color.WHITE);
        g.drawString("camstream", 5, height / 2);
        g.dispose();
        return image;
    }

    private static BufferedImage noise(int width, int height, long seed) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Random random = new Random(seed);
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                image.setRGB(x, y, random.nextInt());
            }
        }
        return image;
    }

    /** A baseline JPEG from the JDK's encoder, optionally with a restart interval (in MCUs). */
    private static byte[] encode(BufferedImage image, Integer restartInterval) throws IOException {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.9f);
        IIOMetadata metadata = writer.getDefaultImageMetadata(ImageTypeSpecifier.createFromRenderedImage(image), param);
        if (restartInterval != null) {
            IIOMetadataNode root = (IIOMetadataNode) metadata.getAsTree("javax_imageio_jpeg_image_1.0");
            IIOMetadataNode markers = (IIOMetadataNode) root.getElementsByTagName("markerSequence").item(0);
            IIOMetadataNode dri = new IIOMetadataNode("dri");
            dri.setAttribute("interval", Integer.toString(restartInterval));
            markers.insertBefore(dri, markers.getFirstChild());
            metadata.setFromTree("javax_imageio_jpeg_image_1.0", root);
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            writer.setOutput(stream);
            writer.write(null, new IIOImage(image, null, metadata), param);
        }
        writer.dispose();
        return out.toByteArray();
    }

    /**
     * An APP1 segment holding a minimal, valid EXIF structure whose IFD1 points at a JPEG thumbnail, the way
     * cameras store one: "Exif\0\0", a little-endian TIFF header, an empty IFD0, then IFD1 with
     * JPEGInterchangeFormat and JPEGInterchangeFormatLength, then the thumbnail bytes.
     */
    private static byte[] app1Exif(byte[] thumbnail) {
        int tiffLength = 8 + 6 + 2 + 2 * 12 + 4 + thumbnail.length;
        ByteBuffer tiff = ByteBuffer.allocate(tiffLength).order(ByteOrder.LITTLE_ENDIAN);
        tiff.put((byte) 'I').put((byte) 'I').putShort((short) 42).putInt(8);
        tiff.putShort((short) 0).putInt(14); // IFD0: no entries, IFD1 at 14
        int thumbnailOffset = 14 + 2 + 2 * 12 + 4;
        tiff.putShort((short) 2);
        tiff.putShort((short) 0x0201).putShort((short) 4).putInt(1).putInt(thumbnailOffset);
        tiff.putShort((short) 0x0202).putShort((short) 4).putInt(1).putInt(thumbnail.length);
        tiff.putInt(0);
        tiff.put(thumbnail);
        byte[] exifHeader = {'E', 'x', 'i', 'f', 0, 0};
        int length = 2 + exifHeader.length + tiffLength;
        ByteBuffer app1 = ByteBuffer.allocate(2 + length).order(ByteOrder.BIG_ENDIAN);
        app1.put((byte) 0xFF).put((byte) 0xE1).putShort((short) length).put(exifHeader).put(tiff.array());
        return app1.array();
    }

    private static byte[] insertAfterSoi(byte[] jpeg, byte[] segment) {
        return concat(List.of(java.util.Arrays.copyOf(jpeg, 2), segment,
                java.util.Arrays.copyOfRange(jpeg, 2, jpeg.length)));
    }

    private static byte[] concat(List<byte[]> parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] part : parts) {
            out.writeBytes(part);
        }
        return out.toByteArray();
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
