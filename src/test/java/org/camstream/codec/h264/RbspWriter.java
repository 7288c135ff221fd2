package org.camstream.codec.h264;

import java.io.ByteArrayOutputStream;

/**
 * Test-side encoder: writes bits, u(n) and exp-Golomb codes straight from their definitions in
 * H.264 9.1, then escapes the RBSP into NAL unit bytes. Independent of the code under test.
 */
final class RbspWriter {
    private final StringBuilder bits = new StringBuilder();

    RbspWriter u(int n, long value) {
        for (int i = n - 1; i >= 0; i--) bits.append(((value >>> i) & 1) == 1 ? '1' : '0');
        return this;
    }

    RbspWriter flag(boolean value) {
        return u(1, value ? 1 : 0);
    }

    /** ue(v): codeNum + 1 in binary, preceded by one fewer zeros than it has bits. */
    RbspWriter ue(long codeNum) {
        String binary = Long.toBinaryString(codeNum + 1);
        bits.append("0".repeat(binary.length() - 1)).append(binary);
        return this;
    }

    /** se(v): k > 0 maps to 2k - 1, k <= 0 maps to -2k (Table 9-3). */
    RbspWriter se(long k) {
        return ue(k > 0 ? 2 * k - 1 : -2 * k);
    }

    int bitCount() {
        return bits.length();
    }

    /** The RBSP: bits, then rbsp_stop_one_bit and zero bits up to a byte boundary. */
    byte[] rbsp() {
        StringBuilder b = new StringBuilder(bits).append('1');
        while (b.length() % 8 != 0) b.append('0');
        byte[] out = new byte[b.length() / 8];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(b.substring(i * 8, i * 8 + 8), 2);
        return out;
    }

    /** The bits without stop bit, zero-padded: for reading back exactly what was written. */
    byte[] rawBytes() {
        StringBuilder b = new StringBuilder(bits);
        while (b.length() % 8 != 0) b.append('0');
        byte[] out = new byte[b.length() / 8];
        for (int i = 0; i < out.length; i++) out[i] = (byte) Integer.parseInt(b.substring(i * 8, i * 8 + 8), 2);
        return out;
    }

    /** This RBSP as a NAL unit after the given header byte. */
    byte[] rbspNal(int header) {
        return nal(header, rbsp());
    }

    /** Inserts emulation_prevention_three_byte wherever 00 00 is followed by 00..03 (7.4.1). */
    static byte[] escape(byte[] rbsp) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int zeros = 0;
        for (byte value : rbsp) {
            int b = value & 0xff;
            if (zeros >= 2 && b <= 3) {
                out.write(3);
                zeros = 0;
            }
            out.write(b);
            zeros = b == 0 ? zeros + 1 : 0;
        }
        return out.toByteArray();
    }

    /** A NAL unit: header byte, then the escaped RBSP. */
    static byte[] nal(int header, byte[] rbsp) {
        byte[] escaped = escape(rbsp);
        byte[] out = new byte[escaped.length + 1];
        out[0] = (byte) header;
        System.arraycopy(escaped, 0, out, 1, escaped.length);
        return out;
    }
}
