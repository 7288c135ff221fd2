package org.camstream.rtp;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;

/**
 * H.264 pictures as RTP payloads, RFC 6184 in packetization-mode 1 (non-interleaved): a NAL unit that fits the
 * payload limit is a packet of its own (5.6), a bigger one is cut into FU-A fragments (5.8). No STAP-A: the
 * only small NAL units a camera sends are the parameter sets, once a group of pictures, and a packet each
 * costs nothing worth the second layout a client must read.
 *
 * <p>A keyframe goes out self-contained, so that a client can start at any: the track's SPS and PPS come first
 * as packets of their own unless the picture already carries them, as the Pi's encoder and the camera's parser
 * see to. Access unit delimiters and filler data are dropped (RFC 6184 does not forbid them, but they are
 * padding to a client, which finds a picture's end by the marker bit), and so are NAL types 0 and 24 to 31,
 * which H.264 leaves unspecified and RTP gives other meanings. Every packet of a picture has the picture's
 * timestamp, and the last has the marker bit (5.1).
 *
 * <p>Immutable: one packetizer serves every picture of every camera.
 */
public final class H264Packetizer {
    /** Payload bytes a packet may have unless told otherwise: with IP, UDP and RTP headers well under any MTU. */
    public static final int DEFAULT_PAYLOAD_LIMIT = 1200;
    /** Room for an FU-A's two header bytes and one byte of its NAL unit. */
    public static final int MIN_PAYLOAD_LIMIT = 3;
    /** What the 16-bit length of an RTSP interleaved frame leaves for a payload beside the RTP header. */
    public static final int MAX_PAYLOAD_LIMIT = 65_535 - RtpPayload.HEADER_SIZE;
    static final int FU_A = 28;
    private static final int FU_START = 0x80;
    private static final int FU_END = 0x40;

    private final int payloadLimit;

    public H264Packetizer() {
        this(DEFAULT_PAYLOAD_LIMIT);
    }

    public H264Packetizer(int payloadLimit) {
        if (payloadLimit < MIN_PAYLOAD_LIMIT || payloadLimit > MAX_PAYLOAD_LIMIT) {
            throw new IllegalArgumentException("payload limit " + payloadLimit + ", not " + MIN_PAYLOAD_LIMIT + " to "
                    + MAX_PAYLOAD_LIMIT);
        }
        this.payloadLimit = payloadLimit;
    }

    public int payloadLimit() {
        return payloadLimit;
    }

    /**
     * The packets of one picture, in sending order, their payloads written into one new array.
     *
     * @param sps the track's SPS, sent before a keyframe that has none of its own
     * @param pps the track's PPS, likewise
     * @param timestamp the picture's time on the 90 kHz clock: its decode time, which is also its presentation
     *     time, since the camera's stream has no B-frames
     * @return no packets for a picture with nothing to send (only delimiters, say)
     */
    public List<RtpPayload> packetize(AccessUnit au, NalUnit sps, NalUnit pps, long timestamp) {
        List<NalUnit> nals = toSend(au, sps, pps);
        int total = 0;
        for (NalUnit nal : nals) {
            total = Math.addExact(total, payloadBytes(nal));
        }
        byte[] bytes = new byte[total];
        List<RtpPayload> packets = new ArrayList<>(nals.size() + total / payloadLimit);
        int at = 0;
        for (int i = 0; i < nals.size(); i++) {
            NalUnit nal = nals.get(i);
            boolean lastNal = i == nals.size() - 1;
            if (nal.size() <= payloadLimit) {
                nal.copyTo(bytes, at);
                packets.add(new RtpPayload(RtpTrack.VIDEO, lastNal, timestamp, bytes, at, nal.size()));
                at += nal.size();
                continue;
            }
            // FU-A: the NAL header's F and NRI bits go into the FU indicator, its type into the FU header, and
            // the header byte itself is not sent; the client rebuilds it from the two.
            ByteBuffer source = nal.asByteBuffer();
            int header = source.get(0) & 0xff;
            byte indicator = (byte) ((header & 0xe0) | FU_A);
            int type = header & 0x1f;
            int room = payloadLimit - 2;
            for (int from = 1; from < nal.size(); ) {
                int n = Math.min(room, nal.size() - from);
                boolean end = from + n == nal.size();
                bytes[at] = indicator;
                bytes[at + 1] = (byte) ((from == 1 ? FU_START : 0) | (end ? FU_END : 0) | type);
                source.get(from, bytes, at + 2, n);
                packets.add(new RtpPayload(RtpTrack.VIDEO, lastNal && end, timestamp, bytes, at, n + 2));
                at += n + 2;
                from += n;
            }
        }
        return Collections.unmodifiableList(packets);
    }

    /** The NAL units to send, in order: the picture's, less what is dropped, with any parameter sets it lacks. */
    private static List<NalUnit> toSend(AccessUnit au, NalUnit sps, NalUnit pps) {
        boolean needSps = au.isKeyframe() && au.sps() == null;
        boolean needPps = au.isKeyframe() && au.pps() == null;
        List<NalUnit> nals = new ArrayList<>(au.nalUnits().size() + 2);
        if (needSps) {
            nals.add(parameterSet(sps, NalUnit.SPS));
            if (needPps) {
                nals.add(parameterSet(pps, NalUnit.PPS));
                needPps = false;
            }
        }
        for (NalUnit nal : au.nalUnits()) {
            if (sent(nal)) {
                nals.add(nal);
            }
            if (needPps && nal.type() == NalUnit.SPS) {
                // Right after the picture's own SPS: a PPS names the SPS it belongs to.
                nals.add(parameterSet(pps, NalUnit.PPS));
                needPps = false;
            }
        }
        return nals;
    }

    private static NalUnit parameterSet(NalUnit nal, int type) {
        Objects.requireNonNull(nal, "a keyframe without its parameter sets needs the track's");
        if (nal.type() != type) {
            throw new IllegalArgumentException("not a " + (type == NalUnit.SPS ? "SPS" : "PPS") + ": " + nal);
        }
        return nal;
    }

    private static boolean sent(NalUnit nal) {
        int type = nal.type();
        return type != NalUnit.AUD && type != NalUnit.FILLER && type != NalUnit.UNSPECIFIED && type < 24;
    }

    /** The payload bytes {@code nal} takes: itself, or its body after the header byte in FU-As of 2 bytes' header. */
    private int payloadBytes(NalUnit nal) {
        if (nal.size() <= payloadLimit) return nal.size();
        int body = nal.size() - 1;
        int fragments = (body + payloadLimit - 3) / (payloadLimit - 2);
        return body + 2 * fragments;
    }
}
