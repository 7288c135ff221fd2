package org.camstream.rtp;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.camstream.mp4.AudioTimeline;

/**
 * AAC frames as RTP payloads, RFC 3640 {@code mpeg4-generic} in mode AAC-hbr (3.3.6): each payload is the
 * AU-headers-length (in bits), one 16-bit AU header per frame (13 bits of size, 3 of index, the index always
 * 0 since frames go in order), and the frames, raw (no ADTS header).
 *
 * <p>A frame goes in a packet of its own unless the packetizer is made to put several in one, up to the payload
 * limit: RFC 3640 allows it, but receivers get it wrong (ffmpeg 5.1, Debian 12's, stamps every frame of a packet
 * with the packet's time, and its muxers then refuse them), and all it saves is 16 bytes and a packet per frame,
 * some 47 a second. A packet's timestamp is its first frame's, and frames after it follow at 1024 samples each.
 * A frame bigger than the limit is cut into fragments (3.2.3), each with the one AU header stating the whole
 * frame's size, as RFC 3640 wants. The marker bit is on every packet that ends a frame: all but the leading
 * fragments of a cut one (3.2).
 *
 * <p>Immutable.
 */
public final class AacPacketizer {
    public static final int DEFAULT_PAYLOAD_LIMIT = H264Packetizer.DEFAULT_PAYLOAD_LIMIT;
    /** Room for the AU-headers-length, one AU header and one byte of a frame. */
    public static final int MIN_PAYLOAD_LIMIT = 5;
    /** The largest frame a 13-bit AU-size can state; ADTS's frame length has 13 bits too. */
    public static final int MAX_FRAME_SIZE = (1 << 13) - 1;
    static final int AU_HEADER_BITS = 16;
    /** What the 16-bit AU-headers-length can count; only empty frames would come near it. */
    private static final int MAX_FRAMES_PER_PACKET = 0xffff / AU_HEADER_BITS;

    private final int payloadLimit;
    private final int framesPerPacket;

    /** A frame a packet, in payloads of at most {@link #DEFAULT_PAYLOAD_LIMIT} bytes. */
    public AacPacketizer() {
        this(DEFAULT_PAYLOAD_LIMIT, 1);
    }

    /** @param framesPerPacket at most this many whole frames share a packet, as long as they fit the limit */
    public AacPacketizer(int payloadLimit, int framesPerPacket) {
        if (payloadLimit < MIN_PAYLOAD_LIMIT || payloadLimit > H264Packetizer.MAX_PAYLOAD_LIMIT) {
            throw new IllegalArgumentException("payload limit " + payloadLimit + ", not " + MIN_PAYLOAD_LIMIT + " to "
                    + H264Packetizer.MAX_PAYLOAD_LIMIT);
        }
        if (framesPerPacket < 1) throw new IllegalArgumentException("frames per packet " + framesPerPacket);
        this.payloadLimit = payloadLimit;
        this.framesPerPacket = Math.min(framesPerPacket, MAX_FRAMES_PER_PACKET);
    }

    public int payloadLimit() {
        return payloadLimit;
    }

    public int framesPerPacket() {
        return framesPerPacket;
    }

    /**
     * The packets of consecutive frames, in order, their payloads written into one new array.
     *
     * @param frames raw AAC frames of 1024 samples each
     * @param timestamp the first frame's time on the audio clock (the sample rate)
     */
    public List<RtpPayload> packetize(List<byte[]> frames, long timestamp) {
        for (byte[] frame : frames) {
            if (frame.length > MAX_FRAME_SIZE) {
                throw new IllegalArgumentException("an AAC frame of " + frame.length + " bytes, over "
                        + MAX_FRAME_SIZE);
            }
        }
        List<int[]> groups = groups(frames); // [first, count]: whole frames that share a packet, or one to cut
        int total = 0;
        for (int[] group : groups) {
            total = Math.addExact(total, groupBytes(frames, group[0], group[1]));
        }
        byte[] bytes = new byte[total];
        List<RtpPayload> packets = new ArrayList<>(groups.size());
        int at = 0;
        for (int[] group : groups) {
            int first = group[0];
            int count = group[1];
            long time = timestamp + (long) first * AudioTimeline.SAMPLES_PER_FRAME;
            byte[] firstFrame = frames.get(first);
            if (count == 1 && 4 + firstFrame.length > payloadLimit) {
                for (int from = 0; from < firstFrame.length; ) {
                    int n = Math.min(payloadLimit - 4, firstFrame.length - from);
                    int start = at;
                    at = auHeaders(bytes, at, 1);
                    at = auHeader(bytes, at, firstFrame.length); // the whole frame's size, in every fragment
                    System.arraycopy(firstFrame, from, bytes, at, n);
                    at += n;
                    from += n;
                    boolean last = from == firstFrame.length;
                    packets.add(new RtpPayload(RtpTrack.AUDIO, last, time, bytes, start, at - start));
                }
                continue;
            }
            int start = at;
            at = auHeaders(bytes, at, count);
            for (int i = first; i < first + count; i++) {
                at = auHeader(bytes, at, frames.get(i).length);
            }
            for (int i = first; i < first + count; i++) {
                byte[] frame = frames.get(i);
                System.arraycopy(frame, 0, bytes, at, frame.length);
                at += frame.length;
            }
            packets.add(new RtpPayload(RtpTrack.AUDIO, true, time, bytes, start, at - start));
        }
        return Collections.unmodifiableList(packets);
    }

    /** The frames cut into runs that fit a packet each; a frame too big alone is a run of its own. */
    private List<int[]> groups(List<byte[]> frames) {
        List<int[]> groups = new ArrayList<>();
        int first = 0;
        int bytes = 2;
        for (int i = 0; i < frames.size(); i++) {
            int more = 2 + frames.get(i).length;
            if (i > first && (bytes + more > payloadLimit || i - first == framesPerPacket)) {
                groups.add(new int[] {first, i - first});
                first = i;
                bytes = 2;
            }
            bytes += more;
        }
        if (first < frames.size()) {
            groups.add(new int[] {first, frames.size() - first});
        }
        return groups;
    }

    private int groupBytes(List<byte[]> frames, int first, int count) {
        int frameBytes = 0;
        for (int i = first; i < first + count; i++) {
            frameBytes += frames.get(i).length;
        }
        if (count == 1 && 4 + frameBytes > payloadLimit) {
            int room = payloadLimit - 4;
            int fragments = (frameBytes + room - 1) / room;
            return frameBytes + 4 * fragments;
        }
        return 2 + 2 * count + frameBytes;
    }

    /** The AU-headers-length: how many bits of AU headers follow. */
    private static int auHeaders(byte[] bytes, int at, int count) {
        int bits = AU_HEADER_BITS * count;
        bytes[at] = (byte) (bits >>> 8);
        bytes[at + 1] = (byte) bits;
        return at + 2;
    }

    /** One AU header: the size in the high 13 bits, then an AU-Index (or -delta) of 0. */
    private static int auHeader(byte[] bytes, int at, int size) {
        int header = size << 3;
        bytes[at] = (byte) (header >>> 8);
        bytes[at + 1] = (byte) header;
        return at + 2;
    }
}
