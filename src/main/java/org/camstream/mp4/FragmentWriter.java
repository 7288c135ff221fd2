package org.camstream.mp4;

import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;

/**
 * Writes one access unit as one movie fragment: {@code prft moof{mfhd traf{tfhd tfdt trun}} mdat}; with sound,
 * the AAC frames that arrived with it too, in a second 'traf' and after the picture in the same 'mdat', with a
 * second 'prft' for the audio track: {@code prft prft moof{mfhd traf traf} mdat}. One fragment a picture keeps
 * the delay of the sound to at most a frame interval, and every fragment holds both tracks, so a player can
 * start at any keyframe with both.
 *
 * <p>The fragment is written into a single array of exactly the right size, computed first; the
 * NAL units are copied once, straight from the parser's arrays into their place in 'mdat'.
 *
 * <p>The sample holds the picture's NAL units with 4-byte lengths, minus SPS, PPS and access unit
 * delimiters: an 'avc1' track carries its parameter sets in 'avcC' (the init segment), and a
 * changed SPS or PPS calls for a new init segment, not an in-band copy.
 */
public final class FragmentWriter {
    private static final int PRFT = BoxWriter.fourcc("prft");
    private static final int MOOF = BoxWriter.fourcc("moof");
    private static final int MFHD = BoxWriter.fourcc("mfhd");
    private static final int TRAF = BoxWriter.fourcc("traf");
    private static final int TFHD = BoxWriter.fourcc("tfhd");
    private static final int TFDT = BoxWriter.fourcc("tfdt");
    private static final int TRUN = BoxWriter.fourcc("trun");
    private static final int MDAT = BoxWriter.fourcc("mdat");

    static final int PRFT_SIZE = 32;
    // moof 8 + mfhd 16 + traf 8 + tfhd 16 + tfdt 20 + trun 32
    static final int MOOF_SIZE = 100;
    // traf 8 + tfhd 20 (with default-sample-duration) + tfdt 20 + trun 20, then 4 a sample
    private static final int AUDIO_TRAF_SIZE = 68;
    private static final int TFHD_DEFAULT_DURATION = 0x000008;
    // data-offset | sample-size present; durations from the tfhd, flags from the trex (sync samples)
    private static final int AUDIO_TRUN_FLAGS = 0x000001 | 0x000200;
    private static final int TFHD_DEFAULT_BASE_IS_MOOF = 0x020000;
    // data-offset | sample-duration | sample-size | sample-flags present
    private static final int TRUN_FLAGS = 0x000001 | 0x000100 | 0x000200 | 0x000400;
    // Sample flags (14496-12 8.8.3.1): sample_depends_on 2 (an I picture); or sample_depends_on 1
    // and sample_is_non_sync_sample.
    static final int SYNC_SAMPLE_FLAGS = 0x0200_0000;
    static final int NON_SYNC_SAMPLE_FLAGS = 0x0101_0000;
    /**
     * prft flags 24 (bits 8 and 16): by ISO/IEC 14496-12:2022 8.16.5 as read by the open-source
     * parsers we checked (mp4-atom's prft box), the UTC time has a consistent, small offset from
     * the real-time of the experience depicted in the media at media_time, i.e. it is the capture
     * time. That is what the server passes in. ffmpeg writes 24 for its wall-clock prft as well.
     */
    static final int PRFT_FLAGS_CAPTURE_TIME = 24;

    private FragmentWriter() {}

    /**
     * The fragment for {@code au}, numbered {@code sequenceNumber} (from 1, increasing), placed at
     * {@code timing}, and captured at {@code captureEpochMicros} (wall clock, for 'prft').
     */
    public static Fragment write(int sequenceNumber, SampleTiming timing, long captureEpochMicros, AccessUnit au) {
        return write(sequenceNumber, timing, captureEpochMicros, au, null);
    }

