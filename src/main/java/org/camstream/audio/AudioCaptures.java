package org.camstream.audio;

import com.github.kokorin.jaffree.StreamType;
import com.github.kokorin.jaffree.ffmpeg.Input;
import com.github.kokorin.jaffree.ffmpeg.PipeOutput;
import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ScheduledExecutorService;
import org.camstream.process.StartException;
import org.camstream.process.ChildProcess;
import org.camstream.process.Launcher;
import org.camstream.process.SampleListener;
import org.camstream.audio.AdtsSampleParser;
import org.camstream.process.FfmpegProcess;
import org.camstream.process.HiddenUrl;
import org.camstream.codec.aac.AudioSpecificConfig;
import org.camstream.config.AudioInput;
import org.camstream.config.CameraSettings;

/**
 * Starts the one audio process: ffmpeg reading the {@code audio} setting's source and encoding AAC-LC, mono,
 * 48 kHz, once for every viewer, written as ADTS so that each frame arrives framed. It is supervised like the
 * camera, by a {@link org.camstream.camera.CaptureSupervisor} whose "pictures" are AAC frames.
 *
 * <p>The command line is an argument list; an ALSA device reaches it only as {@link AudioInput} accepted it.
 * The process also reports the sound's peak level ten times a second on its standard error, which
 * {@link AudioLevel} takes out of the log.
 */
public final class AudioCaptures implements Launcher {

    public static final AudioSpecificConfig FORMAT = AudioSpecificConfig.LC_48K_MONO;
    static final int BITRATE = 64_000;
    /** A test source's beep lasts this long, from the start of every second of the wall clock. */
    public static final double BEEP_SECONDS = 0.05;
    /** Astats frames (of 1024 samples) per level report: about a tenth of a second. */
    private static final int LEVEL_FRAMES = 5;

    private final ScheduledExecutorService scheduler;
    private final AudioLevel level;

    public AudioCaptures(ScheduledExecutorService scheduler, AudioLevel level) {
        this.scheduler = scheduler;
        this.level = level;
    }

    @Override
    public String describe(CameraSettings settings) {
        return settings.audio().enabled() ? settings.audio().id() + ", AAC-LC mono 48 kHz"
                : "nothing (audio=none), no process";
    }

    @Override
    public ChildProcess start(CameraSettings settings, SampleListener listener) throws StartException {
        if (!settings.audio().enabled()) {
            return new NoSound();
        }
        HiddenUrl hidden = hiddenInput(settings);
        try {
            ChildProcess process = start(settings, hidden != null ? hidden.ffmpegInput() : input(settings), listener);
            if (hidden != null) hidden.deleteWhenEnded(process);
            return process;
        } catch (RuntimeException e) {
            if (hidden != null) hidden.close();
            throw e;
        }
    }

    /** The sound of an input URL with a password comes through a file, like its pictures; null if not needed. */
    private static HiddenUrl hiddenInput(CameraSettings settings) throws StartException {
        String in = settings.input();
        if (settings.audio().kind() != AudioInput.Kind.INPUT || !HiddenUrl.needed(in) || !isUrl(in)) {
            return null;
        }
        boolean rtsp = in.toLowerCase(Locale.ROOT).startsWith("rtsp");
        return HiddenUrl.write(in, rtsp ? List.of("rtsp_transport", "tcp") : List.of());
    }

    private static boolean isUrl(String input) {
        return input.matches("[A-Za-z][A-Za-z0-9+.-]*://.*");
    }

    private ChildProcess start(CameraSettings settings, Input input, SampleListener listener) {
        SampleListener levels = new SampleListener() {
            @Override
            public void onSample(byte[] data, boolean keyframe) {
                listener.onSample(data, keyframe);
            }

            @Override
            public void onDiscard(String reason, long bytes) {
                listener.onDiscard(reason, bytes);
            }

            @Override
            public void onLogLine(String line) {
                if (!level.offer(line, System.nanoTime())) {
                    listener.onLogLine(line);
                }
            }
        };
        return FfmpegProcess.start(List.of(input), AudioCaptures::configure, new AdtsSampleParser(FORMAT, levels),
                levels, scheduler, List.of(describe(settings.audio()) + ", AAC-LC mono 48 kHz at "
                        + BITRATE / 1000 + " kbit/s"), com.github.kokorin.jaffree.LogLevel.INFO);
    }

