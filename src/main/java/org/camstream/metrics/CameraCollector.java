package org.camstream.metrics;

import io.prometheus.metrics.model.registry.MultiCollector;
import io.prometheus.metrics.model.snapshots.MetricSnapshots;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntFunction;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.camera.CaptureStatus;
import org.camstream.config.RecordMode;
import org.camstream.hls.HlsCounters;
import org.camstream.process.ProcessState;
import org.camstream.publish.PublisherState;
import org.camstream.publish.PublisherStatus;
import org.camstream.record.Recorder;
import org.camstream.record.Recordings;
import org.camstream.rtsp.RtspServer;
import org.camstream.stream.StreamStats;

/**
 * Every camera's figures, labelled {@code camera="<name>"}, and the recordings' disk: read at scrape time from
 * what {@code /api/status} reads, one status of each process per camera per scrape. Cameras added or removed
 * while the server runs appear and go with the next scrape.
 */
final class CameraCollector implements MultiCollector {

    private final Cameras cameras;
    private final Recordings recordings;
    private final Supplier<RtspServer> rtsp;
    private final ToIntFunction<Camera> hlsPlayers;

    /**
     * @param recordings the recordings' catalogue and disk, or null when the server keeps none
     * @param rtsp the RTSP server, or null while RTSP is off
     * @param hlsPlayers how many HLS players a camera has now
     */
    CameraCollector(Cameras cameras, Recordings recordings, Supplier<RtspServer> rtsp,
            ToIntFunction<Camera> hlsPlayers) {
        this.cameras = cameras;
        this.recordings = recordings;
        this.rtsp = rtsp;
        this.hlsPlayers = hlsPlayers;
    }

