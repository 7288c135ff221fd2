package org.camstream.camera.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class EncoderThreadsTest {

    @Test
    void aThreadPer640x480UpToTheCoresAndFour() {
        assertEquals(1, EncoderThreads.forPicture(640, 480, 4));
        assertEquals(1, EncoderThreads.forPicture(320, 240, 4));
        assertEquals(3, EncoderThreads.forPicture(1280, 720, 4));
        assertEquals(2, EncoderThreads.forPicture(1280, 720, 2), "no more than the cores");
        assertEquals(4, EncoderThreads.forPicture(1920, 1080, 8), "at most four");
        assertEquals(1, EncoderThreads.forPicture(1920, 1080, 1));
    }
}
