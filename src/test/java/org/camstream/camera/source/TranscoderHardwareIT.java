package org.camstream.camera.source;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.camstream.process.ChildProcess;
import org.camstream.process.SampleListener;
import org.camstream.config.Codec;
import org.camstream.config.CameraSettings;
import org.camstream.stream.Frame;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The JPEG-to-H.264 transcoder on a board said to have the Pi's hardware encoder. This machine has none, so
 * Debian's ffmpeg, which has h264_v4l2m2m, finds no device: exactly what a busy or missing encoder does on a
 * Pi. The transcoder must then encode in software and deliver pictures.
 */
class TranscoderHardwareIT {

    private final ScheduledExecutorService scheduler = Executors.newScheduledThreadPool(2);
    private final List<ChildProcess> started = new CopyOnWriteArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (ChildProcess capture : started) {
            capture.kill();
        }
        scheduler.shutdownNow();
    }

    @Test
    void aHardwareEncoderThatGivesNoPictureIsReplacedBySoftware() throws Exception {
        CameraSettings settings = CameraSettings.builder().codec(Codec.MJPEG).size(320, 240).fps(10).build();
        byte[] jpeg = oneJpeg();
        Transcoder transcoder = new Transcoder(scheduler, List::of, () -> true);
        assertTrue(transcoder.usesHardware());

        AtomicInteger hardwarePictures = new AtomicInteger();
        ChildProcess hardware = start(transcoder, settings, hardwarePictures);
        feedUntil(transcoder, jpeg, () -> hardware.exit().isDone(), Duration.ofSeconds(20));
        assertTrue(hardwarePictures.get() == 0, "no device here: the hardware encoder gives nothing");
        Poll.until(Duration.ofSeconds(5), "the transcoder to give up the hardware", () -> !transcoder.usesHardware());

        AtomicInteger softwarePictures = new AtomicInteger();
        ChildProcess software = start(transcoder, settings, softwarePictures);
        feedUntil(transcoder, jpeg, () -> softwarePictures.get() >= 5, Duration.ofSeconds(20));
        assertFalse(software.exit().isDone(), "libx264 keeps running");
    }

    private ChildProcess start(Transcoder transcoder, CameraSettings settings, AtomicInteger pictures) throws Exception {
        ChildProcess capture = transcoder.start(settings, new SampleListener() {
            @Override
            public void onSample(byte[] data, boolean keyframe) {
                pictures.incrementAndGet();
            }

            @Override
            public void onDiscard(String reason, long bytes) {
            }

            @Override
            public void onLogLine(String line) {
            }
        });
        started.add(capture);
        return capture;
    }

    /** Offers the picture at 10 fps, as a camera would, until {@code done}. */
    private static void feedUntil(Transcoder transcoder, byte[] jpeg, java.util.function.BooleanSupplier done,
            Duration timeout) {
        long[] sequence = {0};
        long[] next = {System.nanoTime()};
        Poll.until(timeout, "the transcoder's answer", () -> {
            if (System.nanoTime() >= next[0]) {
                next[0] += TimeUnit.MILLISECONDS.toNanos(100);
                transcoder.offer(Frame.capturedNow(jpeg.clone(), ++sequence[0], true));
            }
            return done.getAsBoolean();
        });
    }

    private static byte[] oneJpeg() throws IOException, InterruptedException {
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-loglevel", "error", "-f", "lavfi", "-i",
                "testsrc=size=320x240:rate=1", "-frames:v", "1", "-f", "mjpeg", "-").start();
        byte[] jpeg = ffmpeg.getInputStream().readAllBytes();
        assertTrue(ffmpeg.waitFor(10, TimeUnit.SECONDS) && jpeg.length > 1000, "ffmpeg made a JPEG");
        return jpeg;
    }
}
