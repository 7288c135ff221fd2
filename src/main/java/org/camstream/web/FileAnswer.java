package org.camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A file on the disk as the whole answer, or the one byte range a {@code Range} header asks for, so a video
 * element seeks in it. It is read piece by piece as the client takes it, with non-blocking writes: a download
 * holds no thread. The file is opened first, so one deleted meanwhile (by the retention) is still sent whole.
 */
final class FileAnswer {

    private static final int PIECE_BYTES = 64 * 1024;

    private FileAnswer() {
    }

    /**
     * @param file a path the caller made from checked names only
     * @param missing the error when the file is not there
     */
    static void serve(HttpServletRequest request, HttpServletResponse response, Path file, String contentType,
            String disposition, String cacheControl, String missing) throws IOException {
        FileChannel channel;
        try {
            channel = FileChannel.open(file, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, missing);
            return;
        }
        boolean handedOver = false;
        try {
            long length = channel.size();
            ByteRange range = ByteRange.of(request.getHeader("Range"), length, "the file", response);
            if (range == null) {
                return;
            }
            range.apply(response);
            response.setContentType(contentType);
            response.setHeader("Cache-Control", cacheControl);
            response.setHeader("X-Content-Type-Options", "nosniff");
            if (disposition != null) {
                response.setHeader("Content-Disposition", disposition);
            }
            if ("HEAD".equals(request.getMethod()) || length == 0) {
                return;
            }
            AsyncContext async = request.startAsync();
            async.setTimeout(0); // as long as the download takes; a stalled client is ended by the connector
            ServletOutputStream out = response.getOutputStream();
            long end = range.last() + 1;
            long[] position = {range.first()};
            ByteBuffer buffer = ByteBuffer.allocate((int) Math.min(PIECE_BYTES, end - range.first()));
            handedOver = true;
            out.setWriteListener(new WriteListener() {
                @Override
                public void onWritePossible() throws IOException {
                    while (out.isReady()) {
                        if (position[0] >= end) {
                            channel.close();
                            async.complete();
                            return;
                        }
                        buffer.clear();
                        buffer.limit((int) Math.min(buffer.capacity(), end - position[0]));
                        int n = channel.read(buffer, position[0]);
                        if (n < 0) {
                            channel.close(); // the file got shorter: the client sees a short answer
                            async.complete();
                            return;
                        }
                        position[0] += n;
                        out.write(buffer.array(), 0, n);
                    }
                }

                @Override
                public void onError(Throwable error) {
                    try {
                        channel.close();
                    } catch (IOException e) {
                        // the client is gone either way
                    }
                    async.complete();
                }
            });
        } finally {
            if (!handedOver) {
                channel.close();
            }
        }
    }
}
