package org.camstream.mp4;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.mp4parser.Box;
import org.mp4parser.IsoFile;
import org.mp4parser.boxes.iso14496.part12.FileTypeBox;
import org.mp4parser.boxes.iso14496.part12.HandlerBox;
import org.mp4parser.boxes.iso14496.part12.MediaHeaderBox;
import org.mp4parser.boxes.iso14496.part12.MovieBox;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentBox;
import org.mp4parser.boxes.iso14496.part12.MovieFragmentHeaderBox;
import org.mp4parser.boxes.iso14496.part12.SampleFlags;
import org.mp4parser.boxes.iso14496.part12.TrackBox;
import org.mp4parser.boxes.iso14496.part12.TrackExtendsBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentBaseMediaDecodeTimeBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentBox;
import org.mp4parser.boxes.iso14496.part12.TrackFragmentHeaderBox;
import org.mp4parser.boxes.iso14496.part12.TrackHeaderBox;
import org.mp4parser.boxes.iso14496.part12.TrackRunBox;
import org.mp4parser.boxes.iso14496.part15.AvcConfigurationBox;
import org.mp4parser.boxes.sampleentry.VisualSampleEntry;
import org.mp4parser.tools.Path;

/** The box tree of a muxed Raspberry Pi recording, read back with isoparser and by hand. */
class Mp4StructureTest {
    @TempDir static java.nio.file.Path dir;
    private static MuxedStream stream;
    private static byte[] file;
    private static IsoFile iso;
    private static Map<String, Object> source;

    @BeforeAll
    static void mux() throws Exception {
        java.nio.file.Path fixture = Fixtures.piH264(Fixtures.PI_720P_INLINE);
        stream = new MuxedStream(MuxedStream.readAnnexB(fixture));
        java.nio.file.Path mp4 = stream.writeFrom(dir, "pi.mp4", 0);
        file = Fixtures.read(mp4);
        iso = new IsoFile(mp4.toFile());
        source = MediaTools.probeVideoStream(fixture);
    }

    @Test
    void topLevelBoxesComeInOrder() {
        List<String> types = iso.getBoxes().stream().map(Box::getType).toList();
        List<String> expected = new ArrayList<>(List.of("ftyp", "moov"));
        for (int i = 0; i < stream.aus.size(); i++) expected.addAll(List.of("prft", "moof", "mdat"));
        assertEquals(expected, types);
        // The same walk without isoparser: sizes add up to the file exactly.
        assertEquals(expected, MuxedStream.boxes(file, 0, file.length).stream().map(MuxedStream.RawBox::type).toList());

        FileTypeBox ftyp = (FileTypeBox) iso.getBoxes().get(0);
        assertEquals("iso5", ftyp.getMajorBrand());
        assertTrue(ftyp.getCompatibleBrands().containsAll(List.of("iso5", "iso6", "mp41")));
    }

    @Test
    void movieBoxDescribesOneVideoTrackOfTheRightSize() {
        MovieBox moov = iso.getMovieBox();
        assertEquals(List.of("mvhd", "trak", "mvex"), moov.getBoxes().stream().map(Box::getType).toList());
        TrackBox trak = moov.getBoxes(TrackBox.class).get(0);
        TrackHeaderBox tkhd = trak.getTrackHeaderBox();
        assertEquals(1, tkhd.getTrackId());
        assertTrue(tkhd.isEnabled() && tkhd.isInMovie());
        assertEquals(MediaTools.intField(source, "width"), tkhd.getWidth(), 0);
        assertEquals(MediaTools.intField(source, "height"), tkhd.getHeight(), 0);
        MediaHeaderBox mdhd = Path.getPath(trak, "mdia[0]/mdhd[0]");
        assertEquals(FragmentTimeline.TIMESCALE, mdhd.getTimescale());
        HandlerBox hdlr = Path.getPath(trak, "mdia[0]/hdlr[0]");
        assertEquals("vide", hdlr.getHandlerType());
        for (String box : List.of("vmhd", "dinf", "stbl")) {
            assertTrue(Path.getPath(trak, "mdia[0]/minf[0]/" + box + "[0]") != null, box);
        }
        for (String box : List.of("stsd", "stts", "stsc", "stsz", "stco")) {
            assertTrue(Path.getPath(trak, "mdia[0]/minf[0]/stbl[0]/" + box + "[0]") != null, box);
        }
        VisualSampleEntry avc1 = Path.getPath(trak, "mdia[0]/minf[0]/stbl[0]/stsd[0]/avc1[0]");
        assertEquals(MediaTools.intField(source, "width"), avc1.getWidth());
        assertEquals(MediaTools.intField(source, "height"), avc1.getHeight());
        assertEquals(72, avc1.getHorizresolution(), 0);
        assertEquals(0x18, avc1.getDepth());
        TrackExtendsBox trex = Path.getPath(moov, "mvex[0]/trex[0]");
        assertEquals(1, trex.getTrackId());
        assertEquals(1, trex.getDefaultSampleDescriptionIndex());
    }

