package org.camstream.process;

/**
 * Receives what a capture process produces: encoded samples, each a picture or a frame of sound, whole. Called
 * on the process's reader threads; must not block.
 */
public interface SampleListener {

    /** A whole encoded sample; the array is the listener's to keep. {@code sync}: a keyframe, or any sound. */
    void onSample(byte[] data, boolean sync);

    /**
     * A whole H.264 picture, already parsed, with the parameter sets it decodes with: a listener that needs the
     * NAL units takes them from here rather than parse the bytes again.
     */
    default void onPicture(byte[] annexB, org.camstream.codec.h264.CodedPicture picture) {
        onSample(annexB, picture.isKeyframe());
    }

    /**
     * A whole sample captured earlier than it arrived, such as a transcoder's output: the time is that of the
     * camera's picture it was made from.
     */
    default void onSample(byte[] data, boolean sync, CaptureTime captured) {
        onSample(data, sync);
    }

    /** A parsed H.264 picture captured earlier than it arrived. */
    default void onPicture(byte[] annexB, org.camstream.codec.h264.CodedPicture picture, CaptureTime captured) {
        onSample(annexB, picture.isKeyframe(), captured);
    }

    /** A sample the parser had to throw away, with the reason. */
    void onDiscard(String reason, long bytes);

    /** A line the process wrote to its standard error. */
    void onLogLine(String line);
}
