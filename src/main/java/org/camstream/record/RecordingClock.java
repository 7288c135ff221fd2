package org.camstream.record;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;

/**
 * The clocks a recording is stamped with. A Raspberry Pi has no real-time clock: at boot its wall clock can be
 * hours or days off until NTP corrects it, in either direction. So the wall clock only names files and says when
 * to people; what orders recordings, measures their length and ages them is the machine's monotonic clock, with
 * the boot it belongs to, since it starts again at every boot.
 */
public interface RecordingClock {

    /** The wall clock, which may jump. */
    Instant wall();

    /** Nanoseconds since the machine booted: steady, and the same in every process of one boot. */
    long monotonicNanos();

    /** What tells one boot from another; the monotonic clock of an older boot is not comparable. */
    String bootId();

    /** The wall time this clock gives a monotonic reading of the current boot, with what it knows now. */
    default Instant wallAt(long monotonicNanos) {
        long ago = monotonicNanos() - monotonicNanos;
        return wall().minusNanos(ago);
    }

    /** The machine's clocks: the system clock, and the kernel's time since boot (/proc/uptime) with its boot_id. */
    static RecordingClock system() {
        return SystemClock.INSTANCE;
    }

    /** The system's clocks. The uptime is read once; the JVM's nanoTime carries it on, at full resolution. */
    final class SystemClock implements RecordingClock {
        static final SystemClock INSTANCE = new SystemClock();
        private static final Path UPTIME = Path.of("/proc/uptime");
        private static final Path BOOT_ID = Path.of("/proc/sys/kernel/random/boot_id");

        private final Clock clock = Clock.systemUTC();
        private final long offsetNanos;
        private final String bootId;

        private SystemClock() {
            long uptimeNanos;
            String boot;
            try {
                String uptime = Files.readString(UPTIME, StandardCharsets.US_ASCII).trim().split("\\s+")[0];
                uptimeNanos = Math.round(Double.parseDouble(uptime) * 1e9);
                boot = Files.readString(BOOT_ID, StandardCharsets.US_ASCII).trim();
            } catch (IOException | RuntimeException e) {
                // Not Linux: this process's own clock, and a boot of its own.
                uptimeNanos = 0;
                boot = "process-" + ProcessHandle.current().pid() + "-" + System.currentTimeMillis();
            }
            this.offsetNanos = uptimeNanos - System.nanoTime();
            this.bootId = boot;
        }

        @Override
        public Instant wall() {
            return clock.instant();
        }

        @Override
        public long monotonicNanos() {
            return System.nanoTime() + offsetNanos;
        }

        @Override
        public String bootId() {
            return bootId;
        }
    }
}
