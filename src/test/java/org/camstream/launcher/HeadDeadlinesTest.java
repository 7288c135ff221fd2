package org.camstream.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.camstream.launcher.HeadDeadlines.Waiting;
import org.junit.jupiter.api.Test;

class HeadDeadlinesTest {

    private static final long MS = 1_000_000;
    /** 100 connections at most, crowded from 90; 10 s, 500 ms and 250 ms. */
    private final HeadDeadlines deadlines = new HeadDeadlines(100, 90, Duration.ofSeconds(10),
            Duration.ofMillis(500), Duration.ofMillis(250));
    private final long now = 1_000_000 * MS;

    private final List<Waiting<String>> waiting = List.of(
            head("head 11 s", 11_000), head("head 600 ms", 600), head("head 300 ms", 300),
            head("head 100 ms", 100), silent("silent 12 s", 12_000), silent("silent 400 ms", 400));

    @Test
    void calmOnlyTheWholeHeadDeadlineCountsAndSilenceIsLeftToTomcat() {
        assertEquals(List.of("head 11 s"), deadlines.expired(waiting, 89, now));
        assertEquals(List.of(), deadlines.expired(List.of(head("head 10 s", 10_000)), 0, now), "a deadline, not a limit");
    }

    @Test
    void crowdedEveryWaitingConnectionGetsHalfASecond() {
        assertEquals(List.of("head 11 s", "head 600 ms", "silent 12 s"), deadlines.expired(waiting, 90, now));
        assertEquals(List.of("head 11 s", "head 600 ms", "silent 12 s"), deadlines.expired(waiting, 99, now));
    }

    @Test
    void fullAQuarterSecond() {
        assertEquals(List.of("head 11 s", "head 600 ms", "head 300 ms", "silent 12 s", "silent 400 ms"),
                deadlines.expired(waiting, 100, now));
    }

    @Test
    void theLongestWaitingIsEvictedOnceItHasWaitedAQuarterSecond() {
        assertEquals(Optional.of("silent 12 s"), deadlines.evictable(waiting, now));
        assertEquals(Optional.of("head 300 ms"), deadlines.evictable(
                List.of(head("head 100 ms", 100), head("head 300 ms", 300), head("head 250 ms", 250)), now));
        assertEquals(Optional.empty(), deadlines.evictable(List.of(head("head 249 ms", 249), silent("new", 0)), now));
        assertEquals(Optional.empty(), deadlines.evictable(List.<Waiting<String>>of(), now));
    }

    @Test
    void nanoTimeMayWrap() {
        long wrapped = Long.MIN_VALUE + 100 * MS;
        List<Waiting<String>> across = List.of(new Waiting<>("before the wrap", Long.MAX_VALUE - 500 * MS, false),
                new Waiting<>("after it", Long.MIN_VALUE, false));
        assertEquals(List.of("before the wrap"), deadlines.expired(across, 90, wrapped));
        assertEquals(Optional.of("before the wrap"), deadlines.evictable(across, wrapped));
    }

    @Test
    void theDeadlinesMustBeInOrder() {
        assertThrows(IllegalArgumentException.class, () -> new HeadDeadlines(100, 101, Duration.ofSeconds(10),
                Duration.ofMillis(500), Duration.ofMillis(250)));
        assertThrows(IllegalArgumentException.class, () -> new HeadDeadlines(100, 90, Duration.ofSeconds(10),
                Duration.ofMillis(200), Duration.ofMillis(250)));
        assertThrows(IllegalArgumentException.class, () -> new HeadDeadlines(100, 90, Duration.ofMillis(400),
                Duration.ofMillis(500), Duration.ofMillis(250)));
    }

    private Waiting<String> head(String name, long waitedMillis) {
        return new Waiting<>(name, now - waitedMillis * MS, false);
    }

    private Waiting<String> silent(String name, long waitedMillis) {
        return new Waiting<>(name, now - waitedMillis * MS, true);
    }
}
