package org.camstream.codec.aac;

/**
 * The fixed and variable header of one ADTS frame (ISO/IEC 13818-7 6.2, 14496-3 1.A.2.2). Only what an MP4
 * muxer needs is kept: the audio object type, the sampling rate and channels, and where the raw frame lies.
 *
 * @param objectType the MPEG-4 audio object type: the ADTS profile plus one (2 is AAC-LC)
 * @param frequencyIndex the sampling frequency index (3 is 48 kHz)
 * @param channelConfiguration 1 is mono, 2 stereo
 * @param headerSize 7, or 9 with a CRC
 * @param frameLength header and raw data together, in bytes
 * @param rawDataBlocks AAC frames in this ADTS frame, each 1024 samples
 */
public record AdtsHeader(int objectType, int frequencyIndex, int channelConfiguration, int headerSize,
        int frameLength, int rawDataBlocks) {

    /** The shortest header: no CRC. */
    public static final int MIN_SIZE = 7;
    /** The sampling rates the frequency index stands for; 13 to 15 are reserved or explicit. */
    private static final int[] RATES = {96000, 88200, 64000, 48000, 44100, 32000, 24000, 22050, 16000, 12000, 11025,
        8000, 7350};

    /**
     * The header at {@code offset}, or null when the bytes there are not one: no sync word, a reserved layer or
     * frequency, or a frame too short to hold its own header. Needs {@link #MIN_SIZE} bytes.
     */
    public static AdtsHeader parse(byte[] b, int offset) {
        int b0 = b[offset] & 0xff;
        int b1 = b[offset + 1] & 0xff;
        int b2 = b[offset + 2] & 0xff;
        int b3 = b[offset + 3] & 0xff;
        int b4 = b[offset + 4] & 0xff;
        int b5 = b[offset + 5] & 0xff;
        int b6 = b[offset + 6] & 0xff;
        if (b0 != 0xff || (b1 & 0xf0) != 0xf0 || (b1 & 0x06) != 0) {
            return null; // sync word, and layer is always 0
        }
        boolean crc = (b1 & 0x01) == 0;
        int profile = b2 >> 6;
        int frequencyIndex = (b2 >> 2) & 0x0f;
        int channels = ((b2 & 0x01) << 2) | (b3 >> 6);
        int frameLength = ((b3 & 0x03) << 11) | (b4 << 3) | (b5 >> 5);
        int blocks = (b6 & 0x03) + 1;
        int headerSize = crc ? 9 : 7;
        if (frequencyIndex >= RATES.length || frameLength <= headerSize) {
            return null;
        }
        return new AdtsHeader(profile + 1, frequencyIndex, channels, headerSize, frameLength, blocks);
    }

    public int sampleRate() {
        return RATES[frequencyIndex];
    }

    public int payloadSize() {
        return frameLength - headerSize;
    }
}
