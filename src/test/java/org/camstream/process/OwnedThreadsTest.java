package org.camstream.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class OwnedThreadsTest {

    @Test
    void aStoppedPoolHasNoThreadLeft() throws Exception {
        // awaitTermination alone returns while the worker is still leaving; over many stops that shows.
        int alive = 0;
        for (int round = 0; round < 300; round++) {
            OwnedThreads threads = new OwnedThreads("test-pool");
            ExecutorService pool = new ThreadPoolExecutor(2, 2, 30, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
                    threads);
            List<Thread> ran = new ArrayList<>();
            CountDownLatch started = new CountDownLatch(2);
            for (int i = 0; i < 2; i++) {
                pool.execute(() -> {
                    synchronized (ran) {
                        ran.add(Thread.currentThread());
                    }
                    started.countDown();
                });
            }
            assertTrue(started.await(5, TimeUnit.SECONDS));
            assertTrue(threads.stop(pool, Duration.ofSeconds(5)));
            synchronized (ran) {
                alive += (int) ran.stream().filter(Thread::isAlive).count();
            }
        }
        assertEquals(0, alive, "threads still alive right after stop returned, over 300 stops of 2 threads");
    }

    @Test
    void workThatOutlastsThePatienceIsInterrupted() throws Exception {
        OwnedThreads threads = new OwnedThreads("test-sleeper");
        ExecutorService pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        CountDownLatch sleeping = new CountDownLatch(1);
        CountDownLatch never = new CountDownLatch(1);
        Thread[] worker = new Thread[1];
        pool.execute(() -> {
            worker[0] = Thread.currentThread();
            sleeping.countDown();
            try {
                never.await(); // work that ends only when interrupted
            } catch (InterruptedException e) {
                // the stop's interrupt: end
            }
        });
        assertTrue(sleeping.await(5, TimeUnit.SECONDS));
        long start = System.nanoTime();
        assertTrue(threads.stop(pool, Duration.ofMillis(100)));
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(30), "stopped soon after the patience ran out");
        assertFalse(worker[0].isAlive());
        assertTrue(worker[0].isDaemon(), "the pool's threads never keep the JVM up");
        assertEquals("test-sleeper", worker[0].getName());
    }

    @Test
    void workThatIgnoresTheInterruptIsReportedAndNotWaitedForForever() throws Exception {
        OwnedThreads threads = new OwnedThreads("test-stubborn");
        ExecutorService pool = new ThreadPoolExecutor(1, 1, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(), threads);
        CountDownLatch release = new CountDownLatch(1);
        CountDownLatch running = new CountDownLatch(1);
        pool.execute(() -> {
            running.countDown();
            while (true) {
                try {
                    if (release.await(10, TimeUnit.SECONDS)) {
                        return;
                    }
                } catch (InterruptedException e) {
                    // ignored on purpose
                }
            }
        });
        assertTrue(running.await(5, TimeUnit.SECONDS));
        long start = System.nanoTime();
        assertFalse(threads.stop(pool, Duration.ofMillis(100)), "a thread that did not end is reported");
        assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(5), "three waits of the patience, no more");
        release.countDown();
    }
}
