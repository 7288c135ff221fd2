package org.camstream.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A light LL-HLS client, as a player follows a live stream, without decoding: blocking playlist reloads for
 * the next part, and every part fetched once, the preload-hinted one before it is complete. Asynchronous, so
 * hundreds of them run on a few threads. It records when each part arrived and, from the playlist's
 * EXT-X-PROGRAM-DATE-TIME (camstream's capture times), when its last frame was captured.
 */
public final class LlHlsClient {

    private static final Pattern PART = Pattern.compile("#EXT-X-PART:DURATION=([0-9.]+),URI=\"[^\"]*part-(\\d+)\\.m4s\"");
    private static final Pattern HINT = Pattern.compile("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"([^\"]*part-(\\d+)\\.m4s)\"");

    private final HttpClient http;
    private final URI base;
    private final long deadlineNanos;
    /** Part index to the time it arrived, in Unix ms. */
    private final Map<Long, Long> arrived = new ConcurrentHashMap<>();
    /** Part index to the capture time of its end, in Unix ms, from the playlists. */
    private final Map<Long, Double> capturedEnd = new ConcurrentHashMap<>();
    private final Map<Long, Boolean> requested = new ConcurrentHashMap<>();
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger requests = new AtomicInteger();
    private final List<String> errors = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile long firstListed = -1;
    private volatile long lastListed = -1;
    private volatile String runId;

    public LlHlsClient(HttpClient http, URI base, long deadlineNanos) {
        this.http = http;
        this.base = base;
        this.deadlineNanos = deadlineNanos;
    }

    public void start() {
        reload("");
    }

    private void reload(String query) {
        if (System.nanoTime() > deadlineNanos) {
            return;
        }
        get("index.m3u8" + query, HttpResponse.BodyHandlers.ofString()).thenAccept(response -> {
            if (response == null) {
                return;
            }
            if (response.statusCode() != 200) {
                errors.add("playlist " + query + ": " + response.statusCode());
                reload("");
                return;
            }
            onPlaylist(response.body());
        });
    }

    private void onPlaylist(String playlist) {
        if (System.nanoTime() > deadlineNanos) {
            return;
        }
        long msn = -1;
        int partInSegment = 0;
        double segmentStart = 0;
        double offset = 0;
        long last = -1;
        long lastMsn = -1;
        int lastPartInSegment = -1;
        for (String line : playlist.split("\n")) {
            if (line.startsWith("#EXT-X-MEDIA-SEQUENCE:")) {
                msn = Long.parseLong(line.substring(22));
            } else if (line.startsWith("#EXT-X-PROGRAM-DATE-TIME:")) {
                segmentStart = OffsetDateTime.parse(line.substring(25)).toInstant().toEpochMilli();
                offset = 0;
                partInSegment = 0;
            } else if (line.startsWith("#EXT-X-PART:")) {
                Matcher m = PART.matcher(line);
                if (!m.lookingAt()) {
                    errors.add("unreadable part line " + line);
                    continue;
                }
                offset += Double.parseDouble(m.group(1)) * 1000;
                long index = Long.parseLong(m.group(2));
                capturedEnd.putIfAbsent(index, segmentStart + offset);
                last = index;
                lastMsn = msn;
                lastPartInSegment = partInSegment++;
            } else if (line.startsWith("#EXTINF:")) {
                msn++;
            }
        }
        if (last < 0) {
            reload("");
            return;
        }
        if (firstListed < 0) {
            firstListed = last; // a player joins at the live edge: every part from here on
        }
        lastListed = Math.max(lastListed, last);
        for (long index = firstListed; index <= last; index++) {
            fetchPart(index);
        }
        Matcher hint = HINT.matcher(playlist);
        if (hint.find()) {
            fetchPart(Long.parseLong(hint.group(2)));
        }
        reload("?_HLS_msn=" + lastMsn + "&_HLS_part=" + (lastPartInSegment + 1));
    }

    private void fetchPart(long index) {
        // Past the deadline a listed part is not asked for, and so not counted missing either.
        if (System.nanoTime() > deadlineNanos || requested.putIfAbsent(index, true) != null) {
            return;
        }
        // The bytes are not kept: 200 clients' parts would be a gigabyte of garbage in the tests' shared JVM.
        get(runId + "/part-" + index + ".m4s", HttpResponse.BodyHandlers.discarding()).thenAccept(response -> {
            if (response != null && response.statusCode() == 200
                    && response.headers().firstValueAsLong("Content-Length").orElse(0) > 0) {
                arrived.put(index, System.currentTimeMillis());
            } else {
                errors.add("part " + index + ": " + (response == null ? "failed" : response.statusCode()));
            }
        });
    }

    private <T> CompletableFuture<HttpResponse<T>> get(String path, HttpResponse.BodyHandler<T> handler) {
        inFlight.incrementAndGet();
        requests.incrementAndGet();
        HttpRequest request = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(20)).build();
        return http.sendAsync(request, handler)
                .handle((response, failure) -> {
                    inFlight.decrementAndGet();
                    if (failure != null) {
                        errors.add(path + ": " + failure);
                        return null;
                    }
                    if (response.statusCode() == 200 && response.body() instanceof String playlist) {
                        Matcher hint = HINT.matcher(playlist);
                        if (hint.find()) {
                            String uri = hint.group(1);
                            runId = uri.substring(0, uri.indexOf('/'));
                        }
                    }
                    return response;
                });
    }

    public int inFlight() {
        return inFlight.get();
    }

    public int requests() {
        return requests.get();
    }

    public List<String> errors() {
        return errors;
    }

    /**
     * The parts listed from the one it joined at to the last it saw listed, that it did not get: asked for and
     * not answered, or skipped while the test ran.
     */
    public List<Long> missing() {
        List<Long> missing = new ArrayList<>();
        long lastAsked = requested.keySet().stream().mapToLong(Long::longValue).max().orElse(-1);
        for (long index = firstListed; index <= Math.min(lastListed, lastAsked) && firstListed >= 0; index++) {
            if (!arrived.containsKey(index)) {
                missing.add(index);
            }
        }
        return missing;
    }

    public long partsReceived() {
        return arrived.size();
    }

    /** For each part received and listed: ms from the capture of its end to its arrival. */
    public List<Double> latencies() {
        List<Double> latencies = new ArrayList<>();
        arrived.forEach((index, at) -> {
            Double end = capturedEnd.get(index);
            if (end != null) {
                latencies.add(at - end);
            }
        });
        return latencies;
    }
}
