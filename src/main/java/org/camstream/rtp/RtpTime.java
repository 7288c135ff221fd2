package org.camstream.rtp;

/**
 * A moment on a track's RTP clock and the same moment on the wall clock: a picture's (or a run of sound's)
 * timestamp and its capture time. What a sender report ties together, so that a client can play sound and
 * pictures captured at the same moment together.
 *
 * @param timestamp on the track's clock, before a client's offset
 * @param epochMicros when it was captured, in Unix microseconds
 * @param clockRate ticks per second of the track's clock: 90000, or the sample rate
 */
public record RtpTime(long timestamp, long epochMicros, int clockRate) {
    public RtpTime {
        if (clockRate < 1) throw new IllegalArgumentException("clock rate " + clockRate);
    }

    /**
     * The track's timestamp at another wall-clock moment, {@code epochMicros}: for a sender report sent a
     * while after the picture it refers to, whose NTP time must be the report's own.
     */
    public long timestampAt(long epochMicros) {
        return timestamp + Math.floorDiv((epochMicros - this.epochMicros) * clockRate, 1_000_000L);
    }
}
