package org.camstream.mp4;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Duration;
import java.time.Instant;
import java.util.Random;
import org.junit.jupiter.api.Test;

class NtpTimeTest {
    private static final Instant NTP_EPOCH = Instant.parse("1900-01-01T00:00:00Z");

    @Test
    void secondsCountFrom1900AndTheFractionIsBinary() {
        Random random = new Random(61);
        for (int i = 0; i < 10_000; i++) {
            // Between 1970 and 2036, where the 32-bit seconds field does not wrap.
            long micros = random.nextLong(0, 2_085_978_496L * 1_000_000L);
            Duration since1900 = Duration.between(NTP_EPOCH, Instant.EPOCH.plus(Duration.ofNanos(micros * 1000)));
            long ntp = NtpTime.fromEpochMicros(micros);
            assertEquals(since1900.getSeconds(), ntp >>> 32, "micros " + micros);
            double fraction = (ntp & 0xffff_ffffL) / 4294967296.0;
            assertEquals(since1900.getNano() / 1e9, fraction, 1e-9, "micros " + micros);
            assertEquals(micros, NtpTime.toEpochMicros(ntp), "round trip " + micros);
        }
    }

    @Test
    void unixEpoch() {
        assertEquals(Duration.between(NTP_EPOCH, Instant.EPOCH).getSeconds() << 32, NtpTime.fromEpochMicros(0));
    }
}
