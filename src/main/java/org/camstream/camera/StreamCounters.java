package org.camstream.camera;

import java.util.List;
import org.camstream.stream.StreamStats;

/** The counters of every output format, in the order the status document lists them. */
public final class StreamCounters {

    public final StreamStats mjpeg = new StreamStats("mjpeg");
    public final StreamStats jpeg = new StreamStats("jpeg");
    public final StreamStats snapshot = new StreamStats("snapshot");
    public final StreamStats h264 = new StreamStats("h264");
    public final StreamStats mp4 = new StreamStats("mp4");
    public final StreamStats ws = new StreamStats("ws");

    public List<StreamStats> all() {
        return List.of(mjpeg, jpeg, snapshot, h264, mp4, ws);
    }
}
