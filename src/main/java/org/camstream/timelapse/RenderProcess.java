package org.camstream.timelapse;

import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.LongConsumer;
import org.camstream.process.BoundedLineReader;
import org.camstream.process.ChildProcess;
import org.camstream.process.LogLimiter;
import org.camstream.process.ProcessLog;
import org.camstream.process.ReaderThreads;
import org.camstream.process.Scheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One render's ffmpeg, run directly: its standard output is the {@code -progress} report (only the frame count
 * is kept), its standard error the log, each read by a thread of its own; with one render at a time that is two
 * threads for the whole server. It does not read its standard input ({@code -nostdin}), which is closed.
 * Stopping sends SIGTERM and SIGKILL after {@link #GRACE}; a cancel kills it at once.
 */
final class RenderProcess implements ChildProcess, RenderQueue.Run {

    private static final Logger LOG = LoggerFactory.getLogger(RenderProcess.class);
    static final Duration GRACE = Duration.ofSeconds(2);
    private static final int MAX_LINE_BYTES = 4096;

    private final Process process;
    private final Scheduler scheduler;
    private final ProcessLog log = new ProcessLog("timelapse render", LogLimiter.standard());
    private final CompletableFuture<String> exit = new CompletableFuture<>();
    private final CompletableFuture<String> failure = new CompletableFuture<>();

    private RenderProcess(Process process, Scheduler scheduler) {
        this.process = process;
        this.scheduler = scheduler;
    }

    /**
     * @param frames told the frames written so far, from ffmpeg's progress report
     * @throws IOException when ffmpeg cannot be run at all
     */
    static RenderProcess start(List<String> command, LongConsumer frames, Scheduler scheduler) throws IOException {
        LOG.info("Starting {}", String.join(" ", command));
        Process process = new ProcessBuilder(command).start();
        RenderProcess render = new RenderProcess(process, scheduler);
        try {
            process.getOutputStream().close();
        } catch (IOException e) {
            // ffmpeg does not read it anyway
        }
        Thread out = ReaderThreads.of("camstream-render-out", () -> readLines(process.getInputStream(), line -> {
            if (line.startsWith("frame=")) {
                try {
                    frames.accept(Long.parseLong(line.substring(6).trim()));
                } catch (NumberFormatException e) {
                    // N/A before the first frame
                }
            }
        }));
        Thread err = ReaderThreads.of("camstream-render-err", () -> readLines(process.getErrorStream(), line -> {
            if (!line.isBlank()) {
                render.log.add(line);
            }
        }));
        out.start();
        err.start();
        process.onExit().thenRun(() -> {
            ReaderThreads.join(out, err);
            int status = process.exitValue();
            // Java reports a process killed by signal N as 128 + N.
            String how = status > 128 && status <= 128 + 64 ? "ffmpeg was killed by signal " + (status - 128)
                    : "ffmpeg exited with status " + status;
            String last = render.log.last();
            render.exit.complete(how);
            render.failure.complete(status == 0 ? null : how + (last == null ? "" : ": " + last));
        });
        return render;
    }

    private static void readLines(InputStream stream, java.util.function.Consumer<String> consumer) {
        try (BoundedLineReader reader = new BoundedLineReader(stream, MAX_LINE_BYTES)) {
            for (String line; (line = reader.readLine()) != null; ) {
                consumer.accept(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    @Override
    public void stop() {
        if (!process.isAlive()) {
            return;
        }
        process.destroy();
        scheduler.schedule(GRACE, this::kill);
    }

    @Override
    public void kill() {
        if (process.isAlive()) {
            process.destroyForcibly();
        }
    }

    @Override
    public CompletableFuture<String> exit() {
        return exit;
    }

    @Override
    public CompletableFuture<String> failure() {
        return failure;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }
}
