package org.camstream.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.camstream.testing.WarProcess;

/**
 * What recording costs: the same H.264 camera served from the WAR with a 64 MB heap, once without and once with
 * {@code record=continuous}, no viewers. It reports the server's own CPU (not ffmpeg's), write system calls, the bytes
 * on disk against the camera's bitrate, and the heap after a full GC. Run it with
 * {@code mvn verify -Dit.test=RecordingBenchmarkIT -Dbenchmark=true [-Dseconds=60] [-Dsize=1280x720]
 * [-Dbitrate=4000000]}.
 */
@EnabledIfSystemProperty(named = "benchmark", matches = "true")
class RecordingBenchmarkIT {

    @Test
    void recordingCost() throws Exception {
        int seconds = Integer.getInteger("seconds", 60);
        String size = System.getProperty("size", "1280x720");
        String bitrate = System.getProperty("bitrate", "4000000");
        Run without = run(false, seconds, size, bitrate);
        Run with = run(true, seconds, size, bitrate);
        System.out.printf("%n=== recording benchmark: H.264 %s at %s bit/s, 30 fps, %d s each, server -Xmx64m ===%n",
                size, bitrate, seconds);
        System.out.printf("%-10s %12s %14s %14s %12s%n", "record", "CPU %", "writes/s", "disk MB/s", "heap MB");
        for (Run run : new Run[] {without, with}) {
            System.out.printf("%-10s %12.1f %14.1f %14.3f %12.1f%n", run.record, run.cpuPercent, run.writesPerSecond,
                    run.diskBytesPerSecond / 1e6, run.heapAfterGc / 1e6);
        }
        System.out.printf("camera bitrate %.3f MB/s; recording adds %.1f%% CPU of one core and %.1f write calls/s%n",
                Long.parseLong(bitrate) / 8e6, with.cpuPercent - without.cpuPercent,
                with.writesPerSecond - without.writesPerSecond);
    }

    private static Run run(boolean record, int seconds, String size, String bitrate) throws Exception {
        String[] wh = size.split("x");
        try (WarProcess server = WarProcess.start(WarProcess.SMALL_BOARD, "--codec", "h264", "--width", wh[0],
                "--height", wh[1], "--fps", "30", "--bitrate", bitrate, "--record", record ? "continuous" : "off")) {
            HttpLoad.pass(5); // warm-up: the encoder settles and the first file is open
            long diskBefore = bytesUnder(server.dataDir().resolve("recordings"));
            ProcessMeter before = ProcessMeter.of(server.pid());
            HttpLoad.pass(seconds);
            ProcessMeter after = ProcessMeter.of(server.pid());
            long diskAfter = bytesUnder(server.dataDir().resolve("recordings"));
            double elapsed = (after.nanos() - before.nanos()) / 1e9;
            return new Run(record, 100 * after.cpuSince(before) / elapsed, after.writeSyscallsSince(before) / elapsed,
                    (diskAfter - diskBefore) / elapsed, server.heapAfterGc());
        }
    }

    private static long bytesUnder(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
        }
    }

    private record Run(boolean record, double cpuPercent, double writesPerSecond, double diskBytesPerSecond,
            long heapAfterGc) {
    }
}
