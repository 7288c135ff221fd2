package org.camstream.stream;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import org.camstream.mp4.AudioSample;

/**
 * The AAC frames waiting for the next picture, which carries them in its fragment. The audio process's reader
 * puts, the video's reader drains; a lock guards only the queue and calls nothing.
 *
 * <p>Bounded at {@link #CAPACITY} frames, two seconds: while no pictures come (the camera restarts), the
 * oldest frame is dropped for each new one, since sound that old could no longer play with its pictures.
 */
public final class AudioInbox {

    /** Two seconds of 1024-sample frames at 48 kHz. */
    public static final int CAPACITY = 94;

    private final ArrayDeque<AudioSample> queue = new ArrayDeque<>(CAPACITY);
    private long dropped;

    public synchronized void put(AudioSample sample) {
        if (queue.size() == CAPACITY) {
            queue.pollFirst();
            dropped++;
        }
        queue.addLast(sample);
    }

    /** Everything waiting, oldest first; empty when nothing is. */
    public synchronized List<AudioSample> drain() {
        if (queue.isEmpty()) {
            return List.of();
        }
        List<AudioSample> all = new ArrayList<>(queue);
        queue.clear();
        return all;
    }

    public synchronized void clear() {
        queue.clear();
    }

    /** Frames dropped at the bound. */
    public synchronized long dropped() {
        return dropped;
    }
}