    @Test
    void avcConfigurationHoldsTheStreamsParameterSets() {
        AvcConfigurationBox avcC = Path.getPath(iso.getMovieBox(), "trak[0]/mdia[0]/minf[0]/stbl[0]/stsd[0]/avc1[0]/avcC[0]");
        AccessUnit first = stream.aus.get(0);
        byte[] sps = first.sps().toByteArray();
        assertEquals(1, avcC.getConfigurationVersion());
        assertEquals(sps[1] & 0xff, avcC.getAvcProfileIndication());
        assertEquals(sps[2] & 0xff, avcC.getProfileCompatibility());
        assertEquals(sps[3] & 0xff, avcC.getAvcLevelIndication());
        assertEquals(3, avcC.getLengthSizeMinusOne());
        assertEquals(1, avcC.getSequenceParameterSets().size());
        assertArrayEquals(sps, bytes(avcC.getSequenceParameterSets().get(0)));
        assertEquals(1, avcC.getPictureParameterSets().size());
        assertArrayEquals(first.pps().toByteArray(), bytes(avcC.getPictureParameterSets().get(0)));
        // High profile: the chroma format and bit depth extension (ffprobe: yuv420p, 8 bits).
        assertEquals("yuv420p", source.get("pix_fmt"));
        assertTrue(avcC.hasExts());
        assertEquals(1, avcC.getChromaFormat());
        assertEquals(0, avcC.getBitDepthLumaMinus8());
        assertEquals(0, avcC.getBitDepthChromaMinus8());
    }

    @Test
    void everyFragmentHoldsOneSampleWhereTheHeadersSay() {
        List<MovieFragmentBox> moofs = iso.getBoxes(MovieFragmentBox.class);
        List<MuxedStream.RawBox> raw = MuxedStream.boxes(file, 0, file.length);
        assertEquals(stream.aus.size(), moofs.size());
        long expectedDecodeTime = 0;
        long previousDecodeTime = -1;
        for (int i = 0; i < moofs.size(); i++) {
            MovieFragmentBox moof = moofs.get(i);
            String where = "fragment " + i;
            assertEquals(List.of("mfhd", "traf"), moof.getBoxes().stream().map(Box::getType).toList(), where);
            assertEquals(i + 1, ((MovieFragmentHeaderBox) moof.getBoxes().get(0)).getSequenceNumber(), where);
            TrackFragmentBox traf = (TrackFragmentBox) moof.getBoxes().get(1);
            assertEquals(List.of("tfhd", "tfdt", "trun"), traf.getBoxes().stream().map(Box::getType).toList(), where);
            TrackFragmentHeaderBox tfhd = (TrackFragmentHeaderBox) traf.getBoxes().get(0);
            assertEquals(1, tfhd.getTrackId(), where);
            assertTrue(tfhd.isDefaultBaseIsMoof(), where);
            assertFalse(tfhd.hasBaseDataOffset(), where);
            TrackFragmentBaseMediaDecodeTimeBox tfdt = (TrackFragmentBaseMediaDecodeTimeBox) traf.getBoxes().get(1);
            assertEquals(1, tfdt.getVersion(), where);
            assertEquals(expectedDecodeTime, tfdt.getBaseMediaDecodeTime(), "decode time is the sum of durations, " + where);
            assertTrue(i == 0 || tfdt.getBaseMediaDecodeTime() > previousDecodeTime, "strictly increasing, " + where);
            previousDecodeTime = tfdt.getBaseMediaDecodeTime();
            TrackRunBox trun = (TrackRunBox) traf.getBoxes().get(2);
            assertEquals(0x000701, trun.getFlags(), where);
            assertEquals(1, trun.getEntries().size(), where);
            TrackRunBox.Entry sample = trun.getEntries().get(0);
            assertTrue(sample.getSampleDuration() > 0, where);
            expectedDecodeTime += sample.getSampleDuration();

            SampleFlags flags = sample.getSampleFlags();
            boolean idr = stream.aus.get(i).isKeyframe();
            assertEquals(idr ? 2 : 1, flags.getSampleDependsOn(), where);
            assertEquals(!idr, flags.isSampleIsDifferenceSample(), where);

            // data_offset counts from the moof's first byte to the first sample byte in mdat.
            MuxedStream.RawBox rawMoof = raw.get(2 + 3 * i + 1);
            MuxedStream.RawBox rawMdat = raw.get(2 + 3 * i + 2);
            assertEquals("moof", rawMoof.type());
            assertEquals(rawMdat.payload(), rawMoof.offset() + trun.getDataOffset(), where);
            assertEquals(rawMdat.size() - 8, sample.getSampleSize(), where);
            byte[] sampleBytes = java.util.Arrays.copyOfRange(file, rawMdat.payload(), rawMdat.offset() + rawMdat.size());
            assertArrayEquals(expectedSample(stream.aus.get(i)), sampleBytes, where);
        }
        assertTrue(stream.aus.stream().filter(AccessUnit::isKeyframe).count() > 1);
    }

