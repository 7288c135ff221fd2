package org.camstream.stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.camstream.codec.aac.AdtsHeader;
import org.camstream.codec.aac.AdtsReader;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.mp4.AudioRun;
import org.camstream.testing.Boxes;
import org.camstream.testing.CameraFrames;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A Raspberry Pi recording and ffmpeg's AAC through the pipeline as the server runs them: the sound's frames
 * arrive in bursts on their own clock, each picture's fragment carries those that came before it, and the
 * file a viewer gets has two tracks that ffmpeg reads and decodes without a complaint, in sync.
 */
class H264PipelineAudioTest {

    private static final long FRAME_NANOS = 1024L * 1_000_000_000L / 48_000;
    private static List<byte[]> aac;

    @TempDir
    Path dir;

    @BeforeAll
    static void encode() {
        byte[] adts = MediaTools.ffmpegOutput("-f", "lavfi", "-i", "sine=frequency=440:sample_rate=48000", "-t", "12",
                "-ac", "1", "-c:a", "aac", "-b:a", "64k", "-f", "adts", "-");
        aac = new ArrayList<>();
        new AdtsReader(new AdtsReader.Listener() {
            @Override
            public void onFrame(AdtsHeader header, byte[] frame) {
                aac.add(java.util.Arrays.copyOfRange(frame, header.headerSize(), frame.length));
            }

            @Override
            public void onDiscard(String reason, long bytes) {
                throw new AssertionError(reason);
            }
        }).feed(adts, 0, adts.length);
    }

    /** Pictures at 30 fps and sound frames every 21.33 ms, fed in time order; the sound's arrive in pairs. */
    private static final class Feed {
        final long[] now = {0};
        final H264Pipeline pipeline = new H264Pipeline(30, () -> now[0]);
        final AudioSink sound = new AudioSink(pipeline.audioInbox(), 0);
        final List<Mp4Chunk> received = new ArrayList<>();

        Feed() {
            pipeline.setAudio(AudioSpecificConfig.LC_48K_MONO);
            pipeline.mp4().subscribe(received::add);
        }

        /** Feeds the pictures, with sound from {@code audioFrom} until {@code audioUntil} (nanos after the first). */
        void run(List<Frame> frames, long audioFrom, long audioUntil) {
            long start = frames.get(0).captureNanos();
            long epoch = frames.get(0).captureEpochMicros();
            int a = 0;
            for (Frame frame : frames) {
                // Every audio frame captured before this picture arrives first, two at a time, the second
                // when its own last sample is in.
                while (true) {
                    long captured = start + audioFrom + a * FRAME_NANOS;
                    long arrival = captured + (a % 2 == 0 ? 2 : 1) * FRAME_NANOS;
                    if (arrival > frame.captureNanos() || captured - start > audioUntil || a >= aac.size()) break;
                    now[0] = arrival;
                    sound.onFrame(Frame.of(aac.get(a), a, epoch + (arrival - start) / 1000, arrival, true));
                    a++;
                }
                now[0] = frame.captureNanos();
                pipeline.onFrame(frame);
            }
        }

        Path write(Path file) throws IOException {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            received.get(0).track().init().writeTo(out);
            for (Mp4Chunk chunk : received) chunk.writeTo(out);
            return Files.write(file, out.toByteArray());
        }
    }

    @Test
    void theFileHasAnH264AndAnAacTrackThatFfmpegDecodesWithoutAComplaint() throws IOException {
        Feed feed = new Feed();
        List<Frame> frames = new CameraFrames().frames(Fixtures.PI_720P_INLINE);
        feed.run(frames, 0, Long.MAX_VALUE);
        Path mp4 = feed.write(dir.resolve("sound.mp4"));

        assertTrue(feed.received.get(0).track().init().codecs().matches("avc1\\.[0-9a-f]{6},mp4a\\.40\\.2"),
                feed.received.get(0).track().init().codecs());
        Map<String, Object> audio = stream(mp4, "a:0");
        assertEquals("aac", audio.get("codec_name"));
        assertEquals("LC", audio.get("profile"), "the esds's AudioSpecificConfig says AAC-LC");
        assertEquals("48000", audio.get("sample_rate"));
        assertEquals(1, MediaTools.intField(audio, "channels"));
        assertEquals("h264", stream(mp4, "v:0").get("codec_name"));

        MediaTools.Result decoded = MediaTools.ffmpeg("-v", "error", "-i", mp4.toString(), "-map", "0", "-fps_mode",
                "passthrough", "-enc_time_base", "-1", "-f", "null", "-");
        assertEquals(0, decoded.exitCode());
        assertEquals("", decoded.stderr().strip(), "ffmpeg decodes both tracks without a complaint");

        // The sound lasts as long as the pictures, to within a frame of each, and nothing was dropped or filled
        // once it flowed.
        double videoSeconds = Double.parseDouble((String) stream(mp4, "v:0").get("duration"));
        double audioSeconds = Double.parseDouble((String) audio.get("duration"));
        assertTrue(Math.abs(videoSeconds - audioSeconds) < 0.06, videoSeconds + " s of pictures, " + audioSeconds + " s of sound");
    }