    @Override
    public MetricSnapshots collect() {
        Families f = new Families();
        Families.Family info = f.info("camstream_camera", "The camera's source and native codec.");
        Families.Family up = f.gauge("camstream_camera_up",
                "1 while the camera's process delivers pictures (state running), else 0.");
        Families.Family state = f.gauge("camstream_camera_state",
                "The camera process's state: 1 for the state it is in, 0 for the others.");
        Families.Family restarts = f.counter("camstream_camera_restarts",
                "Times the camera's process was started again after it ended or failed.");
        Families.Family frames = f.counter("camstream_camera_frames",
                "Pictures the camera's process delivered since the server started.");
        Families.Family discarded = f.counter("camstream_camera_frames_discarded",
                "Pictures the camera's parser threw away, damaged or out of place.");
        Families.Family viewers = f.gauge("camstream_stream_viewers", "Viewers connected now, by format.");
        Families.Family sent = f.counter("camstream_stream_frames_sent", "Frames sent to viewers, by format.");
        Families.Family bytes = f.counter("camstream_stream_sent_bytes", "Bytes sent to viewers, by format.");
        Families.Family skipped = f.counter("camstream_stream_frames_skipped",
                "Frames a slow viewer skipped because a newer one replaced them, by format.");
        Families.Family hlsRunning = f.gauge("camstream_hls_running", "1 while the camera's HLS muxer runs.");
        Families.Family hlsRequests = f.counter("camstream_hls_requests",
                "HLS requests camstream itself answered, by kind (behind a cache, fewer than the players made).");
        Families.Family hlsErrors = f.counter("camstream_hls_request_errors", "HLS requests answered with an error.");
        Families.Family hlsBytes = f.counter("camstream_hls_sent_bytes", "Bytes of HLS playlists, parts and segments sent.");
        Families.Family relayInfo = f.info("camstream_relay",
                "A relay of the publish setting: its URL, masked as in /api/status, and format.");
        Families.Family relayUp = f.gauge("camstream_relay_up", "1 while pictures reach the relay (state publishing).");
        Families.Family relayState = f.gauge("camstream_relay_state",
                "The relay publisher's state: 1 for the state it is in, 0 for the others.");
        Families.Family relayRestarts = f.counter("camstream_relay_restarts",
                "Times the relay's ffmpeg was started again.");
        Families.Family relayBytes = f.counter("camstream_relay_sent_bytes",
                "Bytes the relay's current ffmpeg wrote to the relay (starts again from 0 with each ffmpeg).");
        Families.Family relayDropped = f.counter("camstream_relay_frames_dropped",
                "Fragments skipped because the relay's ffmpeg did not keep up.");
        Families.Family recordingUp = f.gauge("camstream_recording_up",
                "For a camera whose record setting is on: 1 while it records, 0 while it cannot.");
        Families.Family recordingBytes = f.counter("camstream_recording_written_bytes",
                "Bytes the camera's recorder wrote to disk since it started.");
        Families.Family recordingFiles = f.counter("camstream_recording_files_written",
                "Recording files the camera's recorder completed since it started.");
        Families.Family recordingDropped = f.counter("camstream_recording_frames_dropped",
                "Pictures the camera's recorder lost because the disk did not keep up.");
        Families.Family stored = f.gauge("camstream_recordings_stored_bytes",
                "Bytes of the camera's recordings on disk, by camera.");
        Families.Family free = f.gauge("camstream_recordings_disk_free_bytes",
                "Free bytes on the recordings' disk (one disk for every camera).");
        Families.Family audioUp = f.gauge("camstream_audio_up",
                "For a camera with sound: 1 while its audio process delivers, else 0.");
        Families.Family audioLevel = f.gauge("camstream_audio_level_dbfs",
                "Peak sound level of the last tenth of a second, in dBFS (0 is full scale); absent while no sound comes.");

        RtspServer rtspServer = rtsp.get();
        long now = System.nanoTime();
        for (Camera camera : cameras.all()) {
            String name = camera.name();
            CaptureStatus status = camera.status();
            info.info("camera", name, "source", status.source(), "codec", camera.nativeCodec().id());
            up.add(status.isLive() ? 1 : 0, "camera", name);
            for (ProcessState s : ProcessState.values()) {
                state.add(status.state() == s ? 1 : 0, "camera", name, "state", s.id());
            }
            restarts.add(status.restarts(), "camera", name);
            frames.add(status.counts().samples(), "camera", name);
            discarded.add(status.counts().discarded(), "camera", name);

            for (StreamStats s : camera.counters().all()) {
                viewers.add(s.viewers(), "camera", name, "format", s.format());
                sent.add(s.framesSent(), "camera", name, "format", s.format());
                bytes.add(s.bytesSent(), "camera", name, "format", s.format());
                skipped.add(s.framesDropped(), "camera", name, "format", s.format());
            }
            if (rtspServer != null) {
                viewers.add(rtspServer.clients(name).size(), "camera", name, "format", "rtsp");
            }
            viewers.add(hlsPlayers.applyAsInt(camera), "camera", name, "format", "hls");

            hlsRunning.add(camera.hls().peek() != null ? 1 : 0, "camera", name);
            HlsCounters hls = camera.hlsCounters();
            hlsRequests.add(hls.playlists.sum(), "camera", name, "kind", "playlist");
            hlsRequests.add(hls.blockingPlaylists.sum(), "camera", name, "kind", "blocking_playlist");
            hlsRequests.add(hls.inits.sum(), "camera", name, "kind", "init");
            hlsRequests.add(hls.segments.sum(), "camera", name, "kind", "segment");
            hlsRequests.add(hls.parts.sum(), "camera", name, "kind", "part");
            hlsErrors.add(hls.errors.sum(), "camera", name);
            hlsBytes.add(hls.bytesSent.sum(), "camera", name);

            List<PublisherStatus> relays = camera.relays().status();
            for (int i = 0; i < relays.size(); i++) {
                PublisherStatus p = relays.get(i);
                String relay = Integer.toString(i);
                relayInfo.info("camera", name, "relay", relay, "url", p.url(), "format", p.format());
                relayUp.add(p.state() == PublisherState.PUBLISHING ? 1 : 0, "camera", name, "relay", relay);
                for (PublisherState s : PublisherState.values()) {
                    relayState.add(p.state() == s ? 1 : 0, "camera", name, "relay", relay, "state", s.id());
                }
                relayRestarts.add(p.restarts(), "camera", name, "relay", relay);
                relayBytes.add(p.delivery().bytes(), "camera", name, "relay", relay);
                relayDropped.add(p.delivery().droppedFrames(), "camera", name, "relay", relay);
            }

            Recorder recorder = camera.recorder();
            if (camera.settings().record() != RecordMode.OFF) {
                Recorder.Status r = recorder == null ? null : recorder.status();
                recordingUp.add(r != null && r.state() == Recorder.State.RECORDING ? 1 : 0, "camera", name);
                if (r != null) {
                    recordingBytes.add(r.bytesWritten(), "camera", name);
                    recordingFiles.add(r.filesWritten(), "camera", name);
                    recordingDropped.add(r.dropped(), "camera", name);
                }
            }

            if (camera.settings().audio().enabled()) {
                audioUp.add(camera.audioStatus().isLive() ? 1 : 0, "camera", name);
                Double level = camera.audioLevel().peakDb(now);
                if (level != null) {
                    audioLevel.add(level, "camera", name);
                }
            }
        }
        if (recordings != null) {
            for (Map.Entry<String, Long> e : recordings.catalog().bytesByCamera().entrySet()) {
                stored.add(e.getValue(), "camera", e.getKey());
            }
            long freeBytes = recordings.freeBytes();
            if (freeBytes >= 0) {
                free.add(freeBytes);
            }
        }
        return f.snapshots();
    }
}
