package org.camstream.process;

import com.github.kokorin.jaffree.ffmpeg.UrlInput;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.camstream.config.Secrets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An input URL with a password, handed to ffmpeg or ffprobe in a file rather than on its command line, which
 * every local user can read ({@code ps}, {@code /proc/<pid>/cmdline}). ffmpeg 5.1 reads no option or input from
 * a file, but its concat demuxer opens the inputs an ffconcat script names just as {@code -i} opens a URL, with
 * the protocol's and demuxer's options as {@code option} lines: the script names this one URL. It is readable
 * by camstream's user alone (0600, in a 0700 directory of camstream's own under {@code java.io.tmpdir}), and
 * deleted when the process that reads it has ended.
 *
 * <p>For a script read from a file ffmpeg allows only the protocols file, crypto and data, so the input lists
 * the network protocols an input URL given to {@code -i} may use. The script's lines are written from values
 * checked here: a URL with a control character, which could start a line of its own, is refused.
 */
public final class HiddenUrl implements AutoCloseable {
    /** What {@code -i} could open: the script itself, and each network protocol of Debian's ffmpeg 5.1. */
    static final String PROTOCOLS = "file,crypto,data,tcp,udp,unix,tls,http,https,httpproxy,rtp,srtp,"
            + "rtmp,rtmps,rtmpt,rtmpts,rtmpe,rtmpte,ffrtmpcrypt,ffrtmphttp,hls,ftp,mmsh,mmst,gopher,gophers,srt";
    private static final String OPTION_NAME = "[a-z0-9_]+";
    private static final String OPTION_VALUE = "[A-Za-z0-9_.:+-]+";
    private static final Logger LOG = LoggerFactory.getLogger(HiddenUrl.class);

    private static Path directory; // guarded by HiddenUrl.class

    private final Path script;

    private HiddenUrl(Path script) {
        this.script = script;
    }

    /** Whether the URL holds a password that its command line would show. */
    public static boolean needed(String url) {
        return Secrets.hasUrlPassword(url);
    }

    /**
     * Writes the script.
     *
     * @param options the protocol's and demuxer's options for the URL, each a name and its value, as {@code -i}
     *     would take them without their dash
     */
    public static HiddenUrl write(String url, List<String> options) throws StartException {
        if (url.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
            throw new StartException("the input URL holds a control character");
        }
        StringBuilder text = new StringBuilder("ffconcat version 1.0\n");
        // Nothing is special inside single quotes; a quote in the URL ends them, is escaped, and opens new ones.
        text.append("file '").append(url.replace("'", "'\\''")).append("'\n");
        for (int i = 0; i + 1 < options.size(); i += 2) {
            String name = options.get(i);
            String value = options.get(i + 1);
            if (!name.matches(OPTION_NAME) || !value.matches(OPTION_VALUE)) {
                throw new IllegalArgumentException("not an option camstream passes: " + name + " " + value);
            }
            text.append("option ").append(name).append(' ').append(value).append('\n');
        }
        try {
            Path file = Files.createTempFile(privateDirectory(), "input-", ".ffconcat",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(file, text, StandardCharsets.UTF_8);
            // The command line names the script only: the log says what it holds.
            LOG.info("{} goes to ffmpeg in {}, off its command line", Secrets.mask(url), file);
            return new HiddenUrl(file);
        } catch (IOException e) {
            throw new StartException("cannot write the input URL for ffmpeg in " + directory + ": " + e.getMessage(), e);
        }
    }

    /** The options before the input, for ffprobe. */
    public List<String> inputOptions() {
        return List.of("-f", "concat", "-safe", "0", "-protocol_whitelist", PROTOCOLS);
    }

    /** What stands for the URL on the command line: the script's path. */
    public String input() {
        return script.toString();
    }

    /** The input for ffmpeg, with its options. */
    public UrlInput ffmpegInput() {
        List<String> options = inputOptions();
        UrlInput input = UrlInput.fromUrl(input());
        for (int i = 0; i + 1 < options.size(); i += 2) {
            input.addArguments(options.get(i), options.get(i + 1));
        }
        return input;
    }

    /** Deletes the script once the process that reads it has ended, whichever way. */
    public void deleteWhenEnded(ChildProcess process) {
        process.exit().whenComplete((how, error) -> close());
    }

    @Override
    public void close() {
        try {
            Files.deleteIfExists(script);
        } catch (IOException e) {
            // The directory is camstream's own and readable by nobody else; a leftover goes with it.
        }
    }

    /** Made once; made again should something have cleaned the temporary directory since. */
    private static synchronized Path privateDirectory() throws IOException {
        if (directory == null || !Files.isDirectory(directory)) {
            directory = Files.createTempDirectory("camstream-inputs-",
                    PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
            // Gone with the JVM if its scripts are (each goes with its process): one registration per directory.
            directory.toFile().deleteOnExit();
        }
        return directory;
    }
}