    static Input input(CameraSettings settings) throws StartException {
        AudioInput audio = settings.audio();
        switch (audio.kind()) {
            case TEST:
                return UrlInput.fromUrl(testSource()).setFormat("lavfi").setReadAtFrameRate(true);
            case ALSA:
                // A USB microphone may not do 48 kHz mono itself; ffmpeg converts after reading.
                return UrlInput.fromUrl(audio.device()).setFormat("alsa");
            case PULSE:
                return UrlInput.fromUrl("default").setFormat("pulse");
            case INPUT:
                String in = settings.input();
                if (isUrl(in)) {
                    UrlInput url = UrlInput.fromUrl(in);
                    if (in.toLowerCase(Locale.ROOT).startsWith("rtsp")) {
                        url.addArguments("-rtsp_transport", "tcp");
                    }
                    return url;
                }
                Path file = Path.of(in).toAbsolutePath();
                if (!Files.isRegularFile(file)) {
                    throw new StartException("the input file " + file + " does not exist");
                }
                return UrlInput.fromPath(file).setReadAtFrameRate(true).setStreamLoop(-1);
            default:
                throw new StartException("no sound is set up");
        }
    }

    /**
     * A quiet 440 Hz tone, and a loud 1 kHz beep for the first {@link #BEEP_SECONDS} of every second of the
     * wall clock: the same moments at which the test pattern flashes, so that a player can measure how far
     * sound and picture are apart. The wall time of sample 0 is kept in variable 0; ffmpeg's -re releases
     * sample t at that time plus t, as it releases the test pattern's pictures.
     */
    static String testSource() {
        return "aevalsrc='if(eq(n\\,0)\\,st(0\\,time(0)-t)*0)"
                + "+if(lt(mod(ld(0)+t\\,1)\\," + BEEP_SECONDS + ")\\,0.7*sin(2*PI*1000*t)\\,0.05*sin(2*PI*440*t))'"
                + ":s=48000:c=mono:n=1024";
    }

    private static void configure(PipeOutput output) {
        output.setFormat("adts")
                .disableStream(StreamType.VIDEO)
                .addArguments("-af", levelFilter())
                .setCodec(StreamType.AUDIO, "aac")
                .addArguments("-ac", "1")
                .addArguments("-ar", "48000")
                .addArguments("-b:a", Integer.toString(BITRATE))
                .addArguments("-flush_packets", "1");
    }

    /** The sound unchanged, and beside it the peak level every LEVEL_FRAMES frames, logged at info. */
    static String levelFilter() {
        return "asplit[a][b];[b]astats=metadata=1:reset=" + LEVEL_FRAMES
                + ":measure_overall=Peak_level:measure_perchannel=none,aselect='not(mod(n\\," + LEVEL_FRAMES + "))'"
                + ",ametadata=mode=print:key=lavfi.astats.Overall.Peak_level,anullsink;[a]anull";
    }

    /**
     * What runs while the setting is {@code none}: no process, nothing delivered, until stopped. Viewers hold a
     * lease on the sound whatever the setting, so that turning it on reaches them.
     */
    private static final class NoSound implements ChildProcess {
        private final java.util.concurrent.CompletableFuture<String> exit = new java.util.concurrent.CompletableFuture<>();

        @Override
        public void stop() {
            exit.complete("stopped");
        }

        @Override
        public java.util.concurrent.CompletableFuture<String> exit() {
            return exit;
        }

        @Override
        public void kill() {
            stop();
        }

        @Override
        public java.util.OptionalLong pid() {
            return java.util.OptionalLong.empty();
        }
    }

    static String describe(AudioInput audio) {
        switch (audio.kind()) {
            case TEST:
                return "test tone with a beep every second";
            case ALSA:
                return "ALSA device " + audio.device();
            case PULSE:
                return "PulseAudio default source";
            case INPUT:
                return "the sound of the ffmpeg input";
            default:
                return "no sound";
        }
    }
}
