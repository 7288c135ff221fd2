package org.camstream.stream;

import java.util.List;
import java.util.Objects;
import java.util.function.LongSupplier;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.AvcCodecString;
import org.camstream.codec.h264.CodedPicture;
import org.camstream.codec.h264.ParameterSetCache;
import org.camstream.codec.h264.Sps;
import org.camstream.mp4.AudioRun;
import org.camstream.mp4.AudioSample;
import org.camstream.mp4.AudioTimeline;
import org.camstream.mp4.Fmp4Muxer;
import org.camstream.mp4.FragmentTimeline;
import org.camstream.mp4.InitSegment;

/**
 * Everything made from the camera's H.264 pictures, once per picture and shared by every viewer: the Annex
 * B frames of {@code /stream.h264}, and the fMP4 fragments of {@code /stream.mp4} and the WebSocket. Each
 * has its GOP cache. Frames arrive on one thread, the camera's (or the transcoder's) reader.
 *
 * <p>With sound on, each picture's fragment also carries the AAC frames that arrived since the one before
 * (from {@link #audioInbox()}), placed on the audio track by an {@link AudioTimeline}: so the sound reaches
 * every MP4-based format, its GOP cache and HLS with no second fan-out, and raw H.264 stays video-only.
 */
public final class H264Pipeline implements FrameSink {

    private final GopFanOut<Frame> annexB = new GopFanOut<>();
    private final GopFanOut<Mp4Chunk> mp4 = new GopFanOut<>();
    private final Fmp4Muxer muxer;
    private final RateMeter throughput = RateMeter.forFrames();
    private final AudioInbox audioInbox = new AudioInbox();
    private final LongSupplier nanoClock;
    private volatile VideoTrack track;
    private volatile AudioSpecificConfig audioFormat;
    private volatile AudioTimeline audioTimeline; // volatile for the status; written on the frames' thread only
    private long generation;
    /** The parameter sets the current track was made from; touched on the frames' thread only. */
    private ParameterSetCache.Snapshot trackParameters;

    public H264Pipeline(double fps) {
        this(fps, FragmentTimeline.DEFAULT_MAX_DURATION, System::nanoTime);
    }

    /** @param nanoClock the monotonic clock frames are stamped on, to tell lost sound from late sound */
    public H264Pipeline(double fps, LongSupplier nanoClock) {
        this(fps, FragmentTimeline.DEFAULT_MAX_DURATION, nanoClock);
    }

    /**
     * @param longestSample the longest a picture may last on the timeline, in its ticks: a picture that comes
     *     later than that after the one before follows a gap, which the timeline skips (see {@link FragmentTimeline})
     */
    public H264Pipeline(double fps, int longestSample, LongSupplier nanoClock) {
        this.muxer = new Fmp4Muxer(FragmentTimeline.forFrameRate(fps, longestSample));
        this.nanoClock = nanoClock;
    }

    /** A new longest sample, for a new frame rate; from any thread, from the next picture on. */
    public void limitSamples(int longestSample) {
        muxer.timeline().limit(longestSample);
    }

    /**
     * Whether the fragments carry sound, and in which format (null for none). Takes effect at the next
     * keyframe, with a new track generation, since the init segment changes.
     */
    public void setAudio(AudioSpecificConfig format) {
        audioFormat = format;
        if (format == null) {
            audioInbox.clear();
        }
    }

    /** Where the sound's frames go, to be carried by the next picture's fragment. */
    public AudioInbox audioInbox() {
        return audioInbox;
    }

    /**
     * A picture from the camera's parser: its NAL units and parameter sets come with it, so nothing is parsed
     * here again. A keyframe whose SPS or PPS differs from the track's starts a new track generation.
     */
    @Override
    public void onFrame(Frame frame) {
        CodedPicture picture = Objects.requireNonNull(frame.picture(), "an H.264 frame from the camera's parser");
        AccessUnit au = picture.accessUnit();
        if (frame.isKeyframe()) {
            ParameterSetCache.Snapshot params = picture.parameters();
            boolean changed = !sameParameters(params, trackParameters);
            AudioSpecificConfig audio = audioFormat;
            boolean audioChanged = track != null && !Objects.equals(audio, track.init().audio());
            if ((changed || audioChanged || track == null) && params.isComplete()) {
                trackParameters = params;
                Sps sps = params.sps();
                if (audio != null && (track == null || track.init().audio() == null)) {
                    audioTimeline = new AudioTimeline(audio.sampleRate(), SILENCE, LOST_AUDIO_NANOS);
                }
                track = new VideoTrack(InitSegment.of(sps, params.pps(), audio), AvcCodecString.of(sps), sps.width(),
                        sps.height(), ++generation);
            }
        }
        VideoTrack current = track;
        if (current == null) {
            return; // nothing decodable before the first keyframe
        }
        Fmp4Muxer.Slot slot = muxer.next(frame.captureNanos());
        AudioRun audio = null;
        if (current.init().audio() != null) {
            List<AudioSample> arrived = audioInbox.drain();
            audio = audioTimeline.place(arrived, muxer.timeline(), slot.timing(), frame.captureEpochMicros(),
                    nanoClock.getAsLong());
        }
        Mp4Chunk fragment = new Mp4Chunk(au, slot, frame.captureEpochMicros(), current, frame.sequence(), audio);
        throughput.mark(frame.captureNanos(), frame.size());
        annexB.publish(frame);
        mp4.publish(fragment);
    }

    @Override
    public void onCameraStopped() {
        annexB.clear();
        mp4.clear();
    }

    private static boolean sameParameters(ParameterSetCache.Snapshot a, ParameterSetCache.Snapshot b) {
        return a != null && b != null && a.isComplete() && b.isComplete() && a.sps().nal().equals(b.sps().nal())
                && a.pps().equals(b.pps());
    }

    /** One AAC-LC frame of silence at 48 kHz, mono: what ffmpeg's encoder makes of digital silence. */
    private static final byte[] SILENCE = {0x01, 0x18, 0x20, 0x07};
    /** No sound for this long counts as lost, and is filled with silence: a little over the encoder's delay. */
    static final long LOST_AUDIO_NANOS = 400_000_000L;

    /** Frames of sound given up for being too late or out of place, and frames of silence put in. */
    public AudioCorrections audioCorrections() {
        AudioTimeline timeline = audioTimeline;
        return timeline == null ? new AudioCorrections(0, 0) : new AudioCorrections(timeline.dropped(), timeline.filled());
    }

    /** What the muxer did to the sound to keep it in step: frames dropped, and frames of silence filled in. */
    public record AudioCorrections(long dropped, long filled) {
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
