package org.camstream.rtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.camstream.codec.aac.AdtsHeader;
import org.camstream.codec.aac.AdtsReader;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.AccessUnitAssembler;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.codec.h264.NalUnit;
import org.camstream.testing.Fixtures;
import org.camstream.testing.MediaTools;
import org.camstream.testing.Poll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real receiver: ffmpeg reads our session description and takes 3 s of a Raspberry Pi recording with ffmpeg's
 * AAC as RTP over loopback UDP, each packet one client's header and the shared payload in one gathering write,
 * with sender reports on the RTCP ports. ffmpeg must write back, by stream copy, every NAL unit and every AAC
 * frame byte for byte, decode both with no complaint, and place the sound, which this sender starts a second
 * after the pictures, beside the picture captured with it: only the sender reports' NTP and RTP times can tell
 * it that, since the two tracks' timestamps start at unrelated random values.
 */
class FfmpegReceivesRtpTest {

    /** Pictures ffmpeg must write: 3 s at 30 fps. */
    private static final int PICTURES = 90;
    /** Sent beyond them, so that ffmpeg's parser, which ends a picture when the next begins, lets the last go. */
    private static final int EXTRA = 6;
    /** The sound goes out from this picture on: a second after the first. */
    private static final int SOUND_FROM = 30;

    @TempDir
    Path dir;

    @Test
    void ffmpegTakesThePacketsByteForByteDecodesThemAndSyncsTheTracksByTheSenderReports() throws Exception {
        List<PiStream.Picture> pictures =
                PiStream.picturesWithSound(Fixtures.PI_720P_INLINE, 0).subList(0, PICTURES + EXTRA);
        int videoPort = UdpPorts.freePair();
        int audioPort;
        do {
            audioPort = UdpPorts.freePair();
        } while (Math.abs(audioPort - videoPort) < 2);
        InetAddress loopback = InetAddress.getLoopbackAddress();
        PiStream.Picture first = pictures.get(0);
        SessionDescription sdp = SessionDescription.of("cam1", loopback, 1, first.chunk().track().generation(),
                first.chunk().track().init()).sentTo(loopback, videoPort, audioPort);
        Path sdpFile = Files.writeString(dir.resolve("cam1.sdp"), sdp.text());

        List<NalUnit> sentNals = new ArrayList<>();
        List<byte[]> sentFrames = new ArrayList<>();
        for (int i = 0; i < PICTURES; i++) {
            PiStream.Picture picture = pictures.get(i);
            sentNals.addAll(picture.accessUnit().nalUnits());
            if (i >= SOUND_FROM && picture.chunk().audio() != null) {
                sentFrames.addAll(picture.chunk().audio().samples());
            }
        }

        Path video = dir.resolve("video.h264");
        Path audio = dir.resolve("audio.aac");
        Path both = dir.resolve("both.mkv");
        String frames = "-frames:v";
        String audioFrames = String.valueOf(sentFrames.size());
        Process ffmpeg = new ProcessBuilder("ffmpeg", "-hide_banner", "-nostdin", "-v", "error", "-protocol_whitelist",
                "file,udp,rtp", "-analyzeduration", "1000000", "-i", sdpFile.toString(),
                "-map", "0:v", "-c", "copy", frames, String.valueOf(PICTURES), "-f", "h264", video.toString(),
                "-map", "0:a", "-c", "copy", "-frames:a", audioFrames, "-f", "adts", audio.toString(),
                "-map", "0", "-c", "copy", frames, String.valueOf(PICTURES), "-frames:a", audioFrames, "-f", "matroska",
                both.toString())
                .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                .redirectOutput(dir.resolve("ffmpeg.out").toFile())
                .redirectError(dir.resolve("ffmpeg.err").toFile())
                .start();
        try {
            final int a = audioPort;
            Poll.until(Duration.ofSeconds(10), "ffmpeg listening on its RTP and RTCP ports",
                    () -> UdpPorts.bound(videoPort) && UdpPorts.bound(videoPort + 1) && UdpPorts.bound(a)
                            && UdpPorts.bound(a + 1));
            try {
                send(pictures, videoPort, audioPort);
            } catch (PortUnreachableException e) {
                // ffmpeg closed its ports: it has all it wanted, or it failed, which its exit and output tell.
            }
            assertTrue(ffmpeg.waitFor(30, TimeUnit.SECONDS), "ffmpeg ends when it has written every picture and frame");
        } finally {
            ffmpeg.destroyForcibly();
        }
        String errors = Files.readString(dir.resolve("ffmpeg.err"));
        assertEquals(0, ffmpeg.exitValue(), errors);
        assertEquals("", errors.strip(), "ffmpeg took every packet without a complaint");

        // Stream copy: what ffmpeg wrote is what was sent, NAL unit for NAL unit and frame for frame.
        List<NalUnit> receivedNals = nalUnits(Fixtures.read(video));
        assertEquals(sentNals.size(), receivedNals.size(), "NAL units");
        for (int i = 0; i < sentNals.size(); i++) {
            assertEquals(sentNals.get(i), receivedNals.get(i), "NAL unit " + i);
        }
        List<byte[]> receivedFrames = aacFrames(Fixtures.read(audio));
        assertEquals(sentFrames.size(), receivedFrames.size(), "AAC frames");
        for (int i = 0; i < sentFrames.size(); i++) {
            assertArrayEquals(sentFrames.get(i), receivedFrames.get(i), "AAC frame " + i);
        }

        // And a decoder takes both, at the picture's size.
        MediaTools.Result decoded =
                MediaTools.ffmpeg("-v", "error", "-i", both.toString(), "-map", "0", "-f", "null", "-");
        assertEquals(0, decoded.exitCode(), decoded.stderr());
        assertEquals("", decoded.stderr().strip(), "both tracks decode without a complaint");
        Map<String, Object> picture = MediaTools.probeVideoStream(video);
        assertEquals(1280, MediaTools.intField(picture, "width"));
        assertEquals(720, MediaTools.intField(picture, "height"));
        assertEquals(PICTURES, MediaTools.intField(picture, "nb_read_frames"));

        // The sound was captured with the pictures, and this sender starts it with the 31st: only the sender
        // reports tell ffmpeg where its first frame belongs, beside the picture captured when it was.
        // (Measured against that picture, not the first: ffmpeg gives the first picture no time of its own.)
        PiStream.Picture soundStart = pictures.get(SOUND_FROM);
        double captured =
                (soundStart.chunk().audio().captureEpochMicros() - soundStart.chunk().captureEpochMicros()) / 1e6;
        double placed = packetTimes(both, "a:0").get(0) - packetTimes(both, "v:0").get(SOUND_FROM);
        assertEquals(captured, placed, 0.003, "the sound's first frame captured " + captured + " s after its picture");
    }

