package org.camstream.hls;

import java.util.concurrent.atomic.LongAdder;

/**
 * What the HLS endpoint was asked, counted at camstream itself: behind a caching proxy, the difference to
 * what the clients asked is what the cache saved.
 */
public final class HlsCounters {

    public final LongAdder playlists = new LongAdder();
    public final LongAdder blockingPlaylists = new LongAdder();
    public final LongAdder inits = new LongAdder();
    public final LongAdder segments = new LongAdder();
    public final LongAdder parts = new LongAdder();
    public final LongAdder errors = new LongAdder();
    public final LongAdder bytesSent = new LongAdder();

    public long requests() {
        return playlists.sum() + blockingPlaylists.sum() + inits.sum() + segments.sum() + parts.sum();
    }
}
