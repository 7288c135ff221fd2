package org.camstream.camera.source;

import com.github.kokorin.jaffree.ffmpeg.PipeInput;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.camstream.codec.h264.CodedPicture;
import org.camstream.config.Codec;
import org.camstream.process.CaptureTime;
import org.camstream.config.CameraSettings;
import org.camstream.stream.Frame;
import org.camstream.process.ChildProcess;
import org.camstream.process.SampleListener;
import org.camstream.process.StartException;
import org.camstream.process.Launcher;
import org.camstream.process.FfmpegProcess;
import org.camstream.camera.picture.FlvPictureParser;
import org.camstream.camera.picture.MjpegPictureParser;

/**
 * The one shared transcoder: an ffmpeg that turns the camera's pictures into the other codec, H.264 into
 * JPEG or JPEG into H.264, for the viewers who need it. Run under a {@link CaptureSupervisor}, so it starts
 * with the first such viewer, stops after the last, and is restarted if it dies. Never one per viewer.
 *
 * <p>JPEG into H.264 uses the Pi's hardware encoder where there is one (up to the Pi 4). If it gives no
 * picture (the device is busy, or this ffmpeg cannot drive it), the transcoder encodes in software from then
 * on, until the server restarts.
 */
public final class Transcoder implements Launcher {

    private static final Logger LOG = LoggerFactory.getLogger(Transcoder.class);
    private static final int PIPE_BUFFER_BYTES = 64 * 1024;

    private final ScheduledExecutorService scheduler;
    private final Supplier<List<Frame>> seed;
    private final BooleanSupplier hardwareEncoder;
    private final AtomicReference<TranscoderInput> feed = new AtomicReference<>();
    private volatile boolean hardwareFailed;

    /**
     * @param seed the pictures a new transcoder starts with, so it can output one at once: the camera's
     *     cached GOP for H.264, or its latest picture for JPEG
     */
    public Transcoder(ScheduledExecutorService scheduler, Supplier<List<Frame>> seed) {
        this(scheduler, seed, () -> HardwareEncoder.present(HardwareEncoder.VIDEO4LINUX));
    }

    /** @param hardwareEncoder whether this board has the hardware H.264 encoder; asked at each start */
    Transcoder(ScheduledExecutorService scheduler, Supplier<List<Frame>> seed, BooleanSupplier hardwareEncoder) {
        this.scheduler = scheduler;
        this.seed = seed;
        this.hardwareEncoder = hardwareEncoder;
    }

    /** Whether the next JPEG-to-H.264 start would use the hardware encoder. */
    boolean usesHardware() {
        return !hardwareFailed && hardwareEncoder.getAsBoolean();
    }

    /** Hands a camera picture to the running transcoder, if there is one. Called on the camera's thread. */
    public void offer(Frame frame) {
        TranscoderInput current = feed.get();
        if (current != null) {
            current.offer(frame);
        }
    }

    @Override
    public ChildProcess start(CameraSettings settings, SampleListener listener) throws StartException {
        boolean fromH264 = settings.codec() == Codec.H264;
        TranscoderInput input = new TranscoderInput(settings.fps(), fromH264);
        for (Frame frame : seed.get()) {
            input.offer(frame);
        }
        TranscoderInput previous = feed.getAndSet(input);
        if (previous != null) {
            previous.close();
        }
        OriginalTimes timed = new OriginalTimes(listener, input);
        boolean hardware = !fromH264 && usesHardware();
        PipeInput pipe = PipeInput.pumpFrom(input, PIPE_BUFFER_BYTES)
                .setFormat(fromH264 ? "h264" : "mjpeg")
                // Decode each picture as soon as it is whole: no probing, no frame threads. Not -fflags nobuffer:
                // with it ffmpeg 5.1 drops input frames, and every output picture must match an input one.
                .addArguments("-probesize", "32")
                .addArguments("-analyzeduration", "0")
                .addArguments("-flags", "low_delay")
                .addArguments("-threads", "1");
        ChildProcess capture;
        if (fromH264) {
            capture = FfmpegProcess.start(List.of(pipe), output -> TestPatternCapture.configureMjpeg(output, settings)
                    .addArguments("-fps_mode", "passthrough"), new MjpegPictureParser(timed), timed, scheduler);
        } else {
            capture = FfmpegProcess.start(List.of(pipe), output -> {
                if (hardware) {
                    H264Output.configureHardware(output, settings);
                } else {
                    H264Output.configure(output, settings);
                }
                output.addArguments("-fps_mode", "passthrough");
            }, new FlvPictureParser(timed), timed, scheduler);
        }
        capture.exit().whenComplete((how, error) -> {
            input.close();
            feed.compareAndSet(input, null);
            if (hardware && timed.pictures() == 0) {
                hardwareFailed = true;
                LOG.warn("The hardware H.264 encoder ({}) gave no picture; the transcoder encodes in software "
                        + "(libx264) from now on", H264Output.HARDWARE_ENCODER);
            }
        });
        return capture;
    }

    /** Stamps each transcoded picture with the capture times of the camera picture it came from. */
    private static final class OriginalTimes implements SampleListener {
        private final SampleListener listener;
        private final TranscoderInput input;
        private final AtomicLong pictures = new AtomicLong();

        OriginalTimes(SampleListener listener, TranscoderInput input) {
            this.listener = listener;
            this.input = input;
        }

        long pictures() {
            return pictures.get();
        }

        @Override
        public void onSample(byte[] data, boolean keyframe) {
            pictures.incrementAndGet();
            CaptureTime captured = input.nextCaptureTime();
            if (captured == null) {
                listener.onSample(data, keyframe);
            } else {
                listener.onSample(data, keyframe, captured);
            }
        }

        @Override
        public void onPicture(byte[] annexB, CodedPicture picture) {
            pictures.incrementAndGet();
            CaptureTime captured = input.nextCaptureTime();
            if (captured == null) {
                listener.onPicture(annexB, picture);
            } else {
                listener.onPicture(annexB, picture, captured);
            }
        }

        @Override
        public void onDiscard(String reason, long bytes) {
            input.nextCaptureTime();
            listener.onDiscard(reason, bytes);
        }

        @Override
        public void onLogLine(String line) {
            listener.onLogLine(line);
        }
    }
}
