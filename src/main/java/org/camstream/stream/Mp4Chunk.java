package org.camstream.stream;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.mp4.AudioRun;
import org.camstream.mp4.Fmp4Muxer;
import org.camstream.mp4.Fragment;
import org.camstream.mp4.FragmentWriter;
import org.camstream.mp4.SampleTiming;
import org.camstream.rtp.RtpPicture;

/**
 * One fMP4 media fragment of a frame, with the track it belongs to; shared by every MP4 and WebSocket viewer.
 * Its bytes are written once, when the first viewer needs them, so a camera nobody watches in MP4 costs no
 * copy per frame.
 */
public final class Mp4Chunk implements Chunk {

    private final AccessUnit au;
    private final Fmp4Muxer.Slot slot;
    private final long captureEpochMicros;
    private final VideoTrack track;
    private final long sequence;
    private final AudioRun audio;
    private final int size;
    private volatile Fragment fragment;
    private volatile RtpPicture rtp;

    Mp4Chunk(AccessUnit au, Fmp4Muxer.Slot slot, long captureEpochMicros, VideoTrack track, long sequence,
            AudioRun audio) {
        this.au = au;
        this.slot = slot;
        this.captureEpochMicros = captureEpochMicros;
        this.track = track;
        this.sequence = sequence;
        this.audio = audio;
        this.size = FragmentWriter.size(au, audio);
    }

    /** The sound this fragment carries beside its picture, or null. */
    public AudioRun audio() {
        return audio;
    }

    public VideoTrack track() {
        return track;
    }

    /** When the picture was captured, in Unix microseconds: what the fragment's 'prft' says. */
    public long captureEpochMicros() {
        return captureEpochMicros;
    }

    /**
     * When the sample's place on the track timeline was, on the wall clock: its capture time less its lag (see
     * {@link SampleTiming#lag()}). Between gaps these advance exactly as the decode times do, so the dates made
     * from them (HLS's PROGRAM-DATE-TIME, RTCP's mapping of RTP time) agree with the durations, even where a
     * picture came a stall late.
     */
    public long timelineEpochMicros() {
        return captureEpochMicros - slot.timing().lagMicros();
    }

    /** The sample's place on the track timeline, known before the fragment's bytes are written. */
    public SampleTiming timing() {
        return slot.timing();
    }

    @Override
    public ByteBuffer asByteBuffer() {
        return fragment().asByteBuffer();
    }

    private Fragment fragment() {
        Fragment written = fragment;
        if (written == null) {
            synchronized (this) {
                written = fragment;
                if (written == null) {
                    written = FragmentWriter.write(slot.sequenceNumber(), slot.timing(), captureEpochMicros, au, audio);
                    fragment = written;
                }
            }
        }
        return written;
    }

    /**
     * The picture and its sound as RTP packets, made like the fragment: once, when the first RTSP client needs
     * them, and shared by every client, so a camera nobody watches over RTSP costs no copy per frame.
     */
    public RtpPicture rtp() {
        RtpPicture made = rtp;
        if (made == null) {
            synchronized (this) {
                made = rtp;
                if (made == null) {
                    made = RtpPicture.of(au, track.init(), slot.timing(), timelineEpochMicros(), audio);
                    rtp = made;
                }
            }
        }
        return made;
    }

    @Override
    public long sequence() {
        return sequence;
    }

    @Override
    public int size() {
        return size;
    }

    @Override
    public boolean isKeyframe() {
        return au.isKeyframe();
    }

    @Override
    public void writeTo(OutputStream out) throws IOException {
        fragment().writeTo(out);
    }
}
