package org.camstream.camera;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.camstream.process.ProcessState;
import org.camstream.process.Lease;
import org.camstream.process.RestartPolicy;
import org.camstream.process.Scheduler;
import java.time.Duration;
import org.camstream.camera.source.Sources;
import org.camstream.config.CameraSettings;
import org.camstream.process.ProcessState;
import org.camstream.camera.source.Transcoder;
import org.camstream.config.Codec;
import org.camstream.hls.PartPlan;
import org.camstream.audio.AudioCaptures;
import org.camstream.audio.AudioLevel;
import org.camstream.stream.AudioSink;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.stream.H264Pipeline;

/**
 * The path of every frame of one camera, from its capture process to the viewers' fan-outs:
 *
 * <pre>
 * camera ──▶ pipeline of its codec ──────────────▶ fan-outs of that codec
 *        └─▶ transcoder (shared, on demand) ──▶ pipeline of the other codec ──▶ its fan-outs
 * </pre>
 *
 * The camera makes its native codec, H.264 or JPEG. H.264 pictures feed {@link H264Pipeline} (raw H.264, fMP4
 * for files and the WebSocket); JPEG pictures feed {@link JpegOutputs} (snapshot, stills, MJPEG). Viewers of
 * the other codec also hold a lease on the transcoder, one ffmpeg that exists only while they do.
 *
 * <p>Sound has its own process, supervised like the camera ({@link AudioCaptures}), whose AAC frames go into
 * the H.264 pipeline's fragments. Viewers of the MP4-based formats hold a lease on it beside the camera's; it
 * dies and restarts on its own, and the pictures never wait for it.
 */
final class CapturePath implements AutoCloseable {

    private final Codec nativeCodec;
    private final H264Pipeline video;
    private final JpegOutputs jpeg = new JpegOutputs();
    private final AtomicLong sequence = new AtomicLong();
    private final Transcoder transcoderFactory;
    private final CaptureSupervisor camera;
    private final CaptureSupervisor transcoder;
    private final CaptureSupervisor audio;
    private final AudioSink audioSink;
    private final AudioLevel audioLevel = new AudioLevel();
    private final Supplier<CameraSettings> settings;
    private final AtomicBoolean restartTranscoderWhenCameraRuns = new AtomicBoolean();

    /**
     * How much earlier than the times its frames arrive the sound was captured: ffmpeg's AAC encoder holds
     * back its priming frame and a frame of look-ahead. Measured with the test source's beeps and flashes.
     */
    static final long AUDIO_DELAY_NANOS = 30_000_000L;

    CapturePath(CameraSettings initial, Supplier<CameraSettings> settings, Supplier<Duration> idleStop,
            Scheduler scheduler, ScheduledExecutorService executor) {
        this(initial, settings, idleStop, scheduler, executor, AUDIO_DELAY_NANOS);
    }

    CapturePath(CameraSettings initial, Supplier<CameraSettings> settings, Supplier<Duration> idleStop,
            Scheduler scheduler, ScheduledExecutorService executor, long audioDelayNanos) {
        this.nativeCodec = initial.codec();
        this.settings = settings;
        this.video = new H264Pipeline(initial.fps(), longestSample(initial), System::nanoTime);
        video.setAudio(initial.audio().enabled() ? AudioCaptures.FORMAT : null);
        this.audioSink = new AudioSink(video.audioInbox(), audioDelayNanos);
        FrameSink nativeSink = nativeCodec == Codec.H264 ? video : jpeg;
        FrameSink transcodedSink = nativeCodec == Codec.H264 ? jpeg : video;
        this.transcoderFactory = new Transcoder(executor, this::transcoderSeed);
        FrameSink cameraOutput = new FrameSink() {
            @Override
            public void onFrame(Frame frame) {
                nativeSink.onFrame(frame);
                transcoderFactory.offer(frame);
            }

            @Override
            public void onCameraStopped() {
                nativeSink.onCameraStopped();
            }
        };
        String label = initial.name();
        this.camera = new CaptureSupervisor(label + " camera", new Sources(executor), settings, idleStop,
                cameraOutput, scheduler, RestartPolicy.standard(), sequence);
        this.transcoder = new CaptureSupervisor(label + " transcoder", transcoderFactory, settings, idleStop,
                transcodedSink, scheduler, RestartPolicy.standard(), sequence);
        this.audio = new CaptureSupervisor(label + " audio", new AudioCaptures(executor, audioLevel), settings,
                idleStop, audioSink, scheduler, RestartPolicy.standard(), new AtomicLong());
        camera.onStateChange(this::restartTranscoderIfDue);
    }

