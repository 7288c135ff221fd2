package org.camstream.codec.aac;

/**
 * The AudioSpecificConfig of ISO/IEC 14496-3 1.6.2.1 for a plain AAC stream: object type, frequency index
 * and channel configuration, then a GASpecificConfig of three zero bits (1024-sample frames, no core coder,
 * no extension). What an MP4 track's 'esds' carries and what the "mp4a.40.N" codec string names.
 *
 * @param objectType 2 for AAC-LC
 */
public record AudioSpecificConfig(int objectType, int frequencyIndex, int channelConfiguration) {

    /** What camstream's encoder makes: AAC-LC, 48 kHz, mono. */
    public static final AudioSpecificConfig LC_48K_MONO = new AudioSpecificConfig(2, 3, 1);

    public AudioSpecificConfig {
        if (objectType < 1 || objectType > 30 || frequencyIndex < 0 || frequencyIndex > 12
                || channelConfiguration < 1 || channelConfiguration > 7) {
            throw new IllegalArgumentException("object type " + objectType + ", frequency index " + frequencyIndex
                    + ", channels " + channelConfiguration);
        }
    }

    public static AudioSpecificConfig of(AdtsHeader header) {
        return new AudioSpecificConfig(header.objectType(), header.frequencyIndex(), header.channelConfiguration());
    }

    /** The two bytes: 5 bits object type, 4 bits frequency index, 4 bits channels, 3 zero bits. */
    /** The two bytes {@link #bytes} writes, read back. */
    public static AudioSpecificConfig parse(byte[] bytes) {
        if (bytes.length < 2) {
            throw new IllegalArgumentException("an AudioSpecificConfig has two bytes, got " + bytes.length);
        }
        int b0 = bytes[0] & 0xFF;
        int b1 = bytes[1] & 0xFF;
        return new AudioSpecificConfig(b0 >> 3, ((b0 & 7) << 1) | (b1 >> 7), (b1 >> 3) & 0xF);
    }

    public byte[] bytes() {
        int bits = objectType << 11 | frequencyIndex << 7 | channelConfiguration << 3;
        return new byte[] {(byte) (bits >> 8), (byte) bits};
    }

    public int sampleRate() {
        return new AdtsHeader(objectType, frequencyIndex, channelConfiguration, 7, 8, 1).sampleRate();
    }

    /** The RFC 6381 codecs parameter: {@code mp4a.40.2} for AAC-LC. */
    public String codecs() {
        return "mp4a.40." + objectType;
    }

    public boolean matches(AdtsHeader header) {
        return header.objectType() == objectType && header.frequencyIndex() == frequencyIndex
                && header.channelConfiguration() == channelConfiguration;
    }
}
