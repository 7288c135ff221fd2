package org.camstream.camera.source;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A recording read again and again without end, for raw elementary streams (an .h264 or .mjpeg file) that
 * ffmpeg cannot seek in and so cannot loop by itself. ffmpeg paces the result with -re.
 */
final class LoopingFileStream extends InputStream {

    private final FileChannel channel;

    LoopingFileStream(Path file) throws IOException {
        this.channel = FileChannel.open(file, StandardOpenOption.READ);
        if (channel.size() == 0) {
            channel.close();
            throw new IOException(file + " is empty");
        }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        int n = channel.read(ByteBuffer.wrap(b, off, len));
        if (n <= 0) {
            channel.position(0);
            n = channel.read(ByteBuffer.wrap(b, off, len));
        }
        return n;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xFF;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
