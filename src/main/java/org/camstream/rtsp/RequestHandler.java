package org.camstream.rtsp;

import java.util.List;
import org.camstream.camera.Camera;
import org.camstream.process.Lease;
import org.camstream.rtp.RtpStream;
import org.camstream.rtp.SessionDescription;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.VideoTrack;

/**
 * What each RTSP method does (RFC 2326, section 10): OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN and GET_PARAMETER,
 * the keep-alive. The other methods of RTSP 1.0 get a {@code 405} with the methods there are, and names that are
 * no RTSP method a {@code 501}. Runs on the server's thread, and never waits: a DESCRIBE of a camera that has no
 * picture yet is answered later, by the server, when one comes or the wait is over.
 */
final class RequestHandler {

    static final String METHODS = "OPTIONS, DESCRIBE, SETUP, PLAY, TEARDOWN, GET_PARAMETER";
    private static final List<String> OTHER_METHODS = List.of("ANNOUNCE", "PAUSE", "RECORD", "REDIRECT",
            "SET_PARAMETER");
    /** At most this many sessions on one connection; each takes a viewer's place anyway. */
    static final int MAX_SESSIONS_PER_CONNECTION = 4;

    private final RtspServer server;
    private final RtspAuth auth;

    RequestHandler(RtspServer server, RtspAuth auth) {
        this.server = server;
        this.auth = auth;
    }

    void handle(RtspConnection connection, RtspRequest request, long nowNanos) {
        String cseq = request.cseq();
        if (cseq == null) {
            connection.send(RtspResponse.error(RtspStatus.BAD_REQUEST, "every RTSP request needs a CSeq header")
                    .closing(), null);
            return;
        }
        if (!request.version().equals("RTSP/1.0")) {
            connection.send(RtspResponse.error(RtspStatus.VERSION_NOT_SUPPORTED, "camstream speaks RTSP/1.0"), cseq);
            return;
        }
        try {
            RtspResponse response = answer(connection, request, nowNanos);
            if (response != null) {
                connection.send(response, cseq);
            }
        } catch (RtspException e) {
            connection.send(RtspResponse.of(e), cseq);
        }
    }

    private RtspResponse answer(RtspConnection connection, RtspRequest request, long nowNanos) throws RtspException {
        String require = request.header("require");
        if (require != null) {
            return RtspResponse.error(RtspStatus.OPTION_NOT_SUPPORTED, "camstream supports no RTSP extension")
                    .header("Unsupported", require);
        }
        RtspSession session = session(connection, request, nowNanos);
        String method = request.method();
        if (!method.equals("OPTIONS") && session == null) {
            RtspResponse refused = auth.check(request);
            if (refused != null) {
                return refused;
            }
        }
        return switch (method) {
            case "OPTIONS" -> RtspResponse.ok().header("Public", METHODS);
            case "DESCRIBE" -> describe(connection, request, nowNanos);
            case "SETUP" -> setup(connection, request, session, nowNanos);
            case "PLAY" -> play(request, required(session));
            case "TEARDOWN" -> {
                server.end(required(session), null);
                yield RtspResponse.ok();
            }
            case "GET_PARAMETER" -> session == null ? RtspResponse.ok() : withSession(RtspResponse.ok(), session);
            default -> OTHER_METHODS.contains(method)
                    ? RtspResponse.error(RtspStatus.METHOD_NOT_ALLOWED, method + " is not served here: camstream"
                            + " plays live cameras").header("Allow", METHODS)
                    : RtspResponse.error(RtspStatus.NOT_IMPLEMENTED, method + " is not an RTSP method camstream"
                            + " implements").header("Public", METHODS);
        };
    }

    /** The session the request names, which must be one of this connection's; null when it names none. */
    private RtspSession session(RtspConnection connection, RtspRequest request, long nowNanos) throws RtspException {
        String id = request.session();
        if (id == null) {
            return null;
        }
        for (RtspSession session : connection.sessions()) {
            if (session.id().equals(id)) {
                session.heard(nowNanos);
                return session;
            }
        }
        throw new RtspException(RtspStatus.SESSION_NOT_FOUND, "there is no session " + printable(id)
                + " on this connection");
    }

    private static RtspSession required(RtspSession session) throws RtspException {
        if (session == null) {
            throw new RtspException(RtspStatus.SESSION_NOT_FOUND, "this request needs the Session header that"
                    + " SETUP answered");
        }
        return session;
    }

    private Camera camera(RtspPath path) throws RtspException {
        Camera camera = path.camera() == null ? server.cameras().first() : server.cameras().get(path.camera());
        if (camera == null || camera.isClosed()) {
            throw new RtspException(RtspStatus.NOT_FOUND, "there is no camera " + (path.camera() == null ? ""
                    : path.camera()) + " here: the cameras are at rtsp://<host>:" + server.port()
                    + "/<name>, as /api/cameras lists them");
        }
        return camera;
    }

