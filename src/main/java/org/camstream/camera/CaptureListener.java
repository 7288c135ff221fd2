package org.camstream.camera;

/** Receives what a camera process produces. Called on the process's reader threads; must not block. */
public interface CaptureListener {

    /** A whole encoded picture; the array is the listener's to keep. */
    void onPicture(byte[] data, boolean keyframe);

    /**
     * A whole picture whose capture happened earlier than its arrival, such as a transcoder's output: the
     * times are those of the camera picture it was made from.
     */
    default void onPicture(byte[] data, boolean keyframe, long captureEpochMicros, long captureNanos) {
        onPicture(data, keyframe);
    }

    /** A picture the parser had to throw away, with the reason. */
    void onDiscard(String reason, long bytes);

    /** A line the process wrote to its standard error. */
    void onLogLine(String line);
}
