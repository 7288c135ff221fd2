package org.camstream.process;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.camstream.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A camera program other than ffmpeg (rpicam-vid) run directly: its standard output goes to a picture
 * parser, its standard error to the log. Two reader threads per process, none per viewer. Stopping sends
 * SIGTERM, which rpicam-vid handles by finishing cleanly, then SIGKILL if it has not ended in time.
 */
public final class ProgramProcess implements ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger(ProgramProcess.class);
    private static final int READ_BUFFER_BYTES = 64 * 1024;
    /** A line longer than this is cut: a program that prints megabytes without a newline must not fill the heap. */
    static final int MAX_LINE_BYTES = 4096;

    private final Process process;
    private final CompletableFuture<String> exit = new CompletableFuture<>();
    private final ScheduledExecutorService scheduler;
    private final List<String> notes;
    private volatile String persistentFailure;

    private ProgramProcess(Process process, ScheduledExecutorService scheduler, List<String> notes) {
        this.process = process;
        this.scheduler = scheduler;
        this.notes = List.copyOf(notes);
    }

    /**
     * @param persistent recognises a stderr line that means retrying soon is pointless (the camera is busy);
     *     it returns the message for the user, or null
     */
    public static ProgramProcess start(List<String> command, SampleParser parser, SampleListener listener,
            ScheduledExecutorService scheduler, java.util.function.Function<String, String> persistent,
            List<String> notes) throws StartException {
        LOG.info("Starting {}", Secrets.mask(String.join(" ", command)));
        Process process;
        try {
            process = new ProcessBuilder(command).start();
        } catch (IOException e) {
            throw new StartException(Secrets.mask("cannot run " + command.get(0) + ": " + e.getMessage()), e);
        }
        ProgramProcess capture = new ProgramProcess(process, scheduler, notes);
        Thread out = ReaderThreads.of("camstream-capture-out", () -> capture.pump(process.getInputStream(), parser));
        Thread err = ReaderThreads.of("camstream-capture-err", () -> capture.readLog(process.getErrorStream(), listener,
                persistent));
        out.start();
        err.start();
        process.onExit().thenRun(() -> {
            ReaderThreads.join(out, err);
            int status = process.exitValue();
            String how = status > 128 && status <= 128 + 64 ? command.get(0) + " was killed by signal " + (status - 128)
                    : command.get(0) + " exited with status " + status;
            String failure = capture.persistentFailure;
            capture.exit.complete(failure == null ? how : how + ": " + failure);
        });
        return capture;
    }

    private void pump(InputStream in, SampleParser parser) {
        byte[] buffer = new byte[READ_BUFFER_BYTES];
        try (in) {
            for (int n; (n = in.read(buffer)) >= 0; ) {
                parser.feed(buffer, 0, n);
            }
        } catch (IOException e) {
            // the process ended; its exit is reported through exit()
        }
    }

    private void readLog(InputStream in, SampleListener listener, java.util.function.Function<String, String> persistent) {
        try (BoundedLineReader reader = new BoundedLineReader(in, MAX_LINE_BYTES)) {
            for (String line; (line = reader.readLine()) != null; ) {
                if (line.isBlank()) {
                    continue;
                }
                listener.onLogLine(line);
                String failure = persistent.apply(line);
                if (failure != null && persistentFailure == null) {
                    persistentFailure = failure;
                }
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
        scheduler.schedule(() -> {
            if (process.isAlive()) {
                LOG.warn("{} did not stop on SIGTERM; killing it", process.pid());
                process.destroyForcibly();
            }
        }, 2 * FfmpegProcess.GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void kill() {
        process.destroyForcibly();
    }

    @Override
    public CompletableFuture<String> exit() {
        return exit;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    @Override
    public boolean failedPersistently() {
        return persistentFailure != null;
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    /** A matcher that recognises none of the lines. */
    public static java.util.function.Function<String, String> noPersistentFailures() {
        return line -> null;
    }

    public static java.util.function.Function<String, String> matching(Predicate<String> line, String message) {
        return l -> line.test(l) ? message : null;
    }
}
