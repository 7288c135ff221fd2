package org.camstream.camera;

import java.time.Instant;
import java.util.List;

/**
 * A consistent snapshot of a capture process for status pages. Every text in it has its secrets masked.
 *
 * @param since when the supervisor entered {@code state}
 * @param lastError the trouble the camera is in now; null once it delivers pictures again
 * @param previousError the last error the camera has recovered from, kept for a while as history
 * @param retryAt when the next start is due, while {@code state} is {@link CameraState#RESTARTING}
 * @param logLines how many lines the processes printed in all, of which {@code recentLog} are the last
 */
public record CameraStatus(
        String source,
        CameraState state,
        Instant since,
        int width,
        int height,
        double configuredFps,
        double measuredFps,
        long frames,
        long discardedFrames,
        int restarts,
        CameraError lastError,
        CameraError previousError,
        Instant retryAt,
        Long pid,
        long logLines,
        List<String> recentLog,
        List<String> notes) {

    /** Whether pictures are arriving: the process is running and has delivered its first. */
    public boolean isLive() {
        return state == CameraState.RUNNING;
    }
}
