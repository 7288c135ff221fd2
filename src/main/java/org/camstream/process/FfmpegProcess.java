package org.camstream.process;

import com.github.kokorin.jaffree.LogLevel;
import com.github.kokorin.jaffree.ffmpeg.FFmpeg;
import com.github.kokorin.jaffree.ffmpeg.FFmpegResultFuture;
import com.github.kokorin.jaffree.ffmpeg.FFmpegStopper;
import com.github.kokorin.jaffree.ffmpeg.Input;
import com.github.kokorin.jaffree.ffmpeg.PipeOutput;
import com.github.kokorin.jaffree.process.Stopper;
import java.nio.file.Path;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.camstream.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An ffmpeg process run through jaffree, whose output is parsed into pictures as it arrives.
 *
 * <p>jaffree pumps ffmpeg's output through a loopback socket into the parser, drains and hands on stderr,
 * and stops ffmpeg by writing {@code q} to its stdin, which is why {@code -nostdin} is never passed. If
 * ffmpeg does not honour that within {@link #GRACE_MILLIS}, it gets SIGTERM, then SIGKILL.
 */
public final class FfmpegProcess implements ChildProcess {

    private static final Logger LOG = LoggerFactory.getLogger(FfmpegProcess.class);

    /** jaffree's default of 1,000,000 bytes would be a megabyte per process for no gain in latency. */
    public static final int PIPE_BUFFER_BYTES = 64 * 1024;
    static final long GRACE_MILLIS = 2_000;

    private final ProcessRecorder recorder = new ProcessRecorder();
    private final CompletableFuture<String> exit = new CompletableFuture<>();
    private final ScheduledExecutorService scheduler;
    private volatile FFmpegResultFuture running;

    private final List<String> notes;

    private FfmpegProcess(ScheduledExecutorService scheduler, List<String> notes) {
        this.scheduler = scheduler;
        this.notes = List.copyOf(notes);
    }

    @Override
    public List<String> notes() {
        return notes;
    }

    /**
     * @param inputs the ffmpeg inputs, with their options
     * @param output adds codec and format options to the pipe output
     */
    public static FfmpegProcess start(List<Input> inputs, Consumer<PipeOutput> output, SampleParser parser,
            SampleListener listener, ScheduledExecutorService scheduler) {
        return start(inputs, output, parser, listener, scheduler, List.of());
    }

    /** @param notes facts about this capture for the status page */
    public static FfmpegProcess start(List<Input> inputs, Consumer<PipeOutput> output, SampleParser parser,
            SampleListener listener, ScheduledExecutorService scheduler, List<String> notes) {
        return start(inputs, output, parser, listener, scheduler, notes, LogLevel.WARNING);
    }

    /**
     * @param logLevel what ffmpeg prints; only lines at info and above reach the listener. The audio process
     *     asks for info, since its level reports are printed at that level
     */
    public static FfmpegProcess start(List<Input> inputs, Consumer<PipeOutput> output, SampleParser parser,
            SampleListener listener, ScheduledExecutorService scheduler, List<String> notes, LogLevel logLevel) {
        FfmpegProcess capture = new FfmpegProcess(scheduler, notes);
        CommandRecordingFFmpeg ffmpeg = new CommandRecordingFFmpeg(capture.recorder);
        ffmpeg.setLogLevel(logLevel).setOutputListener(listener::onLogLine).addArgument("-hide_banner");
        inputs.forEach(ffmpeg::addInput);
        PipeOutput pipe = PipeOutput.pumpTo(parser.asOutputStream(), PIPE_BUFFER_BYTES);
        output.accept(pipe);
        ffmpeg.addOutput(pipe);
        LOG.info("Starting {}", Secrets.mask(String.join(" ", ffmpeg.commandLine())));
        try {
            FFmpegResultFuture future = ffmpeg.executeAsync();
            capture.running = future;
            future.toCompletableFuture().whenComplete((result, error) -> capture.exit.complete(
                    capture.describeExit(error)));
        } catch (RuntimeException e) {
            capture.exit.complete("ffmpeg could not be started: " + e.getMessage());
        }
        return capture;
    }

    private String describeExit(Throwable error) {
        Process process = recorder.process();
        if (process != null && !process.isAlive()) {
            int status = process.exitValue();
            // Java reports a process killed by signal N as 128 + N.
            return status > 128 && status <= 128 + 64 ? "ffmpeg was killed by signal " + (status - 128) : "ffmpeg exited with status " + status;
        }
        Throwable cause = error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
        Throwable root = cause;
        while (root != null && root.getCause() != null) {
            root = root.getCause();
        }
        return "ffmpeg could not run: " + (root == null ? "unknown reason" : root.getMessage());
    }

    @Override
    public void stop() {
        if (!recorder.requestStop()) {
            return;
        }
        FFmpegResultFuture future = running;
        if (future != null && recorder.process() != null) {
            try {
                future.graceStop();
            } catch (RuntimeException e) {
                // stdin already closed: the escalation below still ends the process
            }
        }
        scheduler.schedule(recorder::terminate, GRACE_MILLIS, TimeUnit.MILLISECONDS);
        scheduler.schedule(recorder::kill, 2 * GRACE_MILLIS, TimeUnit.MILLISECONDS);
    }

    @Override
    public void kill() {
        recorder.requestStop();
        recorder.kill();
    }

    @Override
    public CompletableFuture<String> exit() {
        return exit;
    }

    @Override
    public OptionalLong pid() {
        Process process = recorder.process();
        return process == null ? OptionalLong.empty() : OptionalLong.of(process.pid());
    }

    /** jaffree's FFmpeg, with the hooks camstream needs: its own stopper, and the command line for the log. */
    private static final class CommandRecordingFFmpeg extends FFmpeg {
        private final Stopper stopper;

        CommandRecordingFFmpeg(Stopper stopper) {
            super(Path.of("ffmpeg"));
            this.stopper = stopper;
        }

        @Override
        protected Stopper createStopper() {
            return stopper;
        }

        List<String> commandLine() {
            List<String> command = new java.util.ArrayList<>();
            command.add("ffmpeg");
            command.addAll(buildArguments());
            return command;
        }
    }

    /** Keeps hold of the Process that jaffree starts, so that it can be signalled and waited for. */
    private static final class ProcessRecorder extends FFmpegStopper {
        private Process process;
        private boolean stopRequested;

        @Override
        public void setProcess(Process process) {
            super.setProcess(process);
            boolean alreadyStopped;
            synchronized (this) {
                this.process = process;
                alreadyStopped = stopRequested;
            }
            if (alreadyStopped) {
                process.destroy();
            }
        }

        synchronized Process process() {
            return process;
        }

        /** Returns false if a stop was already requested. */
        synchronized boolean requestStop() {
            if (stopRequested) {
                return false;
            }
            stopRequested = true;
            return true;
        }

        void terminate() {
            Process p = process();
            if (p != null && p.isAlive()) {
                p.destroy();
            }
        }

        void kill() {
            Process p = process();
            if (p != null && p.isAlive()) {
                p.destroyForcibly();
            }
        }
    }
}
