package org.camstream.web;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.camera.ViewerLimit;
import org.camstream.hls.HeldRequests;
import org.camstream.hls.HlsCounters;
import org.camstream.hls.HlsNames;
import org.camstream.hls.HlsPart;
import org.camstream.hls.HlsSegment;
import org.camstream.hls.HlsService;
import org.camstream.hls.HlsSnapshot;
import org.camstream.hls.PlaylistQuery;
import org.camstream.hls.Segmenter;
import org.camstream.mp4.InitSegment;
import org.camstream.stream.Chunk;

/**
 * {@code /hls/*}: the LL-HLS playlist {@code index.m3u8} and the run's init segments, segments and parts.
 * Every request goes asynchronous: most are answered at once, blocking playlist reloads and the
 * preload-hinted part are held in {@link HeldRequests} until the stream has them, without a thread. A player's
 * playlist requests hold its place under {@code max-viewers} ({@link HlsPlayers}).
 */
final class HlsServlet extends HttpServlet {

    private static final String HLS = "hls/";
    private static final String PLAYLIST_TYPE = "application/vnd.apple.mpegurl";
    private static final String MEDIA_TYPE = "video/mp4";
    /** Beyond its hold, how long a client may take to read an answer before the container ends the request. */
    private static final long WRITE_MILLIS = 30_000;

    /** The most of a User-Agent kept to tell players apart. */
    private static final int USER_AGENT_CHARS = 200;

    private final Cameras cameras;
    private final Viewers viewers;

    HlsServlet(Cameras cameras, Viewers viewers) {
        this.cameras = cameras;
        this.viewers = viewers;
    }

    /** Who asks: HLS has no lasting connection, so a player is its address and its User-Agent. */
    private static String client(HttpServletRequest request) {
        String agent = request.getHeader("User-Agent");
        if (agent == null) {
            agent = "";
        } else if (agent.length() > USER_AGENT_CHARS) {
            agent = agent.substring(0, USER_AGENT_CHARS);
        }
        return request.getRemoteAddr() + " " + agent;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handle(request, response, false);
    }

    @Override
    protected void doHead(HttpServletRequest request, HttpServletResponse response) throws IOException {
        handle(request, response, true);
    }

