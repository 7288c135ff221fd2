package org.camstream.web;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

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
record StatusSample(Instant at, String state, double fps, Double fpsSet, Long bitrate, Integer bitrateSet,
        long viewers) {

    Map<String, Object> json() {
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
