package org.camstream.publish;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.camstream.process.Scheduler;
import org.camstream.process.BoundedLineReader;
import org.camstream.process.ChildProcess;
import org.camstream.process.ReaderThreads;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One publishing ffmpeg, run directly rather than through jaffree: its standard input is the feed, its standard
 * output the progress, its standard error the log, each on a thread of its own (three per relay, none per
 * viewer).
 *
 * <p>Stopping closes the feed, so ffmpeg reads the end of its input, finishes the stream and exits; if it has
 * not within {@link #GRACE}, SIGTERM, and SIGKILL after twice that. The same end of input is what an ffmpeg
 * sees when camstream's JVM dies without stopping it, so it never outlives the server.
 */
final class PublishProcess implements ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger(PublishProcess.class);
    static final Duration GRACE = Duration.ofSeconds(2);
    /** A line longer than this is cut. */
    private static final int MAX_LINE_BYTES = 4096;
    /** How often the writer wakes while no fragment comes, to notice that it should stop. */
    private static final long IDLE_WAKE_MILLIS = 500;

    private final Process process;
    private final PublishFeed feed;
    private final Scheduler scheduler;
    private final CompletableFuture<String> exit = new CompletableFuture<>();

    private PublishProcess(Process process, PublishFeed feed, Scheduler scheduler) {
        this.process = process;
        this.feed = feed;
        this.scheduler = scheduler;
    }

    /**
     * @param log receives each line of ffmpeg's standard error, as it is
     * @throws IOException when ffmpeg cannot be run at all
     */
    static PublishProcess start(List<String> command, PublishFeed feed, FfmpegProgress.Listener progress,
            Consumer<String> log, Scheduler scheduler) throws IOException {
        Process process = new ProcessBuilder(command).start();
        PublishProcess running = new PublishProcess(process, feed, scheduler);
        Thread writer = ReaderThreads.of("camstream-publish-in", () -> running.write(process.getOutputStream()));
        Thread reader = ReaderThreads.of("camstream-publish-out", () -> readLines(process.getInputStream(),
                new FfmpegProgress(progress)::line));
        Thread errors = ReaderThreads.of("camstream-publish-err", () -> readLines(process.getErrorStream(), line -> {
            if (!line.isBlank()) {
                log.accept(line);
            }
        }));
        writer.start();
        reader.start();
        errors.start();
        process.onExit().thenRun(() -> {
            feed.close(); // the writer may be waiting for a fragment that will never be written
            ReaderThreads.join(reader, errors, writer);
            int status = process.exitValue();
            // Java reports a process killed by signal N as 128 + N.
            running.exit.complete(status > 128 && status <= 128 + 64 ? "ffmpeg was killed by signal "
                    + (status - 128) : "ffmpeg exited with status " + status);
        });
        return running;
    }

    /** Hands the feed to ffmpeg until it ends or ffmpeg stops reading; then closes ffmpeg's input. */
    private void write(OutputStream stdin) {
        try (OutputStream in = stdin) {
            while (true) {
                var chunk = feed.next(IDLE_WAKE_MILLIS);
                if (chunk == PublishFeed.END) {
                    return;
                }
                if (chunk != null) {
                    chunk.writeTo(in);
                    in.flush();
                }
            }
        } catch (IOException e) {
            // ffmpeg exited, or closed its input: its exit says why
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void readLines(InputStream stream, Consumer<String> consumer) {
        try (BoundedLineReader reader = new BoundedLineReader(stream, MAX_LINE_BYTES)) {
            for (String line; (line = reader.readLine()) != null; ) {
                consumer.accept(line);
            }
        } catch (IOException e) {
            // the process ended
        }
    }

    /** Asks ffmpeg to finish, and makes sure it does. Returns at once. */
    @Override
    public void stop() {
        feed.close();
        scheduler.schedule(GRACE, () -> {
            if (process.isAlive()) {
                process.destroy();
            }
        });
        scheduler.schedule(GRACE.multipliedBy(2), this::kill);
    }

    @Override
    public void kill() {
        if (process.isAlive()) {
            LOG.warn("The publishing ffmpeg {} did not stop; killing it", process.pid());
            process.destroyForcibly();
        }
    }

    /** Completes once ffmpeg has ended and its output is read; the value says how it ended. */
    @Override
    public CompletableFuture<String> exit() {
        return exit;
    }

    @Override
    public OptionalLong pid() {
        return OptionalLong.of(process.pid());
    }

    /** A feed that ended because the camera's picture size changed: no fault of the relay's. */
    @Override
    public boolean endedWithoutFault() {
        return feed.trackChanged();
    }
}
