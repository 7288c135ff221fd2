package org.camstream.camera;

import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CopyOnWriteArrayList;
import org.camstream.audio.AudioLevel;
import org.camstream.config.CameraSettings;
import org.camstream.config.Codec;
import org.camstream.hls.HeldRequests;
import org.camstream.hls.HlsCounters;
import org.camstream.hls.HlsService;
import org.camstream.process.Lease;
import org.camstream.process.Scheduler;
import org.camstream.publish.Publishers;
import org.camstream.config.RecordMode;
import org.camstream.record.Recorder;
import org.camstream.record.Recordings;
import org.camstream.stream.AudioSink;
import org.camstream.stream.FanOut;
import org.camstream.stream.Frame;
import org.camstream.stream.GopFanOut;
import org.camstream.stream.H264Pipeline;
import org.camstream.stream.Mp4Chunk;
import org.camstream.stream.MultipartPart;
import org.camstream.timelapse.CameraTimelapse;
import org.camstream.timelapse.StillSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One camera, whole: everything between its device and its viewers, and nothing another camera shares.
 *
 * <pre>
 * capture process ──▶ pipeline of its codec ─────────────────────────▶ fan-outs: JPEG, multipart, H.264, fMP4
 *                 └─▶ transcoder (on demand) ──▶ pipeline of the other codec ──▶ its fan-outs
 * sound process ──▶ the fMP4 fragments' second track
 * fMP4 fan-out ──▶ HLS muxer (on demand), relays
 * no pictures ──▶ "camera offline" placeholder for MJPEG and stills viewers
 * </pre>
 *
 * The capture path is {@link CapturePath}. Viewers hold {@link Lease}s on what they need, and subscribe to the
 * fan-outs; a camera that fails, restarts, changes size or is removed touches no other camera's processes,
 * caches or viewers. The scheduler's thread is shared, but nothing here blocks on it.
 */