    private static RtspPath path(RtspRequest request) throws RtspException {
        RtspPath path = RtspPath.parse(request.uri());
        if (path == null) {
            throw new RtspException(RtspStatus.NOT_FOUND, "nothing is at that URL: a camera is at"
                    + " rtsp://<host>:<port>/<name>");
        }
        return path;
    }

    // ---------------------------------------------------------------- DESCRIBE

    private RtspResponse describe(RtspConnection connection, RtspRequest request, long nowNanos)
            throws RtspException {
        RtspPath path = path(request);
        if (path.track() != RtspPath.AGGREGATE) {
            throw new RtspException(RtspStatus.NOT_FOUND, "DESCRIBE the camera, not one of its tracks");
        }
        Camera camera = camera(path);
        VideoTrack track = camera.video().track();
        if (track != null) {
            return description(connection, request, camera, track);
        }
        Lease warmUp;
        try {
            warmUp = camera.acquireMp4(); // starts the camera, which may be idle
        } catch (IllegalStateException e) {
            throw new RtspException(RtspStatus.SERVICE_UNAVAILABLE, "camera " + camera.name() + " is closing");
        }
        connection.setPending(new RtspConnection.PendingDescribe(request, camera.name(),
                nowNanos + server.options().describeWait().toNanos(), warmUp));
        return null;
    }

    /** The SDP answer, once the camera has a picture. */
    RtspResponse description(RtspConnection connection, RtspRequest request, Camera camera, VideoTrack track) {
        String sdp = SessionDescription.of(camera.name(), server.localAddress(connection), server.sdpSessionId(),
                track.generation(), track.init()).text();
        return RtspResponse.ok().header("Content-Base", base(request.uri()))
                .body(sdp, "application/sdp");
    }

    /** Answers a DESCRIBE that waited: with the description, or with why there is none. */
    void answerPending(RtspConnection connection, boolean timedOut) {
        RtspConnection.PendingDescribe pending = connection.pending();
        Camera camera = server.cameras().get(pending.cameraName());
        VideoTrack track = camera == null ? null : camera.video().track();
        boolean gone = camera == null || camera.isClosed();
        if (!gone && track == null && !timedOut) {
            return; // still waiting
        }
        connection.setPending(null);
        pending.warmUp().close();
        String cseq = pending.request().cseq();
        if (gone) {
            connection.send(RtspResponse.error(RtspStatus.NOT_FOUND, "camera " + pending.cameraName()
                    + " was removed"), cseq);
        } else if (track != null) {
            connection.send(description(connection, pending.request(), camera, track), cseq);
        } else {
            connection.send(RtspResponse.error(RtspStatus.SERVICE_UNAVAILABLE, "camera " + camera.name()
                    + " has no picture yet: " + server.cameraTrouble(camera)).header("Retry-After", "5"), cseq);
        }
    }

    /** The request URI as the base of the track URLs, with a trailing slash and without a query. */
    static String base(String uri) {
        String base = uri;
        int query = base.indexOf('?');
        if (query >= 0) {
            base = base.substring(0, query);
        }
        return base.endsWith("/") ? base : base + "/";
    }

    // ---------------------------------------------------------------- SETUP

    private RtspResponse setup(RtspConnection connection, RtspRequest request, RtspSession session, long nowNanos)
            throws RtspException {
        RtspPath path = path(request);
        Camera camera = camera(path);
        int index = path.track() == RtspPath.AGGREGATE ? RtspPath.VIDEO : path.track();
        VideoTrack track = camera.video().track();
        if (index == RtspPath.AUDIO && (track == null || track.init().audio() == null)) {
            throw new RtspException(RtspStatus.NOT_FOUND, "camera " + camera.name() + " has no sound track");
        }
        if (session != null && session.camera() != camera) {
            throw new RtspException(RtspStatus.AGGREGATE_NOT_ALLOWED, "a session plays one camera; SETUP "
                    + camera.name() + " without this Session header");
        }
        if (session != null && session.state() == RtspSession.State.PLAYING) {
            throw new RtspException(RtspStatus.METHOD_NOT_VALID_IN_THIS_STATE, "the session is playing: SETUP"
                    + " comes before PLAY");
        }
        Transport transport = Transport.choose(request.header("transport"), connection.peer().getAddress()
                .getHostAddress());
        if (!transport.tcp() && server.udp() == null) {
            throw new RtspException(RtspStatus.UNSUPPORTED_TRANSPORT, "RTP over UDP is off on this server ("
                    + server.udpProblem() + "): use TCP, such as ffmpeg's -rtsp_transport tcp");
        }
        if (session != null && session.udp() == transport.tcp()) {
            throw new RtspException(RtspStatus.UNSUPPORTED_TRANSPORT, "both tracks of a session go the same way,"
                    + " TCP or UDP");
        }
        if (transport.tcp()) {
            transport = channels(connection, transport);
        }
        if (session == null) {
            if (connection.sessions().size() >= MAX_SESSIONS_PER_CONNECTION) {
                throw new RtspException(RtspStatus.SERVICE_UNAVAILABLE, "one connection holds at most "
                        + MAX_SESSIONS_PER_CONNECTION + " sessions");
            }
            Lease place = server.admission().admit(camera);
            if (place == null) {
                return RtspResponse.error(RtspStatus.SERVICE_UNAVAILABLE, server.admission().refusal(camera))
                        .header("Retry-After", "10");
            }
            session = server.open(camera, connection, place, nowNanos);
        }
        TrackOut out = new TrackOut(PacketWriter.trackOf(index), transport, RtpStream.random(), connection.peer());
        session.setTrack(index, out);
        server.trackAdded(session, index);
        return withSession(RtspResponse.ok().header("Transport", transport.describe(server.udpRtpPort(),
                out.stream().ssrc() & 0xFFFFFFFFL)), session);
    }

