package org.camstream.testing;

import java.util.ArrayList;
import java.util.List;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.AccessUnitAssembler;
import org.camstream.codec.h264.AnnexBReader;
import org.camstream.camera.picture.SelfContainedPictures;
import org.camstream.codec.h264.CodedPicture;
import org.camstream.process.SampleListener;
import org.camstream.stream.Frame;

/** A Raspberry Pi camera's recordings as the camera layer delivers them: one frame per picture at 30 fps. */
public final class CameraFrames {

    private long sequence;
    private long micros = 1_790_000_000_000_000L;
    private long nanos = 5_000_000_000L;

    /** The recording's pictures, numbered and timed on from the frames before. */
    public List<Frame> frames(String fixture) {
        List<AccessUnit> aus = new ArrayList<>();
        AccessUnitAssembler assembler = new AccessUnitAssembler(aus::add);
        AnnexBReader reader = new AnnexBReader(assembler);
        byte[] bytes = Fixtures.read(Fixtures.piH264(fixture));
        reader.feed(bytes, 0, bytes.length);
        reader.flush();
        assembler.flush();
        List<Frame> frames = new ArrayList<>();
        // Through the camera's own last stage, which makes every keyframe self-contained and parses it once.
        SelfContainedPictures pictures = new SelfContainedPictures(new SampleListener() {
            @Override
            public void onSample(byte[] data, boolean sync) {
                throw new AssertionError("an H.264 picture comes parsed");
            }

            @Override
            public void onPicture(byte[] annexB, CodedPicture picture) {
                micros += 33_333;
                nanos += 33_333_333;
                frames.add(Frame.of(annexB, ++sequence, micros, nanos, picture));
            }

            @Override
            public void onDiscard(String reason, long bytes) {
            }

            @Override
            public void onLogLine(String line) {
            }
        });
        for (AccessUnit au : aus) {
            pictures.onAccessUnit(au);
        }
        return frames;
    }

    /** The same picture again, as the camera's next frame: a copy with the next number and capture time. */
    public Frame again(Frame frame) {
        byte[] copy = new byte[frame.size()];
        frame.copyTo(copy, 0);
        micros += 33_333;
        nanos += 33_333_333;
        return frame.picture() == null ? Frame.of(copy, ++sequence, micros, nanos, frame.isKeyframe())
                : Frame.of(copy, ++sequence, micros, nanos, frame.picture());
    }

    /** Moves the capture clock on, as a camera that stopped for a while. */
    public void pause(long millis) {
        micros += millis * 1000;
        nanos += millis * 1_000_000;
    }
}
