package org.camstream.camera;

import org.camstream.stream.FanOut;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.stream.MultipartPart;

/**
 * Where JPEG pictures go: the latest picture for {@code /snapshot.jpg}, and the same picture as a multipart
 * part for the MJPEG and stills streams, built once for all of them. Placeholders for an offline camera go to
 * the streams only, never to the snapshot or the transcoder.
 */
final class JpegOutputs implements FrameSink {

    private final FanOut<Frame> pictures = new FanOut<>();
    private final FanOut<MultipartPart> parts = new FanOut<>();
    /** {@link System#nanoTime()} of the last camera picture; what the placeholder measures silence from. */
    private volatile long lastPictureNanos = System.nanoTime();
    /** The last camera picture, kept through a stop: its size is the placeholder's. */
    private volatile Frame lastPicture;

    @Override
    public void onFrame(Frame frame) {
        lastPictureNanos = frame.captureNanos();
        lastPicture = frame;
        pictures.publish(frame);
        parts.publish(MultipartPart.of(frame));
    }

    @Override
    public void onCameraStopped() {
        pictures.clear();
        parts.clear();
    }

    /** Shows viewers of the streams a picture that is not the camera's. */
    void publishPlaceholder(Frame placeholder) {
        parts.publish(MultipartPart.placeholder(placeholder));
    }

    /** The latest camera picture, or null when the camera stopped since. */
    Frame latest() {
        return pictures.latest();
    }

    Frame lastPicture() {
        return lastPicture;
    }

    long lastPictureNanos() {
        return lastPictureNanos;
    }

    FanOut<Frame> pictures() {
        return pictures;
    }

    FanOut<MultipartPart> parts() {
        return parts;
    }
}
