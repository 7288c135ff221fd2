package org.camstream.publish;

import java.time.Instant;
import java.util.List;
import org.camstream.camera.CameraError;

/**
 * A snapshot of one relay publisher for {@code /api/status}. Every text in it has its secrets masked.
 *
 * @param url the relay's URL as {@link org.camstream.config.PublishUrl} shows it
 * @param since when the publisher entered {@code state}
 * @param bitrate bits per second reaching the relay, over the last two seconds
 * @param frames pictures the current ffmpeg has written to the relay
 * @param bytes bytes the current ffmpeg has written to the relay
 * @param droppedFrames fragments skipped, since the server started, because ffmpeg did not keep up
 * @param restarts how many times ffmpeg was started again after it ended
 * @param lastError the trouble the publisher is in now; null while it publishes
 * @param previousError the last error it recovered from
 * @param retryAt when the next try is due, while {@code state} is {@link PublisherState#RETRYING}
 */
public record PublisherStatus(
        String url,
        String format,
        PublisherState state,
        Instant since,
        long bitrate,
        long frames,
        long bytes,
        long droppedFrames,
        int restarts,
        Integer width,
        Integer height,
        CameraError lastError,
        CameraError previousError,
        Instant retryAt,
        Long pid,
        List<String> recentLog) {
}
