package org.camstream.stream;

import java.util.ArrayList;
import java.util.List;

/**
 * The chunks since the last keyframe: what a new viewer of an H.264-based stream needs to show a picture at
 * once. Bounded: a group of pictures over the caps is abandoned until the next keyframe, so memory stays at
 * one GOP whatever happens. Not thread-safe; {@link GopFanOut} guards it.
 */
final class GopCache<T extends Chunk> {

    private final int maxChunks;
    private final long maxBytes;
    private final List<T> chunks = new ArrayList<>();
    private long bytes;
    private boolean overflowed = true; // nothing decodable until the first keyframe

    GopCache(int maxChunks, long maxBytes) {
        this.maxChunks = maxChunks;
        this.maxBytes = maxBytes;
    }

    void add(T chunk) {
        if (chunk.isKeyframe()) {
            clear();
            overflowed = false;
        }
        if (overflowed) {
            return;
        }
        if (chunks.size() + 1 > maxChunks || bytes + chunk.size() > maxBytes) {
            clear();
            overflowed = true;
            return;
        }
        chunks.add(chunk);
        bytes += chunk.size();
    }

    /** The cached chunks, oldest (the keyframe) first; empty when there is no usable GOP. */
    List<T> snapshot() {
        return List.copyOf(chunks);
    }

    void reset() {
        clear();
        overflowed = true;
    }

    long bytes() {
        return bytes;
    }

    private void clear() {
        chunks.clear();
        bytes = 0;
    }
}