public final class Camera implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(Camera.class);

    private final String name;
    private volatile CameraSettings settings;
    private final CapturePath path;
    private final OfflinePlaceholder placeholder;
    private final HlsService hls;
    private final HlsCounters hlsCounters = new HlsCounters();
    private final Publishers relays;
    private final StreamCounters counters = new StreamCounters();
    private final ViewerLimit viewers;
    private final StatusHistory history;
    private final List<Runnable> closeListeners = new CopyOnWriteArrayList<>();
    private final Recordings recordings;
    private final java.util.concurrent.atomic.AtomicReference<Recorder> recorder =
            new java.util.concurrent.atomic.AtomicReference<>();
    /** Its timelapse sessions; null when the server has none (services without timelapses). */
    private final CameraTimelapse timelapse;
    private volatile boolean closed;

    public Camera(CameraSettings initial, CameraServices services) {
        this.name = initial.name();
        this.settings = initial;
        Scheduler scheduler = Scheduler.on(services.executor());
        this.path = new CapturePath(initial, () -> settings, services.idleStop(), scheduler, services.executor());
        this.placeholder = new OfflinePlaceholder(path, () -> settings, services.executor());
        this.viewers = new ViewerLimit(() -> settings.maxViewers(), "camera " + name,
                "camera." + name + ".max-viewers");
        // Held HLS requests: twice max-viewers, one blocking playlist and one hinted part for each of that many
        // players; behind a caching proxy there are only a few.
        HeldRequests held = new HeldRequests(scheduler, services.writers(), () -> 2 * settings.maxViewers());
        this.hls = new HlsService(path::acquireMp4, path.video().mp4(), () -> settings.fps(), scheduler, held,
                () -> hlsIdle(services.idleStop().get()), System::nanoTime);
        this.relays = new Publishers(path::acquireVideo, path.video().mp4(), scheduler, () -> settings.fps());
        this.history = new StatusHistory(scheduler, StatusHistory.INTERVAL, StatusHistory.CAPACITY,
                () -> StatusSample.of(this, scheduler.now()));
        history.start();
        relays.apply(initial.publish(), initial.publishRetry());
        this.recordings = services.recordings();
        recordAsSet();
        // Last: a continuous timelapse takes its first still at once, and that starts the camera.
        this.timelapse = services.timelapses() == null ? null : services.timelapses().camera(name,
                () -> settings.timelapseInterval(), new StillSource(path::acquireJpeg, path.jpeg().pictures(),
                        () -> Math.max(1_000_000_000L, 3 * settings.frameIntervalNanos()), this::jpegTrouble));
    }

    /** What a missed still says of the process that makes the JPEGs: its state, and its error. */
    private String jpegTrouble() {
        CaptureStatus camera = status();
        boolean transcoded = camera.isLive() && nativeCodec() != Codec.MJPEG;
        CaptureStatus s = transcoded ? transcoderStatus() : camera;
        return (transcoded ? "transcoder " : "camera ") + s.state().id()
                + (s.lastError() == null ? "" : ": " + s.lastError().message());
    }

    /** Its timelapse sessions; null when the server keeps none. */
    public CameraTimelapse timelapse() {
        return timelapse;
    }

    /** Starts or stops the recorder, as the {@code record} setting says. No lock: the reference is swapped. */
    private void recordAsSet() {
        boolean wanted = settings.record() != RecordMode.OFF && recordings != null && !closed;
        Recorder current = recorder.get();
        if (wanted && current == null) {
            Recorder started = recordings.record(name, () -> settings, path::acquireMp4, path.video().mp4());
            if (!recorder.compareAndSet(null, started)) {
                recordings.stop(started); // another call started one first
            }
        } else if (!wanted && current != null && recorder.compareAndSet(current, null)) {
            recordings.stop(current);
        }
    }

    /** The recorder, while the camera records; null otherwise. */
    public Recorder recorder() {
        return recorder.get();
    }

    /**
     * How long the HLS muxer runs after the last HLS request: idle-stop, but at least 5 s, more than the longest
     * hold and the pause between a player's requests, so that an idle-stop of 0 does not end a run per request.
     */
    static Duration hlsIdle(Duration idleStop) {
        Duration minimum = Duration.ofSeconds(5);
        return idleStop.compareTo(minimum) < 0 ? minimum : idleStop;
    }

    public String name() {
        return name;
    }

    public CameraSettings settings() {
        return settings;
    }

    /**
     * New settings for this camera. A change of the relays alone leaves the camera running, so that viewers see
     * no pause; every other change restarts it, and its transcoder once the new pictures come.
     */
    public void apply(CameraSettings next) {
        if (!next.name().equals(name)) {
            throw new IllegalArgumentException("camera " + name + " cannot become " + next.name());
        }
        CameraSettings before = settings;
        settings = next;
        if (!onlyRelaysDiffer(before, next)) {
            LOG.info("Camera {}: new settings {}", name, next);
            path.restartWithNewSettings();
        }
        relays.apply(next.publish(), next.publishRetry());
        recordAsSet();
        if (timelapse != null) {
            timelapse.apply();
        }
    }

    /**
     * Whether the settings differ only in what the relays, the viewer cap, the recorder and the timelapse take,
     * which restart nothing.
     */
    private static boolean onlyRelaysDiffer(CameraSettings before, CameraSettings after) {
        return before.toBuilder().publish(after.publish()).publishRetry(after.publishRetry())
                .maxViewers(after.maxViewers()).record(after.record()).recordSegment(after.recordSegment())
                .timelapseInterval(after.timelapseInterval()).build().equals(after);
    }

    /** A claim on JPEG pictures: the camera, and the transcoder when the camera makes H.264. */
    public Lease acquireJpeg() {
        return path.acquireJpeg();
    }

    /** A claim on H.264 pictures: the camera, and the transcoder when the camera makes JPEG. */
    public Lease acquireVideo() {
        return path.acquireVideo();
    }

    /** A claim on the fMP4 fragments: H.264 pictures, and the sound. */
    public Lease acquireMp4() {
        return path.acquireMp4();
    }

    /** The latest live JPEG, for snapshots; null when the camera stopped since. */
    public FanOut<Frame> pictures() {
        return path.jpeg().pictures();
    }

    /** JPEG pictures as multipart parts, placeholders included, for MJPEG and stills. */
    public FanOut<MultipartPart> parts() {
        return path.jpeg().parts();
    }

    /** Raw H.264 frames; keyframes carry their SPS and PPS. */
    public GopFanOut<Frame> annexB() {
        return path.video().annexB();
    }

    /** fMP4 fragments, for MP4 files, the WebSocket, HLS and relays. */
    public GopFanOut<Mp4Chunk> mp4() {
        return path.video().mp4();
    }

    public H264Pipeline video() {
        return path.video();
    }

    public Codec nativeCodec() {
        return path.nativeCodec();
    }

    /** The camera's process. */
    public CaptureStatus status() {
        return path.camera().status();
    }

    /** The process whose pictures JPEG viewers see: the camera, or the transcoder for an H.264 camera. */
    public CaptureStatus jpegSourceStatus() {
        return path.jpegSource().status();
    }

    public CaptureStatus transcoderStatus() {
        return path.transcoder().status();
    }

    public CaptureStatus audioStatus() {
        return path.audio().status();
    }

    public AudioLevel audioLevel() {
        return path.audioLevel();
    }

    public AudioSink audioSink() {
        return path.audioSink();
    }

    public HlsService hls() {
        return hls;
    }

    public HlsCounters hlsCounters() {
        return hlsCounters;
    }

    public Publishers relays() {
        return relays;
    }

    public StreamCounters counters() {
        return counters;
    }

    /** This camera's own cap on viewers; the server's bounds all cameras together. */
    public ViewerLimit viewers() {
        return viewers;
    }

    public StatusHistory history() {
        return history;
    }

    /** Runs {@code listener} on the scheduler after each change of the camera process's state. */
    public void onStateChange(Runnable listener) {
        path.camera().onStateChange(listener);
    }

    /** Runs {@code listener} when the camera is closed (removed, or the server stops), before its processes end. */
    public void onClose(Runnable listener) {
        closeListeners.add(Objects.requireNonNull(listener));
    }

    public boolean isClosed() {
        return closed;
    }

    /**
     * Ends the camera: the listeners first (its viewers get their end), then the relays, whose leases would keep
     * the camera running, then everything else; waits for the processes, and kills any that will not end.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        recordAsSet(); // the file being written is completed before the camera stops
        if (timelapse != null) {
            timelapse.close(); // its sessions end, and let go of the camera
        }
        for (Runnable listener : closeListeners) {
            try {
                listener.run();
            } catch (RuntimeException e) {
                LOG.warn("Ending camera {}'s viewers failed", name, e);
            }
        }
        relays.close();
        history.close();
        placeholder.close();
        hls.close();
        path.close();
    }
}
