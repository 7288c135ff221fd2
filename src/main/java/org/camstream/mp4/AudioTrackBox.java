package org.camstream.mp4;

import java.nio.charset.StandardCharsets;
import org.camstream.codec.aac.AudioSpecificConfig;

/**
 * The 'trak' of the AAC track: 'mp4a' (ISO/IEC 14496-14 5.6) with an 'esds' whose DecoderSpecificInfo is the
 * AudioSpecificConfig, on a timeline of the sample rate, so that every 1024-sample frame lasts exactly 1024
 * ticks. No samples: they all come in movie fragments.
 */
final class AudioTrackBox {
    private static final byte[] HANDLER_NAME = "SoundHandler\0".getBytes(StandardCharsets.US_ASCII);
    // MPEG-4 systems descriptor tags (14496-1 7.2.2.1) and values.
    private static final int ES_DESCRIPTOR = 0x03;
    private static final int DECODER_CONFIG = 0x04;
    private static final int DECODER_SPECIFIC_INFO = 0x05;
    private static final int SL_CONFIG = 0x06;
    private static final int OBJECT_TYPE_MPEG4_AUDIO = 0x40;
    private static final int STREAM_TYPE_AUDIO = 0x05;
    /** What the 'esds' states as the bitrate; informative only, players do not enforce it. */
    static final int NOMINAL_BITRATE = 64_000;

    private AudioTrackBox() {}

    static void write(BoxWriter w, AudioSpecificConfig audio) {
        int rate = audio.sampleRate();
        int trak = w.start(fourcc("trak"));
        int tkhd = w.startFull(fourcc("tkhd"), 0, 0x000003); // track_enabled | track_in_movie
        w.u32(0).u32(0).u32(InitSegment.AUDIO_TRACK_ID).u32(0).u32(0).zeros(8);
        w.u16(0).u16(0).u16(0x0100).u16(0); // layer, alternate_group, volume 1.0, reserved
        InitSegment.matrixOf(w);
        w.u32(0).u32(0); // no picture
        w.end(tkhd);

        int mdia = w.start(fourcc("mdia"));
        int mdhd = w.startFull(fourcc("mdhd"), 0, 0);
        w.u32(0).u32(0).u32(rate).u32(0);
        w.u16(0x55c4).u16(0); // language "und"
        w.end(mdhd);
        int hdlr = w.startFull(fourcc("hdlr"), 0, 0);
        w.u32(0).u32(fourcc("soun")).zeros(12).bytes(HANDLER_NAME);
        w.end(hdlr);

        int minf = w.start(fourcc("minf"));
        int smhd = w.startFull(fourcc("smhd"), 0, 0);
        w.u16(0).u16(0); // balance, reserved
        w.end(smhd);
        int dinf = w.start(fourcc("dinf"));
        int dref = w.startFull(fourcc("dref"), 0, 0);
        w.u32(1);
        int url = w.startFull(fourcc("url "), 0, 1);
        w.end(url);
        w.end(dref);
        w.end(dinf);

        int stbl = w.start(fourcc("stbl"));
        int stsd = w.startFull(fourcc("stsd"), 0, 0);
        w.u32(1);
        int mp4a = w.start(fourcc("mp4a"));
        w.zeros(6).u16(1); // reserved, data_reference_index
        w.zeros(8); // reserved (version, revision, vendor)
        w.u16(audio.channelConfiguration()).u16(16); // channelcount, samplesize
        w.u16(0).u16(0); // pre_defined, reserved
        w.u32((long) rate << 16); // samplerate, 16.16
        esds(w, audio);
        w.end(mp4a);
        w.end(stsd);
        for (String table : new String[] {"stts", "stsc", "stco"}) {
            int box = w.startFull(fourcc(table), 0, 0);
            w.u32(0);
            w.end(box);
        }
        int stsz = w.startFull(fourcc("stsz"), 0, 0);
        w.u32(0).u32(0);
        w.end(stsz);
        w.end(stbl);
        w.end(minf);
        w.end(mdia);
        w.end(trak);
    }

    /** ES_Descriptor { DecoderConfigDescriptor { DecoderSpecificInfo }, SLConfigDescriptor }, 14496-1 7.2.6. */
    private static void esds(BoxWriter w, AudioSpecificConfig audio) {
        byte[] asc = audio.bytes();
        int decoderSpecific = 2 + asc.length;
        int decoderConfig = 2 + 13 + decoderSpecific;
        int es = 2 + 3 + decoderConfig + 3;
        int esds = w.startFull(fourcc("esds"), 0, 0);
        w.u8(ES_DESCRIPTOR).u8(es - 2); // every length fits in one byte
        w.u16(InitSegment.AUDIO_TRACK_ID).u8(0); // ES_ID, no dependence, URL or OCR stream
        w.u8(DECODER_CONFIG).u8(decoderConfig - 2);
        w.u8(OBJECT_TYPE_MPEG4_AUDIO).u8(STREAM_TYPE_AUDIO << 2 | 1); // upStream 0, reserved 1
        w.u24(0); // bufferSizeDB: unknown
        w.u32(NOMINAL_BITRATE).u32(NOMINAL_BITRATE);
        w.u8(DECODER_SPECIFIC_INFO).u8(asc.length).bytes(asc);
        w.u8(SL_CONFIG).u8(1).u8(0x02); // predefined: MP4 files
        w.end(esds);
    }

    private static int fourcc(String type) {
        return BoxWriter.fourcc(type);
    }
}
