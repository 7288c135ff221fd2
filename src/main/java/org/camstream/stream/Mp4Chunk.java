package org.camstream.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.camstream.mp4.Fragment;

/** One fMP4 media fragment of a frame, with the track it belongs to; shared by every MP4 and WebSocket viewer. */
public final class Mp4Chunk implements Chunk {

    private final Fragment fragment;
    private final VideoTrack track;
    private final long sequence;

    Mp4Chunk(Fragment fragment, VideoTrack track, long sequence) {
        this.fragment = fragment;
        this.track = track;
        this.sequence = sequence;
    }

    public VideoTrack track() {
        return track;
    }

    public ByteBuffer asByteBuffer() {
        return fragment.asByteBuffer();
    }

    @Override
    public long sequence() {
        return sequence;
    }

    @Override
    public int size() {
        return fragment.size();
    }

    @Override
    public boolean isKeyframe() {
        return fragment.isKeyframe();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        fragment.writeTo(out);
    }
}
