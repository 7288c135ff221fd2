package org.camstream.mp4;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.util.Objects;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.codec.h264.AvcCodecString;
import org.camstream.codec.h264.NalUnit;
import org.camstream.codec.h264.Sps;

/**
 * The initialization segment of a fragmented MP4 stream with one H.264 video track, and an AAC audio
 * track when there is sound: 'ftyp' and a 'moov' with no samples, whose 'mvex' announces that movie
 * fragments follow. A decoder needs it once, before the first fragment; it must be rebuilt when the SPS
 * or PPS change.
 *
 * <p>Immutable; the bytes can be shared by every viewer.
 */
public final class InitSegment {
    public static final int TRACK_ID = 1;
    public static final int AUDIO_TRACK_ID = 2;

    private static final int FTYP = BoxWriter.fourcc("ftyp");
    private static final int MOOV = BoxWriter.fourcc("moov");
    private static final int MVHD = BoxWriter.fourcc("mvhd");
    private static final int TRAK = BoxWriter.fourcc("trak");
    private static final int TKHD = BoxWriter.fourcc("tkhd");
    private static final int MDIA = BoxWriter.fourcc("mdia");
    private static final int MDHD = BoxWriter.fourcc("mdhd");
    private static final int HDLR = BoxWriter.fourcc("hdlr");
    private static final int MINF = BoxWriter.fourcc("minf");
    private static final int VMHD = BoxWriter.fourcc("vmhd");
    private static final int DINF = BoxWriter.fourcc("dinf");
    private static final int DREF = BoxWriter.fourcc("dref");
    private static final int URL = BoxWriter.fourcc("url ");
    private static final int STBL = BoxWriter.fourcc("stbl");
    private static final int STSD = BoxWriter.fourcc("stsd");
    private static final int AVC1 = BoxWriter.fourcc("avc1");
    private static final int PASP = BoxWriter.fourcc("pasp");
    private static final int STTS = BoxWriter.fourcc("stts");
    private static final int STSC = BoxWriter.fourcc("stsc");
    private static final int STSZ = BoxWriter.fourcc("stsz");
    private static final int STCO = BoxWriter.fourcc("stco");
    private static final int MVEX = BoxWriter.fourcc("mvex");
    private static final int TREX = BoxWriter.fourcc("trex");
    // iso5 is the first brand with default-base-is-moof, which the fragments use; iso6 and mp41
    // as ffmpeg's own fragmented output has them; avc1 for the AVC file format (14496-15).
    private static final int[] BRANDS = {
        BoxWriter.fourcc("iso5"), BoxWriter.fourcc("iso6"), BoxWriter.fourcc("mp41"), BoxWriter.fourcc("avc1"),
    };
    private static final int[] UNITY_MATRIX = {0x0001_0000, 0, 0, 0, 0x0001_0000, 0, 0, 0, 0x4000_0000};
    private static final byte[] HANDLER_NAME = "VideoHandler\0".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

    private final Sps sps;
    private final NalUnit pps;
    private final AudioSpecificConfig audio;
    private final byte[] bytes;

    private InitSegment(Sps sps, NalUnit pps, AudioSpecificConfig audio, byte[] bytes) {
        this.sps = sps;
        this.pps = pps;
        this.audio = audio;
        this.bytes = bytes;
    }

    /** The init segment for a stream with this SPS and PPS, and no sound. */
    public static InitSegment of(Sps sps, NalUnit pps) {
        return of(sps, pps, null);
    }