    /** The same, with {@code audio} (null for none) in the same fragment. */
    public static Fragment write(int sequenceNumber, SampleTiming timing, long captureEpochMicros, AccessUnit au,
            AudioRun audio) {
        if (!au.hasPicture()) throw new IllegalArgumentException("no picture in " + au);
        int sampleSize = sampleSize(au);
        int moofSize = moofSize(audio);
        byte[] bytes = new byte[Math.addExact(Math.addExact(prftSize(audio) + moofSize + 8, sampleSize),
                audio == null ? 0 : audio.payloadBytes())];
        BoxWriter w = new BoxWriter(bytes);

        // prft goes right before the moof it describes; the video's first, for players that read only one.
        int prft = w.startFull(PRFT, 1, PRFT_FLAGS_CAPTURE_TIME);
        w.u32(InitSegment.TRACK_ID).u64(NtpTime.fromEpochMicros(captureEpochMicros)).u64(timing.decodeTime());
        w.end(prft);
        if (audio != null) {
            int audioPrft = w.startFull(PRFT, 1, PRFT_FLAGS_CAPTURE_TIME);
            w.u32(InitSegment.AUDIO_TRACK_ID).u64(NtpTime.fromEpochMicros(audio.captureEpochMicros()))
                    .u64(audio.decodeTime());
            w.end(audioPrft);
        }

        int moof = w.start(MOOF);
        int mfhd = w.startFull(MFHD, 0, 0);
        w.u32(sequenceNumber);
        w.end(mfhd);
        int traf = w.start(TRAF);
        int tfhd = w.startFull(TFHD, 0, TFHD_DEFAULT_BASE_IS_MOOF);
        w.u32(InitSegment.TRACK_ID);
        w.end(tfhd);
        int tfdt = w.startFull(TFDT, 1, 0);
        w.u64(timing.decodeTime());
        w.end(tfdt);
        int trun = w.startFull(TRUN, 0, TRUN_FLAGS);
        w.u32(1); // sample_count
        w.u32(moofSize + 8); // data_offset: from the moof's first byte to the mdat payload
        w.u32(timing.duration()).u32(sampleSize);
        w.u32(au.isKeyframe() ? SYNC_SAMPLE_FLAGS : NON_SYNC_SAMPLE_FLAGS);
        w.end(trun);
        w.end(traf);
        if (audio != null) {
            writeAudioTraf(w, audio, moofSize + 8 + sampleSize);
        }
        w.end(moof);

        int mdat = w.start(MDAT);
        for (NalUnit nal : au.nalUnits()) {
            if (inSample(nal)) w.u32(nal.size()).nal(nal);
        }
        if (audio != null) {
            for (byte[] sample : audio.samples()) w.bytes(sample);
        }
        w.end(mdat);
        if (w.position() != bytes.length || mdat - moof != moofSize) {
            throw new AssertionError("fragment size " + w.position() + " != " + bytes.length);
        }
        return new Fragment(bytes, sequenceNumber, timing, au.isKeyframe());
    }

    private static void writeAudioTraf(BoxWriter w, AudioRun audio, int dataOffset) {
        int traf = w.start(TRAF);
        int tfhd = w.startFull(TFHD, 0, TFHD_DEFAULT_BASE_IS_MOOF | TFHD_DEFAULT_DURATION);
        w.u32(InitSegment.AUDIO_TRACK_ID).u32(AudioTimeline.SAMPLES_PER_FRAME);
        w.end(tfhd);
        int tfdt = w.startFull(TFDT, 1, 0);
        w.u64(audio.decodeTime());
        w.end(tfdt);
        int trun = w.startFull(TRUN, 0, AUDIO_TRUN_FLAGS);
        w.u32(audio.samples().size());
        w.u32(dataOffset);
        for (byte[] sample : audio.samples()) w.u32(sample.length);
        w.end(trun);
        w.end(traf);
    }

    /** The size {@link #write} will give the fragment of {@code au}, without writing it. */
    public static int size(AccessUnit au) {
        return PRFT_SIZE + MOOF_SIZE + 8 + sampleSize(au);
    }

    /** The size {@link #write} will give the fragment of {@code au} with {@code audio}, without writing it. */
    public static int size(AccessUnit au, AudioRun audio) {
        return prftSize(audio) + moofSize(audio) + 8 + sampleSize(au) + (audio == null ? 0 : audio.payloadBytes());
    }

    private static int prftSize(AudioRun audio) {
        return audio == null ? PRFT_SIZE : 2 * PRFT_SIZE;
    }

    private static int moofSize(AudioRun audio) {
        return audio == null ? MOOF_SIZE : MOOF_SIZE + AUDIO_TRAF_SIZE + 4 * audio.samples().size();
    }

    private static int sampleSize(AccessUnit au) {
        int sampleSize = 0;
        for (NalUnit nal : au.nalUnits()) {
            if (inSample(nal)) sampleSize = Math.addExact(sampleSize, 4 + nal.size());
        }
        return sampleSize;
    }

    private static boolean inSample(NalUnit nal) {
        int type = nal.type();
        return type != NalUnit.SPS && type != NalUnit.PPS && type != NalUnit.AUD;
    }
}
