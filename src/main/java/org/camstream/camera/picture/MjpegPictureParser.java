package org.camstream.camera.picture;

import org.camstream.process.SampleParser;

import org.camstream.process.SampleListener;

import org.camstream.codec.jpeg.JpegSplitter;

/** Pictures from an MJPEG byte stream: every JPEG is a keyframe. */
public final class MjpegPictureParser implements SampleParser {

    private final JpegSplitter splitter;

    public MjpegPictureParser(SampleListener listener) {
        this.splitter = new JpegSplitter(new JpegSplitter.Listener() {
            @Override
            public void onImage(byte[] jpeg) {
                listener.onSample(jpeg, true);
            }

            @Override
            public void onDiscard(JpegSplitter.DiscardReason reason, long bytes) {
                listener.onDiscard("JPEG " + reason.name().toLowerCase(java.util.Locale.ROOT), bytes);
            }
        });
    }

    @Override
    public void feed(byte[] buffer, int offset, int length) {
        splitter.feed(buffer, offset, length);
    }
}
