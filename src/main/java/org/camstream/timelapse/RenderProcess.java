package org.camstream.timelapse;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
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
 * One render's ffmpeg, run directly (under {@code nice} where the system has it): a thread of its own writes the
 * stills into its standard input, one file after another, each streamed through one small buffer, so that the
 * memory a render takes does not grow with the session; its standard output is the {@code -progress} report (only
 * the frame count is kept), its standard error the log, each read by a thread of its own. With one render at a
 * time that is three threads for the whole server. The feed closes ffmpeg's input after the last still, and ffmpeg
 * then finishes the file; should the JVM die, the kernel closes it all the same, and ffmpeg ends with it.
 * Stopping sends SIGTERM and SIGKILL after {@link #GRACE}; a cancel kills it at once, which ends the feed too.
 */
final class RenderProcess implements ChildProcess, RenderQueue.Run {

    private static final Logger LOG = LoggerFactory.getLogger(RenderProcess.class);
    static final Duration GRACE = Duration.ofSeconds(2);
    private static final int MAX_LINE_BYTES = 4096;
    /** The feed's one buffer: a still is read and written in pieces of this size. */
    static final int FEED_BUFFER = 64 * 1024;

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
     * @param stills what to feed to ffmpeg's standard input, in order
     * @param frames told the frames written so far, from ffmpeg's progress report
     * @throws IOException when ffmpeg cannot be run at all
     */
    static RenderProcess start(List<String> command, RenderCommand.Stills stills, LongConsumer frames,
            Scheduler scheduler) throws IOException {
        LOG.info("Starting {}", String.join(" ", command));
        Process process = new ProcessBuilder(command).start();
        RenderProcess render = new RenderProcess(process, scheduler);
        Thread in = ReaderThreads.of("camstream-render-in", () -> render.feed(process.getOutputStream(), stills));
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
        in.start();
        out.start();
        err.start();
        process.onExit().thenRun(() -> {
            ReaderThreads.join(out, err, in);
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

    /**
     * On the feed's thread: writes each still into ffmpeg's standard input, then closes it, which tells ffmpeg
     * that the stills are all there. A still that cannot be read (deleted by hand) is left out and counted; a
     * write that fails means that ffmpeg has ended (killed by a cancel, or failed), and the feed stops.
     */
    void feed(OutputStream stdin, RenderCommand.Stills stills) {
        byte[] buffer = new byte[FEED_BUFFER];
        long missing = 0;
        String firstMissing = null;
        try (OutputStream pipe = stdin) {
            for (long i = 0; i < stills.count(); i++) {
                InputStream still;
                try {
                    still = Files.newInputStream(stills.file(i));
                } catch (IOException e) {
                    missing++;
                    firstMissing = firstMissing == null ? stills.file(i).getFileName() + ": " + e : firstMissing;
                    continue;
                }
                try (InputStream file = still) {
                    while (true) {
                        int n;
                        try {
                            n = file.read(buffer);
                        } catch (IOException e) {
                            missing++;
                            firstMissing = firstMissing == null ? stills.file(i).getFileName() + ": " + e
                                    : firstMissing;
                            break;
                        }
                        if (n < 0) {
                            break;
                        }
                        pipe.write(buffer, 0, n);
                    }
                }
                pipe.flush();
            }
        } catch (IOException e) {
            // ffmpeg reads no more: it has ended, and its exit says how
        }
        if (missing > 0) {
            LOG.warn("Timelapse render: {} of {} stills could not be read and were left out (first: {})", missing,
                    stills.count(), firstMissing);
        }
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
