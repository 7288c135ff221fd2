package org.camstream.camera;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.camstream.process.ProcessError;
import org.camstream.process.ProcessState;
import org.camstream.camera.CaptureStatus;
import org.camstream.config.CameraSettings;
import org.camstream.stream.Frame;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While the camera has produced no picture for {@value #SILENCE_MILLIS} ms and MJPEG or stills viewers wait,
 * they are sent a placeholder picture once a second, at the stream's size: the camera is offline, why in a few
 * words, and that camstream is retrying (µStreamer's "NO LIVE VIDEO"). When pictures come back the stream goes
 * on by itself. The snapshot, H.264, MP4 and WebSocket viewers never get one: they are told in other ways.
 * It costs nothing while the camera delivers, and one small drawing a second while it does not.
 */
final class OfflinePlaceholder implements AutoCloseable {

    static final long SILENCE_MILLIS = 1_000;
    private static final long SILENCE_NANOS = TimeUnit.MILLISECONDS.toNanos(SILENCE_MILLIS);
    private static final long CHECK_MILLIS = 250;
    private static final Logger LOG = LoggerFactory.getLogger(OfflinePlaceholder.class);

    private final CapturePath path;
    private final Supplier<CameraSettings> settings;
    private final ScheduledFuture<?> check;
    // Touched only by the check, on the scheduler's one thread.
    private long watchedSince = Long.MIN_VALUE;
    private long lastShownNanos = System.nanoTime() - 2 * SILENCE_NANOS;
    private boolean failedOnce;

    OfflinePlaceholder(CapturePath path, Supplier<CameraSettings> settings, ScheduledExecutorService executor) {
        this.path = path;
        this.settings = settings;
        this.check = executor.scheduleWithFixedDelay(this::check, CHECK_MILLIS, CHECK_MILLIS, TimeUnit.MILLISECONDS);
    }

    /** Runs every {@value #CHECK_MILLIS} ms; never throws, or the executor would stop running it. */
    private void check() {
        try {
            checkNow();
        } catch (RuntimeException | LinkageError e) {
            if (!failedOnce) {
                failedOnce = true;
                LOG.warn("Cannot show the camera-offline picture", e);
            }
        }
    }

    private void checkNow() {
        JpegOutputs jpeg = path.jpeg();
        long now = System.nanoTime();
        if (jpeg.parts().subscriberCount() == 0) {
            watchedSince = Long.MIN_VALUE;
            return;
        }
        if (watchedSince == Long.MIN_VALUE) {
            watchedSince = now; // a camera that starts for the first viewer gets its second before anyone is told
        }
        long silentSince = Math.max(jpeg.lastPictureNanos(), watchedSince);
        if (now - silentSince < SILENCE_NANOS || now - lastShownNanos < SILENCE_NANOS) {
            return;
        }
        lastShownNanos = now;
        jpeg.publishPlaceholder(draw());
    }

    private Frame draw() {
        CaptureStatus camera = path.camera().status();
        CaptureStatus source = camera.isLive() && path.jpegSource() != path.camera() ? path.jpegSource().status() : camera;
        int[] size = size();
        byte[] jpeg = PlaceholderImage.render(size[0], size[1], title(source), reason(source), action(source));
        return Frame.capturedNow(jpeg, path.nextSequence(), true);
    }

    /** The last picture's size when there was one, since a copied stream keeps its source's size. */
    private int[] size() {
        Frame last = path.jpeg().lastPicture();
        int[] size = last == null ? null : JpegSize.of(last);
        if (size != null) {
            return size;
        }
        CameraSettings s = settings.get();
        return new int[] {s.width(), s.height()};
    }

    static String title(CaptureStatus status) {
        return status.lastError() == null && status.state() == ProcessState.STARTING ? "Camera starting" : "Camera offline";
    }

    /** Why, in a few words: the program's last words if it left some, else what the supervisor knows. */
    static String reason(CaptureStatus status) {
        ProcessError error = status.lastError();
        if (error == null) {
            return status.state() == ProcessState.STARTING ? "waiting for the first picture" : "no pictures from the camera";
        }
        String message = error.message();
        if (message.contains("in use by another process")) {
            return "the camera is in use by another process";
        }
        int lastOutput = message.indexOf("(last output: ");
        if (lastOutput >= 0 && message.endsWith(")")) {
            return message.substring(lastOutput + "(last output: ".length(), message.length() - 1);
        }
        return message;
    }

    static String action(CaptureStatus status) {
        Instant retry = status.retryAt();
        if (status.state() == ProcessState.RESTARTING && retry != null) {
            long seconds = Math.max(1, Duration.between(Instant.now(), retry).toMillis() / 1000 + 1);
            return "retrying in " + seconds + " s";
        }
        return status.state() == ProcessState.STARTING ? "starting…" : "retrying";
    }

    @Override
    public void close() {
        check.cancel(false);
    }
}
