package org.camstream.camera.source;

/**
 * How many threads ffmpeg's JPEG encoder gets. Slice threads, never frame threads: a frame thread holds each
 * picture back one picture per extra thread (ffmpeg's default, "auto", cost the transcoder 33 ms at 30 fps),
 * while slice threads split one picture across cores and hand it on as soon as it is done. More slices make a
 * JPEG somewhat larger (each slice restarts the entropy coder; +27% at 1280x720 with two), which every viewer
 * then receives, so a picture gets a thread per 640x480 of area, up to the cores the board has and at most 4.
 * A Pi Zero 2 W's slow cores need that at 1280x720 to keep up with 30 fps.
 */
final class EncoderThreads {

    static final int MAX = 4;
    private static final int PIXELS_PER_THREAD = 640 * 480;

    private EncoderThreads() {
    }

    static int forPicture(int width, int height, int cores) {
        long pixels = (long) width * height;
        int wanted = (int) Math.max(1, Math.round(pixels / (double) PIXELS_PER_THREAD));
        return Math.max(1, Math.min(wanted, Math.min(cores, MAX)));
    }

    static int forPicture(int width, int height) {
        return forPicture(width, height, Runtime.getRuntime().availableProcessors());
    }
}
