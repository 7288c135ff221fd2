package org.camstream.camera;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.camstream.stream.Frame;

/** A JPEG's width and height, read from its header only. */
final class JpegSize {

    private JpegSize() {
    }

    /** {width, height}, or null when the picture is not a JPEG ImageIO can read. */
    static int[] of(Frame frame) {
        byte[] data = new byte[frame.size()];
        frame.copyTo(data, 0);
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(data))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                return null;
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
