package org.camstream.process;

import java.time.Duration;

/**
 * How long to wait before starting a capture process again. A process that delivered pictures was healthy,
 * whatever ended it, so it is restarted soon, every time. Only a process that fails before its first
 * picture backs off, doubling up to the longest wait, and one that failed for a reason a quick retry cannot
 * cure (the camera is busy) waits the longest at once. Not thread-safe: the supervisor guards it. The
 * relay publishers of {@code org.camstream.publish} use it too, with their own timings.
 */
public final class RestartPolicy {

    private final Duration afterPictures;
    private final Duration first;
    private final Duration longest;
    private Duration next;

    public RestartPolicy(Duration afterPictures, Duration first, Duration longest) {
        this.afterPictures = afterPictures;
        this.first = first;
        this.longest = longest;
        this.next = first;
    }

    /** Half a second after a process that delivered pictures; 1, 2, 4 ... 30 s for one that never did. */
    public static RestartPolicy standard() {
        return new RestartPolicy(Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofSeconds(30));
    }

    /** The process delivered pictures before it ended: earlier failures are forgotten. */
    public Duration afterPictures() {
        next = first;
        return afterPictures;
    }

    /** The process ended before its first picture: each such failure in a row waits twice as long. */
    public Duration afterFailure() {
        Duration current = next;
        Duration doubled = next.multipliedBy(2);
        next = doubled.compareTo(longest) > 0 ? longest : doubled;
        return current;
    }

    /** Retrying soon would not help. */
    public Duration afterPersistentFailure() {
        next = longest;
        return longest;
    }

    /** New settings: whatever failed before may work now. */
    public void reset() {
        next = first;
    }
}
