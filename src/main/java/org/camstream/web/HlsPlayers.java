package org.camstream.web;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import org.camstream.camera.Camera;
import org.camstream.process.Lease;

/**
 * The HLS players of every camera, as viewers: HLS has no connection that lasts, so a player is a client (its
 * address and its User-Agent) that keeps asking for a camera's playlist. Its first playlist request takes a
 * place under {@code max-viewers}, as any viewer's connection does, or is refused; every request of it keeps the
 * place; a player that asks for nothing for {@code viewer-timeout} is gone, and its place is free again.
 *
 * <p>A caching proxy in front (nginx, a CDN) is one player to camstream, which is what it costs the Pi. Two tabs
 * of one browser are one player too. At most as many players are known as there are places.
 */
final class HlsPlayers implements AutoCloseable {

    /** A player of one camera. */
    private record Key(String camera, String client) {
    }

    private static final class Player {
        final Lease place;
        long lastNanos;
        int asking; // requests of it not yet answered: a held one counts as asking for as long as it is held

        Player(Lease place, long lastNanos) {
            this.place = place;
            this.lastNanos = lastNanos;
        }
    }

    private final Function<Camera, Lease> places;
    private final Supplier<Duration> timeout;
    private final LongSupplier nanos;
    private final Map<Key, Player> players = new HashMap<>();
    private final ScheduledFuture<?> sweep;

    /**
     * @param places a place for a viewer of a camera under both limits, or null when there is none
     * @param timeout how long a player may ask for nothing before it is gone
     */
    HlsPlayers(Function<Camera, Lease> places, Supplier<Duration> timeout, ScheduledExecutorService scheduler,
            LongSupplier nanos) {
        this.places = places;
        this.timeout = timeout;
        this.nanos = nanos;
        this.sweep = scheduler.scheduleWithFixedDelay(this::sweep, 1, 1, TimeUnit.SECONDS);
    }

    /**
     * A playlist request of {@code client}: true when it is, or now is, one of the camera's players; false when
     * there is no place for a new one.
     */
    boolean admit(Camera camera, String client) {
        Key key = new Key(camera.name(), client);
        long now = nanos.getAsLong();
        synchronized (this) {
            Player known = players.get(key);
            if (known != null) {
                known.lastNanos = now;
                return true;
            }
        }
        Lease place = places.apply(camera); // outside the lock: it is another component's
        if (place == null) {
            return false;
        }
        Lease extra = null;
        synchronized (this) {
            Player raced = players.get(key);
            if (raced != null) {
                raced.lastNanos = now;
                extra = place; // the same player's other request took one first
            } else {
                players.put(key, new Player(place, now));
            }
        }
        if (extra != null) {
            extra.close();
        }
        return true;
    }

    /** Any other HLS request of {@code client} (a part, a segment): it keeps a known player's place. */
    void heard(Camera camera, String client) {
        long now = nanos.getAsLong();
        synchronized (this) {
            Player known = players.get(new Key(camera.name(), client));
            if (known != null) {
                known.lastNanos = now;
            }
        }
    }

    /**
     * A request of {@code client} that the servlet answers later: as long as it is not answered the player is
     * asking, however long it is held (the first playlist of a run waits for three segments, longer than a short
     * {@code viewer-timeout}), and its timeout counts from the answer. Returns what to run when the request ends.
     */
    Runnable asking(Camera camera, String client) {
        long now = nanos.getAsLong();
        Player known;
        synchronized (this) {
            known = players.get(new Key(camera.name(), client));
            if (known == null) {
                return () -> { };
            }
            known.lastNanos = now;
            known.asking++;
        }
        return () -> answered(known);
    }

    private void answered(Player player) {
        long now = nanos.getAsLong();
        synchronized (this) {
            player.asking--;
            player.lastNanos = now;
        }
    }

    /** How many players the camera has now. */
    synchronized int count(Camera camera) {
        int n = 0;
        for (Key key : players.keySet()) {
            if (key.camera().equals(camera.name())) {
                n++;
            }
        }
        return n;
    }

    /** Frees the places of players that asked for nothing for the timeout, and of cameras that are closed. */
    void sweep() {
        long now = nanos.getAsLong();
        long limit = timeout.get().toNanos();
        List<Lease> gone = new ArrayList<>();
        synchronized (this) {
            players.values().removeIf(p -> {
                if (p.asking == 0 && now - p.lastNanos > limit) {
                    gone.add(p.place);
                    return true;
                }
                return false;
            });
        }
        gone.forEach(Lease::close);
    }

    /** Frees every place a closed camera's players held. */
    void forget(Camera camera) {
        List<Lease> gone = new ArrayList<>();
        synchronized (this) {
            players.entrySet().removeIf(e -> {
                if (e.getKey().camera().equals(camera.name())) {
                    gone.add(e.getValue().place);
                    return true;
                }
                return false;
            });
        }
        gone.forEach(Lease::close);
    }

    @Override
    public void close() {
        sweep.cancel(false);
        List<Lease> gone;
        synchronized (this) {
            gone = players.values().stream().map(p -> p.place).toList();
            players.clear();
        }
        gone.forEach(Lease::close);
    }
}