    /** The access unit as 4-byte length-prefixed NAL units, without SPS, PPS and AUD. */
    private static byte[] expectedSample(AccessUnit au) {
        List<NalUnit> nals = au.nalUnits().stream()
                .filter(n -> n.type() != NalUnit.SPS && n.type() != NalUnit.PPS && n.type() != NalUnit.AUD).toList();
        AccessUnit picture = AccessUnit.of(nals);
        byte[] out = new byte[picture.avccSize()];
        picture.writeAvcc(out, 0);
        return out;
    }

    @Test
    void prftBeforeEachMoofTiesCaptureTimeToDecodeTime() {
        List<MuxedStream.RawBox> raw = MuxedStream.boxes(file, 0, file.length);
        List<MovieFragmentBox> moofs = iso.getBoxes(MovieFragmentBox.class);
        Instant ntpEpoch = Instant.parse("1900-01-01T00:00:00Z");
        for (int i = 0; i < moofs.size(); i++) {
            MuxedStream.RawBox prft = raw.get(2 + 3 * i);
            assertEquals("prft", prft.type());
            assertEquals("moof", raw.get(2 + 3 * i + 1).type(), "prft comes right before its moof");
            ByteBuffer b = ByteBuffer.wrap(file, prft.payload(), prft.size() - 8);
            assertEquals(32, prft.size());
            assertEquals(1, b.get(), "version 1: 64-bit media_time");
            assertEquals(24, (b.get() & 0xff) << 16 | (b.get() & 0xff) << 8 | (b.get() & 0xff), "flags: capture time");
            assertEquals(1, b.getInt(), "reference_track_ID");
            long ntpSeconds = b.getInt() & 0xffff_ffffL;
            long ntpFraction = b.getInt() & 0xffff_ffffL;
            long mediaTime = b.getLong();

            Instant capture = Instant.EPOCH.plus(Duration.ofNanos(stream.captureMicros.get(i) * 1000));
            Duration sinceNtpEpoch = Duration.between(ntpEpoch, capture);
            assertEquals(sinceNtpEpoch.getSeconds(), ntpSeconds, "fragment " + i);
            assertEquals(sinceNtpEpoch.getNano() / 1e9, ntpFraction / 4294967296.0, 1e-6, "fragment " + i);

            TrackFragmentBaseMediaDecodeTimeBox tfdt = Path.getPath(moofs.get(i), "traf[0]/tfdt[0]");
            assertEquals(tfdt.getBaseMediaDecodeTime(), mediaTime, "fragment " + i);
        }
    }

    @Test
    void fragmentBytesAreSharedNotCopiedPerViewer() {
        Fragment f = stream.fragments.get(3);
        ByteBuffer a = f.asByteBuffer();
        ByteBuffer b = f.asByteBuffer();
        assertTrue(a.isReadOnly());
        a.position(10);
        assertEquals(0, b.position(), "independent views");
        assertEquals(f.size(), b.remaining());
        assertEquals(4, f.sequenceNumber());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        copy.rewind();
        byte[] out = new byte[copy.remaining()];
        copy.get(out);
        return out;
    }
}
