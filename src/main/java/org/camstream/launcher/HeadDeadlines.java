package org.camstream.launcher;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * When a connection that has not sent a whole request head yet loses its slot.
 *
 * <p>Such a connection costs a slot of {@code maxConnections} and gives nothing. Normally it may take the
 * request-head deadline (10 s from its first byte), and one that sends nothing is left to Tomcat's
 * {@code connectionTimeout}. When the server is crowded, near its connection limit, a real client's request
 * has long arrived by half a second after it connected (a browser sends its request with the connection), so
 * every waiting connection then gets half a second. And when every slot is taken, the acceptor does not wait
 * for one to expire: it evicts the connection that has waited longest, if it has waited a quarter second, and
 * while every slot is taken, a quarter second is all any waiting connection gets.
 *
 * <p>A slowloris attack therefore costs a new viewer at most a fraction of a second: the attackers keep
 * replacing their connections, but each one holds a slot only that long, and the acceptor takes connections
 * from the kernel's queue in their order, the viewer's among them.
 */
final class HeadDeadlines {

    /**
     * A connection waiting for its request head, with the {@link System#nanoTime()} it began waiting at: its
     * request's first byte, or, when {@code silent}, its accept, no byte having come yet.
     */
    record Waiting<T>(T connection, long sinceNanos, boolean silent) {
    }

    private final int maxConnections;
    private final int crowdedFrom;
    private final long headNanos;
    private final long crowdedNanos;
    private final long evictableNanos;

    /**
     * @param maxConnections the connector's limit
     * @param crowdedFrom from how many open connections the server is crowded
     * @param head how long a request head may take from its first byte when not crowded
     * @param crowded how long any waiting connection may wait when crowded
     * @param evictable how long a connection must have waited before it is evicted for a new one, and how long
     *     any may wait while every slot is taken
     */
    HeadDeadlines(int maxConnections, int crowdedFrom, Duration head, Duration crowded, Duration evictable) {
        if (crowdedFrom < 1 || crowdedFrom > maxConnections || evictable.compareTo(crowded) > 0
                || crowded.compareTo(head) > 0) {
            throw new IllegalArgumentException(
                    "need 1 <= crowdedFrom <= maxConnections and evictable <= crowded <= head");
        }
        this.maxConnections = maxConnections;
        this.crowdedFrom = crowdedFrom;
        this.headNanos = head.toNanos();
        this.crowdedNanos = crowded.toNanos();
        this.evictableNanos = evictable.toNanos();
    }

    boolean crowded(long openConnections) {
        return openConnections >= crowdedFrom;
    }

    /** Those of {@code waiting} whose time is up at {@code nowNanos}, with this many connections open. */
    <T> List<T> expired(Collection<Waiting<T>> waiting, long openConnections, long nowNanos) {
        boolean crowded = crowded(openConnections);
        long limit = openConnections >= maxConnections ? evictableNanos : crowded ? crowdedNanos : headNanos;
        List<T> expired = new ArrayList<>();
        for (Waiting<T> w : waiting) {
            // Not crowded, a silent connection is Tomcat's connectionTimeout's.
            if ((crowded || !w.silent()) && nowNanos - w.sinceNanos() > limit) {
                expired.add(w.connection());
            }
        }
        return expired;
    }

    /** The connection to evict for a new one when every slot is taken: the longest waiting, if long enough. */
    <T> Optional<T> evictable(Collection<Waiting<T>> waiting, long nowNanos) {
        Waiting<T> longest = null;
        for (Waiting<T> w : waiting) {
            if (nowNanos - w.sinceNanos() >= evictableNanos
                    && (longest == null || w.sinceNanos() - longest.sinceNanos() < 0)) {
                longest = w;
            }
        }
        return Optional.ofNullable(longest).map(Waiting::connection);
    }
}
