package org.camstream.rtp;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.camstream.codec.aac.AdtsHeader;
import org.camstream.codec.aac.AdtsReader;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.stream.AudioSink;
import org.camstream.stream.Frame;
import org.camstream.stream.H264Pipeline;
import org.camstream.stream.Mp4Chunk;
import org.camstream.testing.CameraFrames;
import org.camstream.testing.MediaTools;

/**
 * A Raspberry Pi recording through the camera's own pipeline, as the RTSP server will get it: one
 * {@link Mp4Chunk} per picture, each beside the frame it was made from. With sound, ffmpeg's AAC (a 440 Hz
 * tone, AAC-LC 48 kHz mono, encoded once) arrives in pairs on its own clock, as the audio process delivers it.
 */
final class PiStream {
    private static final long AAC_FRAME_NANOS = 1024L * 1_000_000_000L / 48_000;
    private static List<byte[]> aac;

    /** A picture as the pipeline published it, and the camera's frame it came from. */
    record Picture(Frame frame, Mp4Chunk chunk) {
        AccessUnit accessUnit() {
            return frame.picture().accessUnit();
        }
    }

    private PiStream() {}

    static List<Picture> pictures(String fixture) {
        return run(fixture, false, 0);
    }

    /** With sound from {@code soundFromNanos} after the first picture on. */
    static List<Picture> picturesWithSound(String fixture, long soundFromNanos) {
        return run(fixture, true, soundFromNanos);
    }

    private static List<Picture> run(String fixture, boolean sound, long soundFromNanos) {
        List<Frame> frames = new CameraFrames().frames(fixture);
        long[] now = {0};
        H264Pipeline pipeline = new H264Pipeline(30, () -> now[0]);
        AudioSink sink = new AudioSink(pipeline.audioInbox(), 0);
        if (sound) {
            pipeline.setAudio(AudioSpecificConfig.LC_48K_MONO);
        }
        List<Mp4Chunk> chunks = new ArrayList<>();
        pipeline.mp4().subscribe(chunks::add);
        List<byte[]> tone = sound ? aacFrames() : List.of();
        long start = frames.get(0).captureNanos();
        long epoch = frames.get(0).captureEpochMicros();
        int a = 0;
        for (Frame frame : frames) {
            // Each sound frame captured before this picture arrives first, two at a time: the second when its
            // own last sample is in.
            while (a < tone.size()) {
                long captured = start + soundFromNanos + a * AAC_FRAME_NANOS;
                long arrival = captured + (a % 2 == 0 ? 2 : 1) * AAC_FRAME_NANOS;
                if (arrival > frame.captureNanos()) break;
                now[0] = arrival;
                sink.onFrame(Frame.of(tone.get(a), a, epoch + (arrival - start) / 1000, arrival, true));
                a++;
            }
            now[0] = frame.captureNanos();
            pipeline.onFrame(frame);
        }
        Map<Long, Frame> bySequence = new HashMap<>();
        for (Frame frame : frames) bySequence.put(frame.sequence(), frame);
        List<Picture> pictures = new ArrayList<>(chunks.size());
        for (Mp4Chunk chunk : chunks) pictures.add(new Picture(bySequence.get(chunk.sequence()), chunk));
        return pictures;
    }

    /** 12 s of ffmpeg's AAC, each frame without its ADTS header, as the audio process's parser hands them on. */
    static synchronized List<byte[]> aacFrames() {
        if (aac == null) {
            byte[] adts = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t",
                    "12", "-ac", "1", "-c:a", "aac", "-b:a", "64k", "-f", "adts", "-");
            List<byte[]> frames = new ArrayList<>();
            new AdtsReader(new AdtsReader.Listener() {
                @Override
                public void onFrame(AdtsHeader header, byte[] frame) {
                    frames.add(Arrays.copyOfRange(frame, header.headerSize(), frame.length));
                }

                @Override
                public void onDiscard(String reason, long bytes) {
                    throw new AssertionError(reason);
                }
            }).feed(adts, 0, adts.length);
            aac = List.copyOf(frames);
        }
        return aac;
    }
}
