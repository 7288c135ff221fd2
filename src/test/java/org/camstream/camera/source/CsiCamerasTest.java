package org.camstream.camera.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

/** What rpicam-hello --list-cameras prints on a Pi 5 with two cameras, and on a board with none. */
class CsiCamerasTest {

    private static final String PI5_TWO_CAMERAS = """
            Available cameras
            -----------------
            0 : imx708 [4608x2592 10-bit RGGB] (/base/axi/pcie@120000/rp1/i2c@88000/imx708@1a)
                Modes: 'SRGGB10_CSI2P' : 1536x864 [120.13 fps - (768, 432)/3072x1728 crop]
                                         2304x1296 [56.03 fps - (0, 0)/4608x2592 crop]
                                         4608x2592 [14.35 fps - (0, 0)/4608x2592 crop]

            1 : ov5647 [2592x1944 10-bit GBRG] (/base/axi/pcie@120000/rp1/i2c@80000/ov5647@36)
                Modes: 'SGBRG10_CSI2P' : 640x480 [58.92 fps - (16, 0)/2560x1920 crop]
                                         1296x972 [43.25 fps - (0, 0)/2592x1944 crop]
            """;

    @Test
    void bothCamerasWithTheirSensorsSizesAndModes() {
        List<CsiCamera> cameras = CsiCameras.parse(PI5_TWO_CAMERAS);
        assertEquals(2, cameras.size());
        assertEquals(new CsiCamera(0, "imx708", 4608, 2592, List.of("1536x864 at 120.13 fps", "2304x1296 at 56.03 fps",
                "4608x2592 at 14.35 fps")), cameras.get(0));
        assertEquals(new CsiCamera(1, "ov5647", 2592, 1944, List.of("640x480 at 58.92 fps", "1296x972 at 43.25 fps")),
                cameras.get(1));
    }

    @Test
    void noCamerasOrAnErrorMeansNone() {
        assertEquals(List.of(), CsiCameras.parse("No cameras available!\n"));
        assertEquals(List.of(), CsiCameras.parse("ERROR: *** no cameras available ***\n"));
    }
}
