package org.camstream.process;

/**
 * When a sample was captured: wall-clock microseconds, which viewers are told, and the monotonic clock's
 * nanoseconds, which durations are measured on, immune to clock steps.
 */
public record CaptureTime(long epochMicros, long nanos) {
}
