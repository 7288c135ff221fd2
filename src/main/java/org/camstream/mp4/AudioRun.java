package org.camstream.mp4;

import java.util.List;

/**
 * The audio samples one fragment carries beside its picture: contiguous on the audio track, from
 * {@code decodeTime} (in ticks of the track's sample rate), the first captured at {@code captureEpochMicros}.
 */
public record AudioRun(long decodeTime, long captureEpochMicros, List<byte[]> samples) {
    public AudioRun {
        if (samples.isEmpty()) throw new IllegalArgumentException("an audio run holds at least one sample");
        samples = List.copyOf(samples);
    }

    int payloadBytes() {
        int n = 0;
        for (byte[] s : samples) n = Math.addExact(n, s.length);
        return n;
    }
}
