package org.camstream.record;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Where recordings and timelapse stills are written: files that are created new and appended to, with one
 * write at a place (the 'sidx' a recording fills in when it is complete). Nothing is synced to the disk: the
 * kernel writes what it holds within seconds, and an fsync a second would wear an SD card. Tests put one that
 * fails in its place, as a full disk does.
 */
public interface RecordingStorage {

    /** A file being written. */
    interface Output extends AutoCloseable {
        /** Appends the buffers, all of them, in one gathering write where the system allows. */
        void append(ByteBuffer... buffers) throws IOException;

        /** Writes {@code bytes} at {@code position}, over what is there. */
        void writeAt(long position, ByteBuffer bytes) throws IOException;

        @Override
        void close() throws IOException;
    }

    /** Creates {@code file}, and the directories above it; fails if it exists. */
    Output create(Path file) throws IOException;

    /** Bytes a new file may still take on the file system of {@code directory}. */
    long usableSpace(Path directory) throws IOException;

    void delete(Path file) throws IOException;

    /** Files on the disk, through a channel each. */
    static RecordingStorage disk() {
        return new RecordingStorage() {
            @Override
            public Output create(Path file) throws IOException {
                Files.createDirectories(file.getParent());
                FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE);
                return new Output() {
                    @Override
                    public void append(ByteBuffer... buffers) throws IOException {
                        long left = 0;
                        for (ByteBuffer buffer : buffers) {
                            left += buffer.remaining();
                        }
                        while (left > 0) {
                            left -= channel.write(buffers);
                        }
                    }

                    @Override
                    public void writeAt(long position, ByteBuffer bytes) throws IOException {
                        long at = position;
                        while (bytes.hasRemaining()) {
                            at += channel.write(bytes, at);
                        }
                    }

                    @Override
                    public void close() throws IOException {
                        channel.close();
                    }
                };
            }

            @Override
            public long usableSpace(Path directory) throws IOException {
                Path existing = directory;
                while (existing != null && !Files.exists(existing)) {
                    existing = existing.getParent();
                }
                return Files.getFileStore(existing == null ? directory : existing).getUsableSpace();
            }

            @Override
            public void delete(Path file) throws IOException {
                Files.deleteIfExists(file);
            }
        };
    }
}