    /** What a new transcoder starts from, so it can output a picture at once. */
    private List<Frame> transcoderSeed() {
        if (nativeCodec == Codec.H264) {
            return video.annexB().gop();
        }
        Frame latest = jpeg.latest();
        return latest == null ? List.of() : List.of(latest);
    }

    /** A claim on JPEG pictures: the camera, and the transcoder when the camera makes H.264. */
    Lease acquireJpeg() {
        return acquire(Codec.MJPEG);
    }

    /** A claim on H.264 pictures: the camera, and the transcoder when the camera makes JPEG. */
    Lease acquireVideo() {
        return acquire(Codec.H264);
    }

    /**
     * A claim on the fMP4 fragments: H.264 pictures, and the sound when there is any. The sound's claim is
     * taken whatever the setting says, so that turning sound on reaches the viewers already watching; with
     * {@code audio=none} its process does nothing.
     */
    Lease acquireMp4() {
        Lease pictures = acquireVideo();
        try {
            return Lease.both(pictures, audio.acquire());
        } catch (RuntimeException e) {
            pictures.close();
            throw e;
        }
    }

    private Lease acquire(Codec wanted) {
        Lease cameraLease = camera.acquire();
        if (wanted == nativeCodec) {
            return cameraLease;
        }
        try {
            return Lease.both(cameraLease, transcoder.acquire());
        } catch (RuntimeException e) {
            cameraLease.close();
            throw e;
        }
    }

    /**
     * No picture may last longer on the shared timeline than an HLS part at the camera's frame rate: every part
     * then holds whatever sample comes (RFC 8216bis 4.4.4.9), and a longer wait for a picture is a gap, which
     * the timeline skips for every MP4-based format rather than stretch a picture over it.
     */
    private static int longestSample(CameraSettings settings) {
        return (int) PartPlan.forFrameRate(settings.fps()).partTargetTicks();
    }

    /** New settings: the camera restarts with them, and the transcoder once the camera's new pictures come. */
    void restartWithNewSettings() {
        restartTranscoderWhenCameraRuns.set(true);
        video.limitSamples(longestSample(settings.get()));
        video.setAudio(settings.get().audio().enabled() ? AudioCaptures.FORMAT : null);
        camera.restart();
        audio.restart();
    }

    // The transcoder's encoder keeps the picture size it started with; after new settings it must start again
    // on the camera's new pictures, not on the last ones of the old stream.
    private void restartTranscoderIfDue() {
        if (camera.state() == ProcessState.RUNNING && restartTranscoderWhenCameraRuns.compareAndSet(true, false)) {
            transcoder.restart();
        }
    }

    /** The supervisor whose pictures JPEG viewers see: the camera, or the transcoder for an H.264 camera. */
    CaptureSupervisor jpegSource() {
        return nativeCodec == Codec.MJPEG ? camera : transcoder;
    }

    /** Numbers every picture that goes to viewers, the camera's and the placeholders alike. */
    long nextSequence() {
        return sequence.incrementAndGet();
    }

    Codec nativeCodec() {
        return nativeCodec;
    }

    CaptureSupervisor camera() {
        return camera;
    }

    CaptureSupervisor transcoder() {
        return transcoder;
    }

    CaptureSupervisor audio() {
        return audio;
    }

    AudioSink audioSink() {
        return audioSink;
    }

    AudioLevel audioLevel() {
        return audioLevel;
    }

    H264Pipeline video() {
        return video;
    }

    JpegOutputs jpeg() {
        return jpeg;
    }

    /** The sound and the transcoder first: the transcoder quits promptly only while the camera still feeds it. */
    @Override
    public void close() {
        audio.close();
        transcoder.close();
        camera.close();
    }
}
