package org.camstream.codec.h264;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ReadOnlyBufferException;
import java.util.ArrayList;
import java.util.List;
import org.camstream.testing.Fixtures;
import org.junit.jupiter.api.Test;

class NalUnitAndAccessUnitTest {
    @Test
    void headerFields() {
        // forbidden_zero_bit 0, nal_ref_idc 2 bits, nal_unit_type 5 bits.
        for (int refIdc = 0; refIdc < 4; refIdc++) {
            for (int type = 0; type < 32; type++) {
                NalUnit nal = NalUnit.of(new byte[] {(byte) (refIdc << 5 | type), 0x11});
                assertEquals(type, nal.type());
                assertEquals(refIdc, nal.refIdc());
                assertEquals(type >= 1 && type <= 5, nal.isVcl());
                assertEquals(type == 5, nal.isIdr());
            }
        }
    }

    @Test
    void callersCannotChangeTheBytes() {
        byte[] source = {0x65, 1, 2, 3};
        NalUnit nal = NalUnit.of(source);
        source[1] = 99;
        assertEquals(1, nal.byteAt(1));
        nal.toByteArray()[2] = 99;
        assertEquals(2, nal.byteAt(2));
        ByteBuffer view = nal.asByteBuffer();
        assertTrue(view.isReadOnly());
        assertThrows(ReadOnlyBufferException.class, () -> view.put(0, (byte) 0));
        assertEquals(4, view.remaining());
        assertThrows(IndexOutOfBoundsException.class, () -> nal.byteAt(4));
        assertThrows(IllegalArgumentException.class, () -> NalUnit.of(new byte[0]));
    }

    @Test
    void viewsAndCopiesOfTheSameBytesAreEqual() {
        byte[] shared = {9, 9, 0x41, 7, 8, 9, 9};
        NalUnit view = NalUnit.wrap(shared, 2, 3);
        NalUnit copy = NalUnit.of(new byte[] {0x41, 7, 8});
        assertEquals(copy, view);
        assertEquals(copy.hashCode(), view.hashCode());
        assertArrayEquals(new byte[] {0x41, 7, 8}, view.toByteArray());
        byte[] dst = new byte[5];
        assertEquals(4, view.copyTo(dst, 1));
        assertArrayEquals(new byte[] {0, 0x41, 7, 8, 0}, dst);
        assertEquals(3, view.asByteBuffer().remaining());
        assertEquals(0x41, view.asByteBuffer().get(0));
        assertNotEquals(copy, NalUnit.of(new byte[] {0x41, 7}));
    }

    @Test
    void writesAnnexBAndAvccThatReadBackToTheSameNalUnits() throws Exception {
        List<AccessUnit> aus = H264Streams.accessUnits(Fixtures.read(Fixtures.piH264(Fixtures.PI_720P_INLINE)));
        AccessUnit au = aus.get(0);
        assertTrue(au.isKeyframe());
        assertTrue(au.nalUnits().size() >= 3);

        byte[] annexB = new byte[au.annexBSize() + 2];
        assertEquals(au.annexBSize() + 1, au.writeAnnexB(annexB, 1));
        ByteArrayOutputStream stream = new ByteArrayOutputStream();
        au.writeAnnexB(stream);
        assertArrayEquals(java.util.Arrays.copyOfRange(annexB, 1, 1 + au.annexBSize()), stream.toByteArray());
        List<NalUnit> reread = new ArrayList<>();
        AnnexBReader reader = new AnnexBReader(reread::add);
        reader.feed(stream.toByteArray(), 0, stream.size());
        reader.flush();
        assertEquals(au.nalUnits(), reread);

        byte[] avcc = new byte[au.avccSize()];
        assertEquals(avcc.length, au.writeAvcc(avcc, 0));
        ByteArrayOutputStream avccStream = new ByteArrayOutputStream();
        au.writeAvcc(avccStream);
        assertArrayEquals(avcc, avccStream.toByteArray());
        ByteBuffer in = ByteBuffer.wrap(avcc);
        List<NalUnit> split = new ArrayList<>();
        while (in.hasRemaining()) {
            byte[] nal = new byte[in.getInt()];
            in.get(nal);
            split.add(NalUnit.of(nal));
        }
        assertEquals(au.nalUnits(), split);
        assertEquals(au.nalUnits().stream().mapToInt(NalUnit::size).sum(), au.payloadSize());

        assertThrows(IndexOutOfBoundsException.class, () -> au.writeAvcc(new byte[au.avccSize() - 1], 0));
        assertThrows(UnsupportedOperationException.class, () -> au.nalUnits().clear());
    }

    @Test
    void accessors() {
        NalUnit sps = NalUnit.of(new byte[] {0x67, 0x42});
        NalUnit pps = NalUnit.of(new byte[] {0x68, (byte) 0xce});
        NalUnit idr = NalUnit.of(new byte[] {0x65, (byte) 0x88});
        NalUnit p = NalUnit.of(new byte[] {0x41, (byte) 0x9a});
        AccessUnit key = AccessUnit.of(sps, pps, idr);
        assertTrue(key.isKeyframe());
        assertTrue(key.hasPicture());
        assertEquals(sps, key.sps());
        assertEquals(pps, key.pps());
        AccessUnit inter = AccessUnit.of(List.of(p));
        assertFalse(inter.isKeyframe());
        assertNull(inter.sps());
        assertNull(inter.pps());
        assertFalse(AccessUnit.of(sps).hasPicture());
        NalUnit[] array = {p};
        AccessUnit copied = AccessUnit.of(array);
        array[0] = idr;
        assertFalse(copied.isKeyframe(), "of(...) copies the array");
    }
}
