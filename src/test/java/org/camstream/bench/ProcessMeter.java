package org.camstream.bench;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What a process has used so far, read from /proc: CPU time (user and system, its own threads only, not its
 * children), write system calls, threads and resident memory. Two samples give what a benchmark's window cost.
 */
record ProcessMeter(long pid, long nanos, double cpuSeconds, long writeSyscalls, int threads, long residentBytes) {

    /** Linux's USER_HZ, in which /proc/PID/stat counts CPU time; 100 on every common architecture. */
    private static final double TICKS_PER_SECOND = 100;

    static ProcessMeter of(long pid) throws IOException {
        String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"), StandardCharsets.US_ASCII);
        // The command name, field 2, is in parentheses and may hold spaces: count fields after its end.
        String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        double cpu = (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / TICKS_PER_SECOND;
        long syscw = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "io"))) {
            if (line.startsWith("syscw:")) {
                syscw = Long.parseLong(line.substring(6).trim());
            }
        }
        int threads = 0;
        long rss = 0;
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("Threads:")) {
                threads = Integer.parseInt(line.substring(8).trim());
            } else if (line.startsWith("VmRSS:")) {
                rss = Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
            }
        }
        return new ProcessMeter(pid, System.nanoTime(), cpu, syscw, threads, rss);
    }

    /** CPU seconds used since {@code before}. */
    double cpuSince(ProcessMeter before) {
        return cpuSeconds - before.cpuSeconds;
    }

    long writeSyscallsSince(ProcessMeter before) {
        return writeSyscalls - before.writeSyscalls;
    }

    /** The process's direct children, with their command lines, for telling the camera's ffmpeg from others. */
    static List<Child> children(long pid) throws IOException {
        List<Child> children = new ArrayList<>();
        try (var tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                String list;
                try {
                    list = Files.readString(task.resolve("children")).trim();
                } catch (IOException gone) {
                    continue; // the thread ended
                }
                for (String child : list.isEmpty() ? new String[0] : list.split(" ")) {
                    long childPid = Long.parseLong(child);
                    try {
                        String cmdline = Files.readString(Path.of("/proc", child, "cmdline"), StandardCharsets.UTF_8)
                                .replace('\0', ' ').trim();
                        children.add(new Child(childPid, cmdline));
                    } catch (IOException gone) {
                        // exited meanwhile
                    }
                }
            }
        }
        return children;
    }

    record Child(long pid, String commandLine) {
    }
}
