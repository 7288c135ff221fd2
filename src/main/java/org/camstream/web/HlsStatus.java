package org.camstream.web;

import java.util.LinkedHashMap;
import java.util.Map;
import org.camstream.camera.Camera;
import org.camstream.hls.HeldRequests;
import org.camstream.hls.HlsCounters;
import org.camstream.hls.HlsSegment;
import org.camstream.hls.HlsSnapshot;
import org.camstream.hls.Segmenter;

/** The {@code hls} entry of {@code /api/status}: the current run, what it keeps, and what it was asked. */
final class HlsStatus {

    private HlsStatus() {
    }

    static Map<String, Object> of(Camera app) {
        Map<String, Object> hls = new LinkedHashMap<>();
        Segmenter segmenter = app.hls().peek();
        hls.put("running", segmenter != null);
        hls.put("runId", segmenter == null ? null : segmenter.runId());
        hls.put("runs", app.hls().runsStarted());
        if (segmenter != null) {
            HlsSnapshot snapshot = segmenter.current();
            HlsSegment live = snapshot.liveSegment();
            hls.put("segmentsKept", snapshot.segments().stream().filter(HlsSegment::closed).count());
            hls.put("bytesKept", snapshot.segments().stream().mapToLong(HlsSegment::size).sum());
            hls.put("lastMsn", live == null ? null : live.msn());
            hls.put("lastPart", snapshot.version());
            hls.put("partTarget", segmenter.plan().partTargetSeconds());
            hls.put("targetDuration", snapshot.targetDurationSeconds());
        }
        HlsCounters counters = app.hlsCounters();
        Map<String, Object> requests = new LinkedHashMap<>();
        requests.put("total", counters.requests());
        requests.put("playlists", counters.playlists.sum());
        requests.put("blockingPlaylists", counters.blockingPlaylists.sum());
        requests.put("inits", counters.inits.sum());
        requests.put("segments", counters.segments.sum());
        requests.put("parts", counters.parts.sum());
        requests.put("errors", counters.errors.sum());
        hls.put("requests", requests);
        hls.put("bytesSent", counters.bytesSent.sum());
        HeldRequests held = app.hls().held();
        Map<String, Object> holds = new LinkedHashMap<>();
        holds.put("now", held.size());
        holds.put("limit", held.capacity());
        holds.put("released", held.released());
        holds.put("timedOut", held.timedOut());
        holds.put("refused", held.refused());
        hls.put("held", holds);
        return hls;
    }
}
