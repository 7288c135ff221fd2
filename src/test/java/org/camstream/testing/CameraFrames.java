package org.camstream.testing;

import java.util.ArrayList;
import java.util.List;
import org.camstream.codec.h264.AccessUnit;
import org.camstream.codec.h264.AccessUnitAssembler;
import org.camstream.codec.h264.AnnexBReader;
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
        for (AccessUnit au : aus) {
            byte[] annexB = new byte[au.annexBSize()];
            au.writeAnnexB(annexB, 0);
            micros += 33_333;
            nanos += 33_333_333;
            frames.add(Frame.of(annexB, ++sequence, micros, nanos, au.isKeyframe()));
        }
        return frames;
    }

    /** The same picture again, as the camera's next frame: a copy with the next number and capture time. */
    public Frame again(Frame frame) {
        byte[] copy = new byte[frame.size()];
        frame.copyTo(copy, 0);
        micros += 33_333;
        nanos += 33_333_333;
        return Frame.of(copy, ++sequence, micros, nanos, frame.isKeyframe());
    }

    /** Moves the capture clock on, as a camera that stopped for a while. */
    public void pause(long millis) {
        micros += millis * 1000;
        nanos += millis * 1_000_000;
    }
}
