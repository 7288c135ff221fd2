package org.camstream.publish;

import java.util.Locale;

/** What a relay publisher is doing. */
public enum PublisherState {
    /** ffmpeg was started and has written nothing to the relay yet: it waits for pictures, or connects. */
    STARTING,
    /** Pictures are reaching the relay. */
    PUBLISHING,
    /** ffmpeg ended, the relay went away or refused it; waiting out the backoff before the next try. */
    RETRYING,
    /** Stopped: the URL was removed from the settings, or the server is shutting down. */
    STOPPED;

    public String id() {
        return name().toLowerCase(Locale.ROOT);
    }
}
