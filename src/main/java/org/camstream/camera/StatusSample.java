package org.camstream.camera;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.camstream.process.ProcessState;
import org.camstream.stream.H264Pipeline;
import org.camstream.stream.StreamStats;

/**
 * One moment of the status, as the admin page's charts draw it.
 *
 * @param at when it was taken
 * @param state the camera's state
 * @param fps the measured frame rate
 * @param fpsSet the configured frame rate while the camera runs, else null: the line the measured rate should sit on
 * @param bitrate the measured H.264 bitrate in bits per second, or null without an H.264 stream
 * @param bitrateSet the configured bitrate while there is an H.264 stream, else null
 * @param viewers the viewers of every format together
 */
public record StatusSample(Instant at, String state, double fps, Double fpsSet, Long bitrate, Integer bitrateSet,
        long viewers) {

    /** What the charts draw for this camera, now. */
    static StatusSample of(Camera camera, Instant at) {
        CaptureStatus status = camera.status();
        boolean running = status.state() == ProcessState.RUNNING;
        H264Pipeline video = camera.video();
        boolean h264 = video.track() != null;
        long viewers = 0;
        for (StreamStats s : camera.counters().all()) {
            viewers += s.viewers();
        }
        return new StatusSample(at, status.state().id(), Math.round(status.counts().measuredFps() * 100) / 100.0,
                running ? status.format().fps() : null, h264 ? video.measuredBitrate() : null,
                h264 ? camera.settings().bitrate() : null, viewers);
    }

    public Map<String, Object> json() {
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("t", at.toEpochMilli());
        map.put("state", state);
        map.put("fps", fps);
        map.put("fpsSet", fpsSet);
        map.put("bitrate", bitrate);
        map.put("bitrateSet", bitrateSet);
        map.put("viewers", viewers);
        return map;
    }
}
