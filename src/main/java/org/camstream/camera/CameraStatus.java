package org.camstream.camera;

import java.util.List;

/** A consistent snapshot of the camera for status pages. */
public record CameraStatus(
        String source,
        CameraState state,
        int width,
        int height,
        double configuredFps,
        double measuredFps,
        long frames,
        long discardedFrames,
        int restarts,
        String lastError,
        Long pid,
        List<String> recentLog,
        List<String> notes) {
}
