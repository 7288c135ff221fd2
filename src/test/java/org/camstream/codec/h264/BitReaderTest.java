package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BitReaderTest {
    @Test
    void readsExpGolombCodesItDidNotWrite() throws Exception {
        Random random = new Random(1);
        List<Long> ue = new ArrayList<>();
        List<Long> se = new ArrayList<>();
        RbspWriter w = new RbspWriter();
        // Small values, every boundary of the code length, and random ones.
        for (long v = 0; v < 300; v++) ue.add(v);
        for (int bits = 1; bits <= 31; bits++) {
            ue.add((1L << bits) - 2);
            ue.add((1L << bits) - 1);
        }
        for (int i = 0; i < 200; i++) ue.add((long) random.nextInt(Integer.MAX_VALUE));
        for (long v = -300; v <= 300; v++) se.add(v);
        se.add((long) Integer.MAX_VALUE);
        se.add((long) Integer.MIN_VALUE + 1);
        for (long v : ue) w.ue(v);
        for (long v : se) w.se(v);
        byte[] nal = RbspWriter.escape(w.rbsp());

        BitReader r = new BitReader(nal, 0, nal.length);
        for (long v : ue) assertEquals(v, r.ue());
        for (long v : se) assertEquals(v, r.se());
        assertEquals(w.bitCount(), r.bitsRead());
    }

    @Test
    void readsTheWholeUnsignedRange() throws Exception {
        RbspWriter w = new RbspWriter().ue(0xFFFF_FFFEL).ue(Integer.MAX_VALUE + 1L).u(32, 0xDEADBEEFL);
        byte[] bytes = w.rbsp();
        BitReader r = new BitReader(bytes, 0, bytes.length);
        assertEquals(0xFFFF_FFFEL, r.ueLong());
        BitstreamException e = assertThrows(BitstreamException.class, r::ue);
        assertTrue(e.getMessage().contains("too large"), e.getMessage());
        assertEquals(0xDEADBEEFL, r.u32());
    }

    @Test
    void readsFixedWidthFieldsAcrossByteBoundaries() throws Exception {
        Random random = new Random(2);
        RbspWriter w = new RbspWriter();
        int[] widths = new int[500];
        int[] values = new int[500];
        for (int i = 0; i < widths.length; i++) {
            widths[i] = random.nextInt(32);
            values[i] = widths[i] == 0 ? 0 : random.nextInt() >>> (32 - widths[i]);
            w.u(widths[i], values[i]);
        }
        byte[] nal = RbspWriter.escape(w.rbsp());
        BitReader r = new BitReader(nal, 0, nal.length);
        for (int i = 0; i < widths.length; i++) assertEquals(values[i], r.u(widths[i]), "field " + i);
    }

    @Test
    void dropsEmulationPreventionBytes() throws Exception {
        // 00 00 03 0x: the 03 was inserted by the encoder and is not part of the RBSP. The zero
        // after an emulation prevention byte starts a new run: 00 03 00 00 03 holds a second one.
        byte[] escaped = {0x00, 0x00, 0x03, 0x01, 0x00, 0x00, 0x03, 0x00, 0x00, 0x03, (byte) 0xff};
        BitReader r = new BitReader(escaped, 0, escaped.length);
        assertEquals(0x000001, r.u(24));
        assertEquals(0x0000, r.u(16));
        assertEquals(0x0000, r.u(16));
        assertEquals(0xff, r.u(8));
        assertThrows(BitstreamException.class, () -> r.u(1));
    }

    @Test
    void keepsThreesThatAreNotEmulationPrevention() throws Exception {
        byte[] bytes = {0x03, 0x00, 0x03, 0x00, 0x00, 0x04, 0x03};
        BitReader r = new BitReader(bytes, 0, bytes.length);
        for (byte b : bytes) assertEquals(b & 0xff, r.u(8));
    }

    @Test
    void escapedRandomPayloadReadsBackUnchanged() throws Exception {
        Random random = new Random(3);
        for (int round = 0; round < 200; round++) {
            byte[] rbsp = new byte[1 + random.nextInt(64)];
            for (int i = 0; i < rbsp.length; i++) rbsp[i] = (byte) (random.nextInt(4) == 0 ? random.nextInt(4) : random.nextInt(256));
            rbsp[rbsp.length - 1] = (byte) 0x80; // as after rbsp_trailing_bits: never ends in zero
            byte[] escaped = RbspWriter.escape(rbsp);
            BitReader r = new BitReader(escaped, 0, escaped.length);
            for (int i = 0; i < rbsp.length; i++) assertEquals(rbsp[i] & 0xff, r.u(8), "round " + round + " byte " + i);
        }
    }

    @Test
    void runningOutOfDataIsAnExceptionNotAnIndexError() throws Exception {
        byte[] bytes = {(byte) 0b1010_0000};
        BitReader r = new BitReader(bytes, 0, 1);
        assertEquals(0b1010, r.u(4));
        assertEquals(0, r.u(4));
        BitstreamException e = assertThrows(BitstreamException.class, r::ue);
        assertTrue(e.getMessage().contains("out of data"), e.getMessage());

        byte[] allZero = new byte[8];
        BitReader zeros = new BitReader(allZero, 0, allZero.length);
        assertThrows(BitstreamException.class, zeros::ueLong, "32 leading zeros is not a code");
    }

    @Test
    void readsOnlyItsRange() throws Exception {
        byte[] bytes = {(byte) 0xff, 0x00, (byte) 0xff};
        BitReader r = new BitReader(bytes, 1, 1);
        assertEquals(0, r.u(8));
        assertThrows(BitstreamException.class, () -> r.u(1));
        assertThrows(IndexOutOfBoundsException.class, () -> new BitReader(bytes, 2, 2));
    }

    @Test
    void tracksByteAlignment() throws Exception {
        byte[] bytes = {0x40, 0x00};
        BitReader r = new BitReader(bytes, 0, 2);
        assertTrue(r.isByteAligned());
        assertTrue(r.flag() == false);
        assertFalse(r.isByteAligned());
        r.skip(7);
        assertTrue(r.isByteAligned());
    }
}
