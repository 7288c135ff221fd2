package org.camstream.stream;

import org.camstream.mp4.InitSegment;
import org.camstream.stream.Chunk;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.VideoTrack;

/**
 * Progressive fMP4: the init segment of the first fragment's track, then fragments. A progressive MP4 file
 * cannot change its track halfway, so when the camera's parameters change (a new resolution) the response
 * ends cleanly and the player reconnects to get the new init segment.
 */
public final class Mp4Preamble implements Preamble<Mp4Chunk> {

    private VideoTrack track;

    @Override
    public Chunk before(Mp4Chunk chunk) throws EndOfStream {
        if (track == null) {
            track = chunk.track();
            return initChunk(track.init());
        }
        if (chunk.track().generation() != track.generation()) {
            throw new EndOfStream("the video track changed");
        }
        return null;
    }

    public static Chunk initChunk(InitSegment init) {
        return Chunk.of(init.size(), init::writeTo);
    }
}
