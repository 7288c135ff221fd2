package org.camstream.web;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.process.ProcessError;
import org.camstream.publish.PublisherStatus;

/**
 * The {@code publish} part of {@code /api/status}: one entry per relay, in the order of the setting; an
 * empty list when camstream publishes nowhere. URLs, errors and log lines are masked already.
 */
final class PublishingStatus {

    private PublishingStatus() {
    }

    static List<Map<String, Object>> of(List<PublisherStatus> publishers) {
        List<Map<String, Object>> list = new ArrayList<>(publishers.size());
        for (PublisherStatus p : publishers) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("url", p.url());
            one.put("format", p.format());
            one.put("state", p.state().id());
            one.put("since", StatusDocument.time(p.since()));
            one.put("bitrate", p.delivery().bitrate());
            one.put("frames", p.delivery().frames());
            one.put("bytes", p.delivery().bytes());
            one.put("droppedFrames", p.delivery().droppedFrames());
            one.put("width", p.size() == null ? null : p.size().width());
            one.put("height", p.size() == null ? null : p.size().height());
            one.put("restarts", p.restarts());
            one.put("lastError", p.lastError() == null ? null : p.lastError().message());
            one.put("lastErrorAt", p.lastError() == null ? null : StatusDocument.time(p.lastError().at()));
            one.put("previousError", error(p.previousError()));
            one.put("retryAt", StatusDocument.time(p.retryAt()));
            // As a wait too: a page counts it down without comparing its clock with the server's.
            one.put("retryInMs", p.retryAt() == null ? null
                    : Math.max(0, Duration.between(Instant.now(), p.retryAt()).toMillis()));
            one.put("pid", p.pid());
            one.put("recentLog", p.recentLog());
            list.add(one);
        }
        return list;
    }

    private static Map<String, Object> error(ProcessError error) {
        if (error == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("message", error.message());
        map.put("at", StatusDocument.time(error.at()));
        return map;
    }
}
