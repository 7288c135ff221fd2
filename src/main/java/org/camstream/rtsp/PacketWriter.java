package org.camstream.rtsp;

import java.nio.ByteBuffer;
import java.util.List;
import org.camstream.rtp.RtcpSenderReport;
import org.camstream.rtp.RtpPayload;
import org.camstream.rtp.RtpPicture;
import org.camstream.rtp.RtpTrack;
import org.camstream.stream.Mp4Chunk;

/**
 * Puts a picture's shared packets on a client's way, each behind the client's own header: interleaved on its
 * TCP connection ({@code $}, channel, length, RTP header, payload, in one gathering write), or as UDP datagrams,
 * a bounded number of bytes per turn so that the cached GOP a new client starts with does not overflow its
 * socket. Sender reports go with the pictures, every few seconds per track. Used on the server's thread only.
 */
final class PacketWriter {

    private static final int INTERLEAVED_HEADER = 4;
    private final ByteBuffer udpHeader = ByteBuffer.allocate(RtpPayload.HEADER_SIZE);

    /** Fills the connection's write array with the next picture of a TCP session. */
    void interleave(RtspConnection connection, RtspSession session, Mp4Chunk chunk, long nowNanos,
            long reportInterval) {
        RtpPicture picture = chunk.rtp();
        TrackOut audio = session.track(RtspPath.AUDIO);
        TrackOut video = session.track(RtspPath.VIDEO);
        List<RtpPayload> sound = audio == null ? List.of() : picture.audio();
        List<RtpPayload> pictures = video == null ? List.of() : picture.video();
        int packets = sound.size() + pictures.size();
        ByteBuffer[] buffers = connection.mediaArray(2 * packets + 2);
        ByteBuffer headers = connection.headerScratch(packets * (INTERLEAVED_HEADER + RtpPayload.HEADER_SIZE));
        int count = 0;
        count = frames(buffers, count, headers, sound, audio);
        count = frames(buffers, count, headers, pictures, video);
        for (TrackOut track : new TrackOut[] {video, audio}) {
            if (track != null) {
                track.sent(picture.time(track.track()));
                if (track.reportDue(nowNanos, reportInterval)) {
                    ByteBuffer report = report(session, track);
                    ByteBuffer framed = ByteBuffer.allocate(INTERLEAVED_HEADER + report.remaining());
                    framed.put((byte) '$').put((byte) track.transport().rtcp()).putShort((short) report.remaining())
                            .put(report).flip();
                    buffers[count++] = framed;
                    track.reported(nowNanos);
                }
            }
        }
        connection.mediaReady(count);
    }

    private static int frames(ByteBuffer[] buffers, int count, ByteBuffer headers, List<RtpPayload> packets,
            TrackOut track) {
        for (RtpPayload packet : packets) {
            int start = headers.position();
            headers.put((byte) '$').put((byte) track.transport().rtp())
                    .putShort((short) (RtpPayload.HEADER_SIZE + packet.size()));
            track.stream().writeHeader(headers, packet);
            buffers[count++] = headers.slice(start, INTERLEAVED_HEADER + RtpPayload.HEADER_SIZE);
            buffers[count++] = packet.payload();
        }
        return count;
    }

    /**
     * Sends a UDP session's waiting packets, at most {@code budget} payload bytes of them.
     *
     * @return whether more waits, for the next turn
     */
    boolean sendUdp(UdpPorts udp, RtspSession session, int budget, long nowNanos, long reportInterval) {
        int left = budget;
        while (left > 0) {
            RtspSession.Cursor cursor = session.cursor();
            if (cursor == null) {
                Mp4Chunk chunk = session.take();
                if (chunk == null) {
                    return false;
                }
                cursor = session.startCursor(chunk.rtp());
            }
            RtpPicture picture = cursor.picture();
            TrackOut audio = session.track(RtspPath.AUDIO);
            TrackOut video = session.track(RtspPath.VIDEO);
            List<RtpPayload> sound = audio == null ? List.of() : picture.audio();
            List<RtpPayload> pictures = video == null ? List.of() : picture.video();
            while (cursor.next() < sound.size() + pictures.size() && left > 0) {
                int i = cursor.next();
                boolean isSound = i < sound.size();
                RtpPayload packet = isSound ? sound.get(i) : pictures.get(i - sound.size());
                TrackOut track = isSound ? audio : video;
                udpHeader.clear();
                track.stream().writeHeader(udpHeader, packet);
                udpHeader.flip();
                if (!udp.sendRtp(udpHeader, packet.payload(), track.rtpTarget())) {
                    track.dropped();
                }
                left -= packet.size();
                cursor.advance();
            }
            if (cursor.next() < sound.size() + pictures.size()) {
                return true;
            }
            session.endCursor();
            for (TrackOut track : new TrackOut[] {video, audio}) {
                if (track != null) {
                    track.sent(picture.time(track.track()));
                    if (track.reportDue(nowNanos, reportInterval)) {
                        udp.sendRtcp(report(session, track), track.rtcpTarget());
                        track.reported(nowNanos);
                    }
                }
            }
        }
        return true;
    }

    private static ByteBuffer report(RtspSession session, TrackOut track) {
        RtcpSenderReport report = track.stream().senderReport(track.latest(), System.currentTimeMillis() * 1000,
                session.cname());
        return report.toByteBuffer();
    }

    static RtpTrack trackOf(int index) {
        return index == RtspPath.AUDIO ? RtpTrack.AUDIO : RtpTrack.VIDEO;
    }
}
