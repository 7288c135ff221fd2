package org.camstream.rtp;

import java.util.List;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.mp4.AudioRun;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.mp4.InitSegment;
import org.camstream.mp4.SampleTiming;

/**
 * One picture as RTP, made once and shared by every RTSP client: its video packets, the packets of the sound
 * that came with it (often none), and when both were captured, for the sender reports. A client adds only
 * its own headers.
 *
 * <p>Immutable.
 */
public final class RtpPicture {
    private static final H264Packetizer H264 = new H264Packetizer();
    private static final AacPacketizer AAC = new AacPacketizer();

    private final List<RtpPayload> video;
    private final List<RtpPayload> audio;
    private final RtpTime videoTime;
    private final RtpTime audioTime;
    private final boolean keyframe;
    private final int payloadBytes;

    private RtpPicture(List<RtpPayload> video, List<RtpPayload> audio, RtpTime videoTime, RtpTime audioTime,
            boolean keyframe) {
        this.video = video;
        this.audio = audio;
        this.videoTime = videoTime;
        this.audioTime = audioTime;
        this.keyframe = keyframe;
        int bytes = 0;
        for (RtpPayload packet : video) bytes = Math.addExact(bytes, packet.size());
        for (RtpPayload packet : audio) bytes = Math.addExact(bytes, packet.size());
        this.payloadBytes = bytes;
    }

    /**
     * The packets of a picture with the default payload limits.
     *
     * @param epochMicros the wall-clock time of its place on the timeline, which sender reports map its
     *     timestamp to (see {@code Mp4Chunk#timelineEpochMicros})
     */
    public static RtpPicture of(AccessUnit au, InitSegment init, SampleTiming timing, long epochMicros,
            AudioRun audio) {
        return of(H264, AAC, au, init, timing, epochMicros, audio);
    }

    /**
     * The packets of a picture and its sound.
     *
     * @param init the track's, whose SPS and PPS go before a keyframe that lacks its own, and whose sound
     *     format gives the audio clock
     * @param timing the picture's place on the 90 kHz track, whose decode time is its timestamp
     * @param audio the sound carried with the picture, on the audio clock; null for none
     */
    public static RtpPicture of(H264Packetizer h264, AacPacketizer aac, AccessUnit au, InitSegment init,
            SampleTiming timing, long captureEpochMicros, AudioRun audio) {
        List<RtpPayload> video = h264.packetize(au, init.sps().nal(), init.pps(), timing.decodeTime());
        RtpTime videoTime = new RtpTime(timing.decodeTime(), captureEpochMicros, FragmentTimeline.TIMESCALE);
        AudioSpecificConfig format = init.audio();
        if (audio == null || format == null) {
            return new RtpPicture(video, List.of(), videoTime, null, au.isKeyframe());
        }
        List<RtpPayload> sound = aac.packetize(audio.samples(), audio.decodeTime());
        RtpTime audioTime = new RtpTime(audio.decodeTime(), audio.captureEpochMicros(), format.sampleRate());
        return new RtpPicture(video, sound, videoTime, audioTime, au.isKeyframe());
    }

    /** The picture's packets, in order; the last has the marker bit. Unmodifiable. */
    public List<RtpPayload> video() {
        return video;
    }

    /** The packets of the sound that came with the picture, in order; empty for none. Unmodifiable. */
    public List<RtpPayload> audio() {
        return audio;
    }

    /** The packets of {@code track}. */
    public List<RtpPayload> packets(RtpTrack track) {
        return track == RtpTrack.VIDEO ? video : audio;
    }

    /** The picture's timestamp on the 90 kHz clock, before a client's offset. */
    public long timestamp() {
        return videoTime.timestamp();
    }

    /** When the picture was captured, in Unix microseconds. */
    public long captureEpochMicros() {
        return videoTime.epochMicros();
    }

    /** The picture's timestamp and capture time, for the video track's sender reports. */
    public RtpTime videoTime() {
        return videoTime;
    }

    /** The first sound frame's timestamp (on the sample rate's clock) and capture time; null without sound. */
    public RtpTime audioTime() {
        return audioTime;
    }

    /** The time of {@code track}'s first packet here, or null when this picture has none of that track. */
    public RtpTime time(RtpTrack track) {
        return track == RtpTrack.VIDEO ? videoTime : audioTime;
    }

    /** Whether a client can start here: an IDR picture, which goes out with its parameter sets. */
    public boolean isKeyframe() {
        return keyframe;
    }

    /** The payload bytes of all the packets, headers not counted: what the picture costs a client's queue. */
    public int payloadBytes() {
        return payloadBytes;
    }

    /** The number of packets, of both tracks. */
    public int packetCount() {
        return video.size() + audio.size();
    }

    @Override
    public String toString() {
        return "RtpPicture[" + (keyframe ? "key, " : "") + "ts=" + timestamp() + ", " + video.size() + " video and "
                + audio.size() + " audio packets, " + payloadBytes + " bytes]";
    }
}