    /** The init segment for a stream with this SPS and PPS, and an AAC track of {@code audio} if not null. */
    public static InitSegment of(Sps sps, NalUnit pps, AudioSpecificConfig audio) {
        Objects.requireNonNull(sps, "sps");
        if (pps.type() != NalUnit.PPS) throw new IllegalArgumentException("not a PPS: " + pps);
        byte[] buf = new byte[2048 + AvcConfigurationBox.size(sps, pps)];
        BoxWriter w = new BoxWriter(buf);

        int ftyp = w.start(FTYP);
        w.u32(BRANDS[0]).u32(512); // major brand, minor version
        for (int brand : BRANDS) w.u32(brand);
        w.end(ftyp);

        int moov = w.start(MOOV);
        int mvhd = w.startFull(MVHD, 0, 0);
        w.u32(0).u32(0).u32(FragmentTimeline.TIMESCALE).u32(0); // times, timescale, duration unknown
        w.u32(0x0001_0000).u16(0x0100).zeros(2 + 8); // rate 1.0, volume 1.0
        matrix(w);
        w.zeros(24).u32((audio == null ? TRACK_ID : AUDIO_TRACK_ID) + 1); // pre_defined, next_track_ID
        w.end(mvhd);

        int trak = w.start(TRAK);
        int tkhd = w.startFull(TKHD, 0, 0x000003); // track_enabled | track_in_movie
        w.u32(0).u32(0).u32(TRACK_ID).u32(0).u32(0).zeros(8);
        w.u16(0).u16(0).u16(0).u16(0); // layer, alternate_group, volume (0: video), reserved
        matrix(w);
        // The presentation size: the picture stretched by its sample aspect ratio.
        long displayWidth = Math.round((double) sps.width() * sps.sarWidth() / sps.sarHeight());
        w.u32(displayWidth << 16).u32((long) sps.height() << 16);
        w.end(tkhd);

        int mdia = w.start(MDIA);
        int mdhd = w.startFull(MDHD, 0, 0);
        w.u32(0).u32(0).u32(FragmentTimeline.TIMESCALE).u32(0);
        w.u16(0x55c4).u16(0); // language "und" (ISO 639-2 packed 5 bits a letter), pre_defined
        w.end(mdhd);
        int hdlr = w.startFull(HDLR, 0, 0);
        w.u32(0).u32(BoxWriter.fourcc("vide")).zeros(12).bytes(HANDLER_NAME);
        w.end(hdlr);

        int minf = w.start(MINF);
        int vmhd = w.startFull(VMHD, 0, 1); // flags 1, as the standard requires
        w.zeros(8); // graphicsmode copy, opcolor
        w.end(vmhd);
        int dinf = w.start(DINF);
        int dref = w.startFull(DREF, 0, 0);
        w.u32(1);
        int url = w.startFull(URL, 0, 1); // media data in this same file
        w.end(url);
        w.end(dref);
        w.end(dinf);

        int stbl = w.start(STBL);
        int stsd = w.startFull(STSD, 0, 0);
        w.u32(1);
        int avc1 = w.start(AVC1);
        w.zeros(6).u16(1); // reserved, data_reference_index
        w.zeros(16); // pre_defined, reserved, pre_defined[3]
        w.u16(sps.width()).u16(sps.height());
        w.u32(0x0048_0000).u32(0x0048_0000); // 72 dpi
        w.u32(0).u16(1); // reserved, frame_count
        w.zeros(32); // compressorname: empty Pascal string
        w.u16(0x0018).u16(0xffff); // depth: colour without alpha; pre_defined -1
        AvcConfigurationBox.write(w, sps, pps);
        if (sps.sarWidth() != sps.sarHeight()) {
            int pasp = w.start(PASP);
            w.u32(sps.sarWidth()).u32(sps.sarHeight());
            w.end(pasp);
        }
        w.end(avc1);
        w.end(stsd);
        // Empty sample tables: every sample lives in a movie fragment.
        int stts = w.startFull(STTS, 0, 0);
        w.u32(0);
        w.end(stts);
        int stsc = w.startFull(STSC, 0, 0);
        w.u32(0);
        w.end(stsc);
        int stsz = w.startFull(STSZ, 0, 0);
        w.u32(0).u32(0);
        w.end(stsz);
        int stco = w.startFull(STCO, 0, 0);
        w.u32(0);
        w.end(stco);
        w.end(stbl);
        w.end(minf);
        w.end(mdia);
        w.end(trak);
        if (audio != null) {
            AudioTrackBox.write(w, audio);
        }

        int mvex = w.start(MVEX);
        int trex = w.startFull(TREX, 0, 0);
        // Sample description 1; no other defaults, since every trun states duration, size and flags.
        w.u32(TRACK_ID).u32(1).u32(0).u32(0).u32(0);
        w.end(trex);
        if (audio != null) {
            // Every AAC frame is 1024 samples and a sync sample (flags 0); the trun states the sizes.
            int audioTrex = w.startFull(TREX, 0, 0);
            w.u32(AUDIO_TRACK_ID).u32(1).u32(AudioTimeline.SAMPLES_PER_FRAME).u32(0).u32(0);
            w.end(audioTrex);
        }
        w.end(mvex);
        w.end(moov);

        return new InitSegment(sps, pps, audio, java.util.Arrays.copyOf(buf, w.position()));
    }

    static void matrixOf(BoxWriter w) {
        matrix(w);
    }

    private static void matrix(BoxWriter w) {
        for (int v : UNITY_MATRIX) w.u32(v);
    }

    public Sps sps() {
        return sps;
    }

    public NalUnit pps() {
        return pps;
    }

    /** The sound's format, or null for a stream without sound. */
    public AudioSpecificConfig audio() {
        return audio;
    }

    /** The RFC 6381 codecs parameter, such as {@code avc1.640028} or {@code avc1.640028,mp4a.40.2}. */
    public String codecs() {
        return audio == null ? AvcCodecString.of(sps) : AvcCodecString.of(sps) + "," + audio.codecs();
    }

    /** The MIME type for {@code MediaSource.addSourceBuffer}. */
    public String mimeType() {
        return "video/mp4; codecs=\"" + codecs() + "\"";
    }

    public int size() {
        return bytes.length;
    }

    /** A read-only view of the bytes, shareable between viewers. */
    public ByteBuffer asByteBuffer() {
        return ByteBuffer.wrap(bytes).asReadOnlyBuffer();
    }

    public byte[] toByteArray() {
        return bytes.clone();
    }

    public void writeTo(OutputStream out) throws IOException {
        out.write(bytes);
    }
}
