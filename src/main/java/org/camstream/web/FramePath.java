package org.camstream.web;

import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;
import org.camstream.camera.CameraState;
import org.camstream.camera.CaptureSupervisor;
import org.camstream.camera.Lease;
import org.camstream.camera.RestartPolicy;
import org.camstream.camera.Scheduler;
import org.camstream.camera.source.Sources;
import org.camstream.camera.source.Transcoder;
import org.camstream.config.Codec;
import org.camstream.config.Settings;
import org.camstream.stream.Frame;
import org.camstream.stream.FrameSink;
import org.camstream.stream.H264Pipeline;

/**
 * The path of every frame, from the camera to the viewers' fan-outs:
 *
 * <pre>
 * camera ──▶ pipeline of its codec ──────────────▶ fan-outs of that codec
 *        └─▶ transcoder (shared, on demand) ──▶ pipeline of the other codec ──▶ its fan-outs
 * </pre>
 *
 * The camera makes its native codec, H.264 or JPEG. H.264 pictures feed {@link H264Pipeline} (raw H.264, fMP4
 * for files and the WebSocket); JPEG pictures feed {@link JpegOutputs} (snapshot, stills, MJPEG). Viewers of
 * the other codec also hold a lease on the transcoder, one ffmpeg that exists only while they do.
 */
final class FramePath implements AutoCloseable {

    private final Codec nativeCodec;
    private final H264Pipeline video;
    private final JpegOutputs jpeg = new JpegOutputs();
    private final AtomicLong sequence = new AtomicLong();
    private final Transcoder transcoderFactory;
    private final CaptureSupervisor camera;
    private final CaptureSupervisor transcoder;
    private final AtomicBoolean restartTranscoderWhenCameraRuns = new AtomicBoolean();

    FramePath(Settings initial, Supplier<Settings> settings, Scheduler scheduler, ScheduledExecutorService executor) {
        this.nativeCodec = initial.codec();
        this.video = new H264Pipeline(initial.fps());
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
        this.camera = new CaptureSupervisor("camera", new Sources(executor), settings, cameraOutput, scheduler,
                RestartPolicy.standard(), sequence);
        this.transcoder = new CaptureSupervisor("transcoder", transcoderFactory, settings, transcodedSink, scheduler,
                RestartPolicy.standard(), sequence);
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

    /** New settings: the camera restarts with them, and the transcoder once the camera's new pictures come. */
    void restartWithNewSettings() {
        restartTranscoderWhenCameraRuns.set(true);
        camera.restart();
    }

    // The transcoder's encoder keeps the picture size it started with; after new settings it must start again
    // on the camera's new pictures, not on the last ones of the old stream.
    private void restartTranscoderIfDue() {
        if (camera.state() == CameraState.RUNNING && restartTranscoderWhenCameraRuns.compareAndSet(true, false)) {
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

    H264Pipeline video() {
        return video;
    }

    JpegOutputs jpeg() {
        return jpeg;
    }

    /** The transcoder first: it quits promptly only while the camera still feeds it. */
    @Override
    public void close() {
        transcoder.close();
        camera.close();
    }
}
