package org.camstream.stream;

/** Where the camera's frames go. Called on the camera's reader thread; must not block. */
public interface FrameSink {

    void onFrame(Frame frame);

    /** The camera process ended: whatever was latest is now stale. */
    void onCameraStopped();
}