    /**
     * Sends the pictures as one client would, faster than the camera: a sender report on each track before its
     * first packet and every second after, then every packet in one gathering write of the client's header and
     * the shared payload. The reports are dated at the capture of the picture or sound they go with, since the
     * recording's capture clock is not this machine's.
     */
    private static void send(List<PiStream.Picture> pictures, int videoPort, int audioPort) throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        RtpStream video = RtpStream.random();
        RtpStream audio = RtpStream.random();
        try (DatagramChannel videoRtp = connect(loopback, videoPort);
                DatagramChannel videoRtcp = connect(loopback, videoPort + 1);
                DatagramChannel audioRtp = connect(loopback, audioPort);
                DatagramChannel audioRtcp = connect(loopback, audioPort + 1)) {
            ByteBuffer header = ByteBuffer.allocate(RtpPayload.HEADER_SIZE);
            long start = System.nanoTime();
            boolean soundStarted = false;
            for (int i = 0; i < pictures.size(); i++) {
                RtpPicture picture = pictures.get(i).chunk().rtp();
                if (i % 30 == 0) {
                    videoRtcp.write(video.senderReport(picture.videoTime(), picture.captureEpochMicros(),
                            "cam1@camstream").toByteBuffer());
                }
                for (RtpPayload packet : picture.video()) {
                    video.writeHeader(header.clear(), packet);
                    videoRtp.write(new ByteBuffer[] {header.flip(), packet.payload()});
                }
                if (i >= SOUND_FROM && picture.audioTime() != null) {
                    if (!soundStarted || i % 30 == 0) {
                        audioRtcp.write(audio.senderReport(picture.audioTime(), picture.audioTime().epochMicros(),
                                "cam1@camstream").toByteBuffer());
                        soundStarted = true;
                    }
                    for (RtpPayload packet : picture.audio()) {
                        audio.writeHeader(header.clear(), packet);
                        audioRtp.write(new ByteBuffer[] {header.flip(), packet.payload()});
                    }
                }
                // 10 ms a picture: three times the camera's rate, and slow enough for ffmpeg's socket buffer.
                LockSupport.parkNanos(Math.max(0, start + (i + 1) * 10_000_000L - System.nanoTime()));
            }
        }
    }

    private static DatagramChannel connect(InetAddress address, int port) throws IOException {
        return DatagramChannel.open().connect(new InetSocketAddress(address, port));
    }

    private static List<NalUnit> nalUnits(byte[] annexB) {
        List<AccessUnit> aus = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(aus::add);
        AnnexBReader reader = new AnnexBReader(assembler);
        reader.feed(annexB, 0, annexB.length);
        reader.flush();
        assembler.flush();
        List<NalUnit> nals = new ArrayList<>();
        for (AccessUnit au : aus) nals.addAll(au.nalUnits());
        return nals;
    }

    private static List<byte[]> aacFrames(byte[] adts) {
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
        return frames;
    }

    /** The times of a stream's packets in a Matroska file, in order: milliseconds, so to a millisecond. */
    @SuppressWarnings("unchecked")
    private static List<Double> packetTimes(Path file, String stream) {
        Map<String, Object> json =
                MediaTools.probeJson(file, "-select_streams", stream, "-show_entries", "packet=pts_time");
        return ((List<Map<String, Object>>) json.get("packets")).stream()
                .map(p -> Double.parseDouble(p.get("pts_time").toString())).toList();
    }
}