    @Test
    void soundAndPicturesCapturedAtTheSameMomentSitAtTheSameTimeOnTheirTracks() {
        Feed feed = new Feed();
        feed.run(new CameraFrames().frames(Fixtures.PI_720P_INLINE), 0, Long.MAX_VALUE);
        long firstVideoNanos = -1;
        int checked = 0;
        for (Mp4Chunk chunk : feed.received) {
            AudioRun run = chunk.audio();
            if (run == null) continue;
            // Sound frame k was captured k frames after the first picture; its place on the audio track in
            // seconds must be where a picture captured then sits on the video track.
            double audioSeconds = run.decodeTime() / 48_000.0;
            double videoSeconds = chunk.timing().decodeTime() / 90_000.0;
            // The run's first sample was captured within a picture interval and a burst before this picture.
            assertTrue(videoSeconds - audioSeconds > -0.011 && videoSeconds - audioSeconds < 0.033 + 0.043 + 0.011,
                    "sound at " + audioSeconds + " s beside a picture at " + videoSeconds + " s");
            checked++;
        }
        assertTrue(checked > feed.received.size() / 2, "fragments with sound: " + checked + " of " + feed.received.size());
        // Before the first sound arrives the first picture gets a frame of silence; the first sound frames,
        // whose places it took, are dropped. None after.
        assertTrue(feed.pipeline.audioCorrections().dropped() <= 2, "dropped " + feed.pipeline.audioCorrections().dropped());
    }

    @Test
    void withoutSoundTheTrackIsFilledWithSilenceAndTheSoundPicksUpWhenItComesBack() throws IOException {
        Feed feed = new Feed();
        List<Frame> frames = new CameraFrames().frames(Fixtures.PI_720P_INLINE);
        // Sound for the first 3 s only: then the process "died".
        feed.run(frames, 0, 3_000_000_000L);
        H264Pipeline.AudioCorrections corrections = feed.pipeline.audioCorrections();
        assertTrue(corrections.filled() > 0, "silence filled in: " + corrections.filled());
        AudioRun last = feed.received.get(feed.received.size() - 1).audio();
        assertNotNull(last, "the last pictures still carry (silent) sound");
        double end = (last.decodeTime() + 1024L * last.samples().size()) / 48_000.0;
        Mp4Chunk lastChunk = feed.received.get(feed.received.size() - 1);
        double videoEnd = (lastChunk.timing().decodeTime() + lastChunk.timing().duration()) / 90_000.0;
        assertTrue(videoEnd - end < 0.022 && end <= videoEnd + 1e-9, "sound up to " + end + " s, pictures to " + videoEnd);
        Path mp4 = feed.write(dir.resolve("lost.mp4"));
        MediaTools.Result decoded = MediaTools.ffmpeg("-v", "error", "-i", mp4.toString(), "-map", "0:a", "-f", "null", "-");
        assertEquals("", decoded.stderr().strip());
    }

    @Test
    void aViewerJoiningAtALaterKeyframeGetsBothTracksFromThere() throws IOException {
        Feed feed = new Feed();
        List<Frame> frames = new CameraFrames().frames(Fixtures.PI_720P_INLINE);
        feed.run(frames.subList(0, 100), 0, Long.MAX_VALUE);
        List<Mp4Chunk> late = new ArrayList<>();
        feed.pipeline.mp4().subscribe(late::add); // the cached GOP first
        feed.run(frames.subList(100, frames.size()), 100 * 33_333_333L, Long.MAX_VALUE);
        assertTrue(late.get(0).isKeyframe());
        assertNotNull(late.get(0).audio(), "the first fragment a late joiner gets carries sound");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        late.get(0).track().init().writeTo(out);
        for (Mp4Chunk chunk : late) chunk.writeTo(out);
        Path mp4 = Files.write(dir.resolve("late.mp4"), out.toByteArray());
        assertEquals("aac", stream(mp4, "a:0").get("codec_name"));
        MediaTools.Result decoded = MediaTools.ffmpeg("-v", "error", "-i", mp4.toString(), "-map", "0", "-fps_mode",
                "passthrough", "-enc_time_base", "-1", "-f", "null", "-");
        assertEquals("", decoded.stderr().strip());
        double videoStart = Double.parseDouble((String) stream(mp4, "v:0").get("start_time"));
        double audioStart = Double.parseDouble((String) stream(mp4, "a:0").get("start_time"));
        assertTrue(Math.abs(videoStart - audioStart) < 0.05, "both start together: " + videoStart + ", " + audioStart);
    }

    @Test
    void theFragmentsBoxesHoldTwoTrafsAndTwoPrfts() throws IOException {
        Feed feed = new Feed();
        feed.run(new CameraFrames().frames(Fixtures.PI_720P_INLINE).subList(0, 40), 0, Long.MAX_VALUE);
        Mp4Chunk chunk = feed.received.get(30);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        chunk.writeTo(out);
        byte[] bytes = out.toByteArray();
        assertEquals(chunk.size(), bytes.length, "the size announced before writing is the size written");
        List<Boxes.Box> top = Boxes.children(bytes, 0, bytes.length);
        assertEquals(List.of("prft", "prft", "moof", "mdat"), top.stream().map(Boxes.Box::type).toList());
        List<Boxes.Box> moof = Boxes.children(bytes, top.get(2));
        assertEquals(List.of("mfhd", "traf", "traf"), moof.stream().map(Boxes.Box::type).toList());
        // The second prft names track 2, the sound.
        assertEquals(2, java.nio.ByteBuffer.wrap(bytes).getInt(top.get(1).offset() + 12));
        ByteArrayOutputStream init = new ByteArrayOutputStream();
        chunk.track().init().writeTo(init);
        byte[] initBytes = init.toByteArray();
        List<Boxes.Box> moov = Boxes.children(initBytes, Boxes.find(Boxes.children(initBytes, 0, initBytes.length), "moov"));
        assertEquals(2, moov.stream().filter(b -> b.type().equals("trak")).count(), "two traks");
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> stream(Path file, String which) {
        Map<String, Object> json = MediaTools.probeJson(file, "-select_streams", which, "-show_entries",
                "stream=codec_name,profile,sample_rate,channels,duration,start_time");
        return ((List<Map<String, Object>>) json.get("streams")).get(0);
    }
}
