package org.camstream.camera.source;

import java.util.List;

/**
 * A Raspberry Pi camera on a CSI port, as {@code rpicam-hello --list-cameras} lists it.
 *
 * @param index what the {@code camera} setting names it by
 * @param sensor the sensor's name, such as {@code imx708}
 * @param modes its sensor modes, such as {@code 2304x1296 [56.03 fps]}
 */
public record CsiCamera(int index, String sensor, int width, int height, List<String> modes) {

    public CsiCamera {
        modes = List.copyOf(modes);
    }
}
