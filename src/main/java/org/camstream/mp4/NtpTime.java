package org.camstream.mp4;

/** NTP 64-bit timestamps: seconds since 1900-01-01 UTC in the high 32 bits, binary fraction in the low. */
public final class NtpTime {
    /** Seconds from the NTP epoch (1900) to the Unix epoch (1970): 70 years, 17 of them leap. */
    static final long UNIX_EPOCH_SECONDS = (70L * 365 + 17) * 86_400;

    private NtpTime() {}

    /**
     * The NTP timestamp of {@code epochMicros} microseconds since 1970. The seconds field wraps in
     * 2036 (NTP era 1), as all 64-bit NTP timestamps do; readers resolve the era from context.
     */
    public static long fromEpochMicros(long epochMicros) {
        long seconds = Math.floorDiv(epochMicros, 1_000_000L) + UNIX_EPOCH_SECONDS;
        long micros = Math.floorMod(epochMicros, 1_000_000L);
        long fraction = (micros << 32) / 1_000_000L;
        return (seconds << 32) | fraction;
    }

    /** Microseconds since 1970 of an NTP timestamp in era 0 (1900 to 2036). */
    public static long toEpochMicros(long ntp) {
        long seconds = (ntp >>> 32) - UNIX_EPOCH_SECONDS;
        long fraction = ntp & 0xffff_ffffL;
        return seconds * 1_000_000L + ((fraction * 1_000_000L + (1L << 31)) >>> 32);
    }
}
