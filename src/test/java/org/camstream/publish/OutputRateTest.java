package org.camstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class OutputRateTest {

    private static final long MS = 1_000_000L;

    @Test
    void theRateIsTheGrowthOfTheCountOverTheWindow() {
        OutputRate rate = new OutputRate();
        for (int i = 0; i <= 8; i++) {
            rate.report(i * 500 * MS, i * 62_500L); // 1 Mbit/s, reported twice a second
        }
        assertEquals(1_000_000, rate.bitsPerSecond(4_000 * MS));
    }

    @Test
    void noRateWithoutTwoReportsOrWhenTheyStopped() {
        OutputRate rate = new OutputRate();
        assertEquals(0, rate.bitsPerSecond(0));
        rate.report(0, 1000);
        assertEquals(0, rate.bitsPerSecond(100 * MS));
        rate.report(500 * MS, 63_500);
        assertEquals(1_000_000, rate.bitsPerSecond(600 * MS));
        assertEquals(0, rate.bitsPerSecond(3_000 * MS), "ffmpeg stopped reporting: nothing is getting through");
    }

    @Test
    void aNewProcessCountsFromZero() {
        OutputRate rate = new OutputRate();
        rate.report(0, 0);
        rate.report(500 * MS, 1_000_000);
        rate.report(1_000 * MS, 0);
        rate.report(1_500 * MS, 62_500);
        assertEquals(1_000_000, rate.bitsPerSecond(1_600 * MS));
    }
}