    /** The client's interleaved channels if it named free ones, else the next free pair. */
    private static Transport channels(RtspConnection connection, Transport asked) throws RtspException {
        if (asked.rtp() >= 0) {
            if (channelTaken(connection, asked.rtp()) || channelTaken(connection, asked.rtcp())) {
                throw new RtspException(RtspStatus.UNSUPPORTED_TRANSPORT, "interleaved channels " + asked.rtp()
                        + "-" + asked.rtcp() + " are taken on this connection");
            }
            return asked;
        }
        for (int channel = 0; channel < 254; channel += 2) {
            if (!channelTaken(connection, channel) && !channelTaken(connection, channel + 1)) {
                return asked.onChannels(channel);
            }
        }
        throw new RtspException(RtspStatus.UNSUPPORTED_TRANSPORT, "no interleaved channels are left");
    }

    private static boolean channelTaken(RtspConnection connection, int channel) {
        for (RtspSession session : connection.sessions()) {
            for (int i = 0; i < 2; i++) {
                TrackOut track = session.track(i);
                if (track != null && (track.transport().rtp() == channel || track.transport().rtcp() == channel)) {
                    return true;
                }
            }
        }
        return false;
    }

    // ---------------------------------------------------------------- PLAY

    private RtspResponse play(RtspRequest request, RtspSession session) throws RtspException {
        if (!session.hasTrack(RtspPath.VIDEO) && !session.hasTrack(RtspPath.AUDIO)) {
            throw new RtspException(RtspStatus.METHOD_NOT_VALID_IN_THIS_STATE, "SETUP a track before PLAY");
        }
        String base = base(request.uri());
        if (RtspPath.parse(request.uri()) != null && RtspPath.parse(request.uri()).track() != RtspPath.AGGREGATE) {
            base = base.substring(0, base.lastIndexOf("trackID="));
        }
        List<Mp4Chunk> gop = session.camera().mp4().gop();
        Mp4Chunk first = gop.isEmpty() ? null : gop.get(0);
        StringBuilder info = new StringBuilder();
        for (int i = 0; i < 2; i++) {
            TrackOut track = session.track(i);
            if (track == null) {
                continue;
            }
            if (info.length() > 0) {
                info.append(',');
            }
            info.append("url=").append(base).append("trackID=").append(i).append(";seq=").append(track.firstSequence());
            Long timestamp = first == null ? null : i == RtspPath.VIDEO ? Long.valueOf(first.timing().decodeTime())
                    : firstAudio(gop);
            if (timestamp != null) {
                info.append(";rtptime=").append(track.stream().rtpTimestamp(timestamp));
            }
        }
        if (session.state() != RtspSession.State.PLAYING) {
            server.play(session);
        }
        return withSession(RtspResponse.ok().header("Range", "npt=0.000-").header("RTP-Info", info.toString()),
                session);
    }

    private static Long firstAudio(List<Mp4Chunk> gop) {
        for (Mp4Chunk chunk : gop) {
            if (chunk.audio() != null && !chunk.audio().samples().isEmpty()) {
                return chunk.audio().decodeTime();
            }
        }
        return null;
    }

    private RtspResponse withSession(RtspResponse response, RtspSession session) {
        return response.header("Session", session.id() + ";timeout=" + server.options().sessionTimeout().toSeconds());
    }

    // ---------------------------------------------------------------- what clients send back

    /** An interleaved frame: the client's RTCP over TCP, which keeps its session alive. */
    void interleaved(RtspConnection connection, RequestReader.Interleaved frame, long nowNanos) {
        for (RtspSession session : connection.sessions()) {
            for (int i = 0; i < 2; i++) {
                TrackOut track = session.track(i);
                if (track != null && track.transport().tcp()
                        && (track.transport().rtcp() == frame.channel() || track.transport().rtp() == frame.channel())) {
                    session.heard(nowNanos);
                    return;
                }
            }
        }
    }

    private static String printable(String text) {
        String cut = text.length() > 40 ? text.substring(0, 40) : text;
        return cut.replaceAll("[^\\x21-\\x7E]", "?");
    }
}
