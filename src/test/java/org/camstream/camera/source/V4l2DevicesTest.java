package org.camstream.camera.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * ffmpeg's listing of a webcam's formats. No webcam is attached where the tests run, so the input is ffmpeg
 * 5.1's output format for a typical UVC webcam, as libavdevice/v4l2.c prints it.
 */
class V4l2DevicesTest {

    @Test
    void parsesCompressedAndRawFormatsWithTheirSizes() {
        String output = String.join("\n",
                "[video4linux2,v4l2 @ 0x55d0c7f0a5c0] Compressed:       mjpeg :          Motion-JPEG : 1920x1080 1280x720 640x480",
                "[video4linux2,v4l2 @ 0x55d0c7f0a5c0] Raw       :     yuyv422 :           YUYV 4:2:2 : 640x480 320x240",
                "[video4linux2,v4l2 @ 0x55d0c7f0a5c0] Compressed:        h264 :                H.264 : 1920x1080 1280x720",
                "/dev/video0: Immediate exit requested");
        List<V4l2Device.Format> formats = V4l2Devices.parseFormats(output);
        assertEquals(3, formats.size());
        assertEquals(new V4l2Device.Format(true, "mjpeg", "Motion-JPEG", List.of("1920x1080", "1280x720", "640x480")),
                formats.get(0));
        assertFalse(formats.get(1).compressed());
        assertEquals("yuyv422", formats.get(1).format());
        assertEquals("YUYV 4:2:2", formats.get(1).description());
        V4l2Device device = new V4l2Device("/dev/video0", "HD Webcam", formats);
        assertTrue(device.offers("h264"));
        assertFalse(device.offers("nv12"));
    }

    @Test
    void aMissingDeviceHasNoFormats() {
        assertTrue(V4l2Devices.formats("/dev/video-that-does-not-exist").isEmpty());
    }
}
