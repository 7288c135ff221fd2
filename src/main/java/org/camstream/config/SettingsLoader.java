package org.camstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Function;

/**
 * Resolves settings from their layers. Highest precedence first:
 * <ol>
 *   <li>command-line flags (embedded mode);</li>
 *   <li>environment variables {@code CAMSTREAM_*};</li>
 *   <li>Java system properties {@code camstream.*};</li>
 *   <li>{@code camstream.properties} in the data directory;</li>
 *   <li>servlet context parameters {@code camstream.*} (web.xml or a Tomcat context file);</li>
 *   <li>built-in defaults.</li>
 * </ol>
 * The data directory itself comes from every layer but the properties file, which lives in it.
 */
public final class SettingsLoader {

    public static final String PROPERTIES_FILE = "camstream.properties";

    private final Map<Setting, String> commandLine;
    private final Map<String, String> environment;
    private final Properties systemProperties;
    private final Function<String, String> contextParameters;

    private SettingsLoader(Map<Setting, String> commandLine, Map<String, String> environment,
            Properties systemProperties, Function<String, String> contextParameters) {
        this.commandLine = commandLine;
        this.environment = environment;
        this.systemProperties = systemProperties;
        this.contextParameters = contextParameters;
    }

    /**
     * @param args command-line arguments ({@code --width 640} or {@code --width=640})
     * @param contextParameters looks up a servlet context parameter; returns null when unset
     */
    public static SettingsLoader of(List<String> args, Map<String, String> environment, Properties systemProperties,
            Function<String, String> contextParameters) {
        return new SettingsLoader(CommandLine.parse(args), environment, systemProperties, contextParameters);
    }

    /** Loads from this process's environment and system properties. */
    public static SettingsLoader ofProcess(List<String> args, Function<String, String> contextParameters) {
        return of(args, System.getenv(), System.getProperties(), contextParameters);
    }

    public Settings load() {
        Map<Setting, Resolved> values = new EnumMap<>(Setting.class);
        Resolved dataDir = resolve(Setting.DATA_DIR, new Properties(), null);
        values.put(Setting.DATA_DIR, dataDir);
        Path dataPath = expandHome(dataDir.value);
        Path propertiesPath = dataPath.resolve(PROPERTIES_FILE);
        Properties file = readProperties(propertiesPath);
        for (Setting setting : Setting.values()) {
            if (setting != Setting.DATA_DIR) {
                values.put(setting, resolve(setting, file, propertiesPath));
            }
        }
        return new Settings(
                integer(values.get(Setting.PORT), 0, 65535),
                text(values.get(Setting.BIND)),
                source(values.get(Setting.SOURCE)),
                evenInteger(values.get(Setting.WIDTH), 64, 4096),
                evenInteger(values.get(Setting.HEIGHT), 64, 4096),
                decimal(values.get(Setting.FPS), 1, 120),
                integer(values.get(Setting.JPEG_QUALITY), 1, 100),
                codec(values.get(Setting.CODEC)),
                bitrate(values.get(Setting.BITRATE)),
                keyframeInterval(values.get(Setting.KEYFRAME_INTERVAL), values.get(Setting.FPS)),
                origins(values.get(Setting.ALLOWED_ORIGINS)),
                dataPath);
    }

    private Resolved resolve(Setting setting, Properties file, Path filePath) {
        String value = commandLine.get(setting);
        if (value != null) {
            return new Resolved(setting, value, "command-line flag " + setting.flag());
        }
        value = environment.get(setting.environmentVariable());
        if (value != null) {
            return new Resolved(setting, value, "environment variable " + setting.environmentVariable());
        }
        value = systemProperties.getProperty(setting.parameterName());
        if (value != null) {
            return new Resolved(setting, value, "system property " + setting.parameterName());
        }
        value = file.getProperty(setting.key());
        if (value != null) {
            return new Resolved(setting, value, filePath + " key " + setting.key());
        }
        value = contextParameters.apply(setting.parameterName());
        if (value != null) {
            return new Resolved(setting, value, "context parameter " + setting.parameterName());
        }
        return new Resolved(setting, setting.defaultValue(), "default");
    }

