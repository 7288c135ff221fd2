package org.camstream.process;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/**
 * Lines from a program's output, each cut at a fixed number of bytes. {@link java.io.BufferedReader} would
 * keep a line without end in memory however long it grew; here the rest of an overlong line is skipped.
 */
public final class BoundedLineReader implements AutoCloseable {

    private final InputStream in;
    private final int maxBytes;
    private final ByteArrayOutputStream line;

    public BoundedLineReader(InputStream in, int maxBytes) {
        this.in = new BufferedInputStream(in, 8192);
        this.maxBytes = maxBytes;
        this.line = new ByteArrayOutputStream(Math.min(maxBytes, 256));
    }

    /** The next line without its terminator (LF, CR or CRLF), cut at the limit; null at the end of the input. */
    public String readLine() throws IOException {
        line.reset();
        boolean any = false;
        while (true) {
            int b = in.read();
            if (b < 0) {
                return any ? text() : null;
            }
            any = true;
            if (b == '\n' || b == '\r') {
                // ffmpeg ends progress lines with CR alone; a CRLF then reads as a line and an empty one
                return text();
            }
            if (line.size() < maxBytes) {
                line.write(b);
            }
        }
    }

    private String text() {
        return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
