package org.camstream.codec.h264;

/**
 * The RFC 6381 codecs parameter of an H.264 stream, {@code avc1.PPCCLL}, as browsers expect in
 * {@code MediaSource.isTypeSupported} and WebCodecs.
 */
public final class AvcCodecString {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private AvcCodecString() {}

    public static String of(Sps sps) {
        return of(sps.nal());
    }

    /**
     * From bytes 1 to 3 of an SPS NAL unit (profile_idc, the constraint flags byte, level_idc)
     * exactly as coded: parsed fields could lose the reserved bits. Those three bytes never need
     * emulation prevention (profile_idc is never 0, so no {@code 00 00 03} can start there).
     */
    public static String of(NalUnit sps) {
        if (sps.type() != NalUnit.SPS || sps.size() < 4) {
            throw new IllegalArgumentException("not an SPS with profile and level: " + sps);
        }
        StringBuilder s = new StringBuilder("avc1.");
        for (int i = 1; i <= 3; i++) {
            int b = sps.byteAt(i) & 0xff;
            s.append(HEX[b >> 4]).append(HEX[b & 0xf]);
        }
        return s.toString();
    }
}