    private static Properties readProperties(Path path) {
        Properties properties = new Properties();
        if (!Files.isRegularFile(path)) {
            return properties;
        }
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new SettingsException("cannot read " + path + ": " + e.getMessage());
        }
        List<String> unknown = new ArrayList<>();
        for (String name : properties.stringPropertyNames()) {
            if (Setting.fromKey(name) == null || Setting.fromKey(name) == Setting.DATA_DIR) {
                unknown.add(name);
            }
        }
        if (!unknown.isEmpty()) {
            throw new SettingsException(path + ": unknown setting(s) " + unknown + "; known: " + knownKeys());
        }
        return properties;
    }

    static String knownKeys() {
        List<String> keys = new ArrayList<>();
        for (Setting s : Setting.values()) {
            keys.add(s.key());
        }
        return String.join(", ", keys);
    }

    static Path expandHome(String path) {
        if (path.equals("~") || path.startsWith("~/")) {
            return Path.of(System.getProperty("user.home") + path.substring(1)).toAbsolutePath().normalize();
        }
        return Path.of(path).toAbsolutePath().normalize();
    }

    private static int integer(Resolved r, int min, int max) {
        int value;
        try {
            value = Integer.parseInt(r.value.trim());
        } catch (NumberFormatException e) {
            throw r.invalid("must be a whole number from " + min + " to " + max);
        }
        if (value < min || value > max) {
            throw r.invalid("must be from " + min + " to " + max);
        }
        return value;
    }

    private static int evenInteger(Resolved r, int min, int max) {
        int value = integer(r, min, max);
        if (value % 2 != 0) {
            throw r.invalid("must be even (video encoders need even sizes)");
        }
        return value;
    }

    private static double decimal(Resolved r, double min, double max) {
        double value;
        try {
            value = Double.parseDouble(r.value.trim());
        } catch (NumberFormatException e) {
            throw r.invalid("must be a number from " + min + " to " + max);
        }
        if (!(value >= min && value <= max)) {
            throw r.invalid("must be from " + min + " to " + max);
        }
        return value;
    }

    private static Source source(Resolved r) {
        try {
            return Source.fromId(r.value.trim());
        } catch (IllegalArgumentException e) {
            throw r.invalid("must be one of test, rpicam, v4l2, ffmpeg");
        }
    }

    private static Codec codec(Resolved r) {
        try {
            return Codec.fromId(r.value.trim());
        } catch (IllegalArgumentException e) {
            throw r.invalid("must be h264 or mjpeg");
        }
    }

    /** Bits per second; a k or M suffix multiplies by 1000 or 1000000. */
    private static int bitrate(Resolved r) {
        String value = r.value.trim();
        long multiplier = 1;
        if (value.endsWith("k") || value.endsWith("K")) {
            multiplier = 1_000;
            value = value.substring(0, value.length() - 1);
        } else if (value.endsWith("M") || value.endsWith("m")) {
            multiplier = 1_000_000;
            value = value.substring(0, value.length() - 1);
        }
        double bits;
        try {
            bits = Double.parseDouble(value) * multiplier;
        } catch (NumberFormatException e) {
            throw r.invalid("must be bits per second from 100000 to 50000000, such as 2000000 or 2M");
        }
        if (!(bits >= 100_000 && bits <= 50_000_000)) {
            throw r.invalid("must be from 100000 to 50000000 bits per second");
        }
        return (int) Math.round(bits);
    }

    private static int keyframeInterval(Resolved r, Resolved fps) {
        if (r.value.trim().equals("auto")) {
            return (int) Math.max(1, Math.round(decimal(fps, 1, 120)));
        }
        return integer(r, 1, 600);
    }

    private static List<String> origins(Resolved r) {
        List<String> origins = new ArrayList<>();
        for (String origin : r.value.split(",")) {
            String trimmed = origin.trim();
            if (trimmed.isEmpty()) {
                continue;
            }
            if (!trimmed.matches("https?://[^/\\s]+")) {
                throw r.invalid("must be origins like http://host:port, comma-separated");
            }
            origins.add(trimmed);
        }
        return origins;
    }

    private static String text(Resolved r) {
        String value = r.value.trim();
        if (value.isEmpty()) {
            throw r.invalid("must not be empty");
        }
        return value;
    }

    private record Resolved(Setting setting, String value, String origin) {
        SettingsException invalid(String rule) {
            return new SettingsException(setting.key() + " " + rule + ", got '" + value + "' (from " + origin + ")");
        }
    }

    /** Parses {@code --name value} and {@code --name=value}. */
    static final class CommandLine {
        private CommandLine() {
        }

        static Map<Setting, String> parse(List<String> args) {
            Map<Setting, String> values = new EnumMap<>(Setting.class);
            for (int i = 0; i < args.size(); i++) {
                String arg = args.get(i);
                if (!arg.startsWith("--")) {
                    throw new SettingsException("unexpected argument '" + arg + "'; settings look like --width 640");
                }
                String name = arg.substring(2);
                String value = null;
                int eq = name.indexOf('=');
                if (eq >= 0) {
                    value = name.substring(eq + 1);
                    name = name.substring(0, eq);
                }
                Setting setting = Setting.fromKey(name);
                if (setting == null) {
                    throw new SettingsException("unknown option --" + name + "; known: " + knownKeys());
                }
                if (value == null) {
                    if (i + 1 >= args.size()) {
                        throw new SettingsException("option --" + name + " needs a value");
                    }
                    value = args.get(++i);
                }
                values.put(setting, value);
            }
            return values;
        }
    }
}
