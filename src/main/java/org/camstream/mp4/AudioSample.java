package org.camstream.mp4;

/**
 * One raw AAC frame (its ADTS header stripped) of 1024 samples, with the capture time of its first sample on
 * the clocks the video frames use: Unix microseconds for 'prft', {@link System#nanoTime()} for the timeline.
 * The array is shared, never changed.
 */
public record AudioSample(byte[] data, long captureNanos, long captureEpochMicros) {
}
