package org.camstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class PacerTest {

    private static final long CAMERA_INTERVAL = 1_000_000_000L / 30;

    @Test
    void letsThroughTheRequestedRateFromAFasterCamera() {
        assertEquals(20, admittedInTenSeconds(2.0, CAMERA_INTERVAL, 0));
        assertEquals(5, admittedInTenSeconds(0.5, CAMERA_INTERVAL, 0));
        assertEquals(300, admittedInTenSeconds(30.0, CAMERA_INTERVAL, 0), "at the camera's rate, every frame");
    }

    @Test
    void cameraJitterDoesNotCostFrames() {
        // Frames arrive up to 5 ms early or late around the nominal 30 fps cadence.
        assertEquals(300, admittedInTenSeconds(30.0, CAMERA_INTERVAL, 5_000_000L));
        assertEquals(100, admittedInTenSeconds(10.0, CAMERA_INTERVAL, 5_000_000L));
    }

    @Test
    void afterAGapTheCadenceRestartsInsteadOfBursting() {
        Pacer pacer = new Pacer(2.0, CAMERA_INTERVAL);
        assertEquals(true, pacer.admit(0));
        long afterGap = 10_000_000_000L;
        assertEquals(true, pacer.admit(afterGap));
        assertEquals(false, pacer.admit(afterGap + CAMERA_INTERVAL), "no catch-up burst");
        assertEquals(true, pacer.admit(afterGap + 500_000_000L));
    }

    private static int admittedInTenSeconds(double rate, long cameraInterval, long jitter) {
        Pacer pacer = new Pacer(rate, cameraInterval);
        java.util.Random random = new java.util.Random(1);
        int admitted = 0;
        for (int i = 0; i < 300; i++) {
            long offset = jitter == 0 ? 0 : (long) ((random.nextDouble() * 2 - 1) * jitter);
            if (pacer.admit(i * cameraInterval + offset)) {
                admitted++;
            }
        }
        return admitted;
    }
}