    private void handle(HttpServletRequest request, HttpServletResponse response, boolean head) throws IOException {
        Camera camera = Route.camera(request, response, cameras);
        if (camera == null) {
            return;
        }
        String routed = Route.of(request, cameras).path();
        String path = routed.startsWith(HLS) ? routed.substring(HLS.length()) : routed;
        HlsCounters counters = camera.hlsCounters();
        if (path.equals(HlsNames.PLAYLIST)) {
            if (!viewers.hls().admit(camera, client(request))) {
                counters.errors.increment();
                String refusal = viewers.refusal(camera);
                Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, refusal != null ? refusal
                        : "camstream is at its limit of viewers");
                return;
            }
            playlist(camera, request, response, head);
            return;
        }
        viewers.hls().heard(camera, client(request));
        HlsNames.Media media = HlsNames.parse(path);
        if (media == null) {
            counters.errors.increment();
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "no such HLS file: the playlist is "
                    + "hls/" + HlsNames.PLAYLIST);
            return;
        }
        Segmenter segmenter = camera.hls().running(media.runId());
        HlsExchange exchange = new HlsExchange(start(request, Duration.ZERO), head, counters,
                viewers.hls().asking(camera, client(request)));
        if (segmenter == null) {
            exchange.error(HttpServletResponse.SC_NOT_FOUND, "that file belongs to an HLS run that has ended;"
                    + " reload hls/" + HlsNames.PLAYLIST, 0);
            return;
        }
        HlsSnapshot snapshot = segmenter.current();
        switch (media.kind()) {
            case INIT -> {
                counters.inits.increment();
                InitSegment init = snapshot.init(media.number());
                if (init == null) {
                    exchange.error(HttpServletResponse.SC_NOT_FOUND, "no such init segment in this run", 0);
                } else {
                    exchange.send(MEDIA_TYPE, HlsExchange.IMMUTABLE, List.of(Chunk.of(init.size(), init::writeTo)));
                }
            }
            case SEGMENT -> {
                counters.segments.increment();
                HlsSegment segment = snapshot.closedSegment(media.number());
                if (segment == null) {
                    exchange.error(HttpServletResponse.SC_NOT_FOUND, "segment " + media.number()
                            + " is not complete or no longer kept", 0);
                } else {
                    exchange.send(MEDIA_TYPE, HlsExchange.IMMUTABLE, chunks(segment));
                }
            }
            case PART -> {
                counters.parts.increment();
                part(camera, segmenter, snapshot, media.number(), exchange);
            }
        }
    }

    private void playlist(Camera camera, HttpServletRequest request, HttpServletResponse response, boolean head)
            throws IOException {
        HlsCounters counters = camera.hlsCounters();
        PlaylistQuery query;
        try {
            query = PlaylistQuery.parse(request.getParameter("_HLS_msn"), request.getParameter("_HLS_part"));
        } catch (PlaylistQuery.BadRequest e) {
            counters.errors.increment();
            Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST, e.getMessage());
            return;
        }
        (query.blocking() ? counters.blockingPlaylists : counters.playlists).increment();
        Segmenter segmenter;
        try {
            segmenter = camera.hls().start();
        } catch (IllegalStateException e) {
            counters.errors.increment();
            Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, "camstream is stopping");
            return;
        }
        HlsSnapshot snapshot = segmenter.current();
        String outOfRange = query.outOfRange(snapshot);
        if (outOfRange != null) {
            counters.errors.increment();
            Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST, outOfRange);
            return;
        }
        Duration hold = query.blocking() ? HlsService.holdTimeout(snapshot) : HlsService.START_WAIT;
        HlsExchange exchange = new HlsExchange(start(request, hold), head, counters,
                viewers.hls().asking(camera, client(request)));
        String runId = segmenter.runId();
        boolean held = camera.hls().held().hold(new HeldRequests.Waiter() {
            @Override
            public boolean readyIn(HlsSnapshot s) {
                return !s.runId().equals(runId) || query.satisfiedBy(s);
            }

            @Override
            public void ready(HlsSnapshot s) {
                HlsSnapshot answer = segmenter.answer(query);
                if (answer == null) {
                    exchange.error(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "the HLS run ended; reload hls/"
                            + HlsNames.PLAYLIST, 1);
                } else {
                    exchange.send(PLAYLIST_TYPE, HlsExchange.PLAYLIST_CACHE, List.of(Responses.bytes(answer.playlist())));
                }
            }

            @Override
            public void timedOut() {
                HlsSnapshot late = segmenter.current();
                if (!query.blocking() && late.hasClosedSegment()) {
                    // A camera with long groups of pictures, or one that stopped: not the segments a player starts
                    // best from, but what there is, which is better than an error.
                    exchange.send(PLAYLIST_TYPE, HlsExchange.PLAYLIST_CACHE, List.of(Responses.bytes(late.playlist())));
                    return;
                }
                exchange.error(HttpServletResponse.SC_SERVICE_UNAVAILABLE, (query.blocking() ? query
                        : "the first segment") + " did not come within " + hold.toSeconds() + " s: the camera is"
                        + " not delivering pictures", 1);
            }
        }, segmenter::current, hold);
        if (!held) {
            refuse(camera, exchange);
        }
    }

    private void part(Camera camera, Segmenter segmenter, HlsSnapshot snapshot, long index, HlsExchange exchange) {
        HlsPart part = snapshot.part(index);
        if (part != null) {
            exchange.send(MEDIA_TYPE, HlsExchange.IMMUTABLE, part.chunks());
            return;
        }
        if (index != snapshot.nextPartIndex()) {
            exchange.error(HttpServletResponse.SC_NOT_FOUND, "part " + index + (index < snapshot.nextPartIndex()
                    ? " is no longer kept" : " is not the next part, " + snapshot.nextPartIndex()), 0);
            return;
        }
        // The preload hint: held until the part is complete.
        Duration hold = HlsService.holdTimeout(snapshot);
        String runId = segmenter.runId();
        boolean held = camera.hls().held().hold(new HeldRequests.Waiter() {
            @Override
            public boolean readyIn(HlsSnapshot s) {
                return !s.runId().equals(runId) || s.part(index) != null;
            }

            @Override
            public void ready(HlsSnapshot s) {
                HlsPart done = s.part(index);
                if (done == null) {
                    exchange.error(HttpServletResponse.SC_NOT_FOUND, "the HLS run ended", 0);
                } else {
                    exchange.send(MEDIA_TYPE, HlsExchange.IMMUTABLE, done.chunks());
                }
            }

            @Override
            public void timedOut() {
                exchange.error(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "part " + index + " did not come within "
                        + hold.toSeconds() + " s: the camera is not delivering pictures", 1);
            }
        }, segmenter::current, hold);
        if (!held) {
            refuse(camera, exchange);
        }
    }

    private void refuse(Camera camera, HlsExchange exchange) {
        HeldRequests held = camera.hls().held();
        exchange.error(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "camstream is holding its limit of "
                + held.capacity() + " waiting HLS requests (twice max-viewers); try again in a second", 1);
    }

    private static AsyncContext start(HttpServletRequest request, Duration hold) {
        AsyncContext async = request.startAsync();
        async.setTimeout(hold.toMillis() + WRITE_MILLIS);
        return async;
    }

    private static List<Chunk> chunks(HlsSegment segment) {
        return segment.parts().stream().flatMap(p -> p.chunks().stream()).map(c -> (Chunk) c).toList();
    }
}
