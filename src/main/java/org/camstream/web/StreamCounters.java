package org.camstream.web;

import java.util.List;
import org.camstream.stream.StreamStats;

/** The counters of every output format, in the order the status document lists them. */
final class StreamCounters {

    final StreamStats mjpeg = new StreamStats("mjpeg");
    final StreamStats jpeg = new StreamStats("jpeg");
    final StreamStats snapshot = new StreamStats("snapshot");
    final StreamStats h264 = new StreamStats("h264");
    final StreamStats mp4 = new StreamStats("mp4");
    final StreamStats ws = new StreamStats("ws");

    List<StreamStats> all() {
        return List.of(mjpeg, jpeg, snapshot, h264, mp4, ws);
    }
}
