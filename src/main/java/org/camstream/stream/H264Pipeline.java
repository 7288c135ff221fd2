package org.camstream.stream;

import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.AvcCodecString;
import org.camstream.codec.h264.ParameterSetCache;
import org.camstream.codec.h264.Sps;
import org.camstream.mp4.Fmp4Muxer;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.mp4.InitSegment;

/**
 * Everything made from the camera's H.264 pictures, once per picture and shared by every viewer: the Annex
 * B frames of {@code /stream.h264}, and the fMP4 fragments of {@code /stream.mp4} and the WebSocket. Each
 * has its GOP cache. Frames arrive on one thread, the camera's (or the transcoder's) reader.
 */
public final class H264Pipeline implements FrameSink {

    private final GopFanOut<Frame> annexB = new GopFanOut<>();
    private final GopFanOut<Mp4Chunk> mp4 = new GopFanOut<>();
    private final ParameterSetCache parameters = new ParameterSetCache();
    private final Fmp4Muxer muxer;
    private final RateMeter throughput = RateMeter.forFrames();
    private volatile VideoTrack track;
    private long generation;

    public H264Pipeline(double fps) {
        this.muxer = new Fmp4Muxer(FragmentTimeline.forFrameRate(fps));
    }

    @Override
    public void onFrame(Frame frame) {
        AccessUnit au = AccessUnit.fromAnnexB(frame.bytes());
        if (frame.isKeyframe()) {
            boolean changed = parameters.update(au);
            ParameterSetCache.Snapshot params = parameters.snapshot();
            if ((changed || track == null) && params.isComplete()) {
                Sps sps = params.sps();
                track = new VideoTrack(InitSegment.of(sps, params.pps()), AvcCodecString.of(sps), sps.width(),
                        sps.height(), ++generation);
            }
        }
        VideoTrack current = track;
        if (current == null) {
            return; // nothing decodable before the first keyframe
        }
        Mp4Chunk fragment = new Mp4Chunk(au, muxer.next(frame.captureNanos()), frame.captureEpochMicros(), current,
                frame.sequence());
        throughput.mark(frame.captureNanos(), frame.size());
        annexB.publish(frame);
        mp4.publish(fragment);
    }

    @Override
    public void onCameraStopped() {
        annexB.clear();
        mp4.clear();
    }

    /** Raw H.264 frames; keyframes carry their SPS and PPS. */
    public GopFanOut<Frame> annexB() {
        return annexB;
    }

    public GopFanOut<Mp4Chunk> mp4() {
        return mp4;
    }

    /** The H.264 stream's bitrate over the last two seconds. */
    public long measuredBitrate() {
        return throughput.bitsPerSecond(System.nanoTime());
    }

    /** The current track, or null before the first keyframe. */
    public VideoTrack track() {
        return track;
    }
}
