package org.camstream.codec.h264;

/** The first fields of slice_header() (7.3.3), read without parsing the rest of the slice. */
public final class SliceHeader {
    private SliceHeader() {}

    /**
     * first_mb_in_slice of a slice NAL unit (types 1, 2 and 5): 0 for the first slice of a picture.
     * Returns -1 for other NAL types and for slices too short to hold it.
     */
    public static int firstMbInSlice(NalUnit nal) {
        int type = nal.type();
        if (type != NalUnit.SLICE && type != NalUnit.SLICE_DATA_PARTITION_A && type != NalUnit.IDR) return -1;
        try {
            return BitReader.ofPayload(nal).ue();
        } catch (BitstreamException e) {
            return -1;
        }
    }

    /** slice_type modulo 5: 0 P, 1 B, 2 I, 3 SP, 4 SI; -1 where {@link #firstMbInSlice} gives -1. */
    public static int sliceType(NalUnit nal) {
        int type = nal.type();
        if (type != NalUnit.SLICE && type != NalUnit.SLICE_DATA_PARTITION_A && type != NalUnit.IDR) return -1;
        try {
            BitReader r = BitReader.ofPayload(nal);
            r.ue();
            return r.ue() % 5;
        } catch (BitstreamException e) {
            return -1;
        }
    }
}
