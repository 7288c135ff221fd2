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
 *   <li>settings saved from the admin page, in {@code <data-dir>/saved-settings.properties};</li>
 *   <li>command-line flags (embedded mode);</li>
 *   <li>environment variables {@code CAMSTREAM_*};</li>
 *   <li>Java system properties {@code camstream.*};</li>
 *   <li>{@code camstream.properties} in the data directory;</li>
 *   <li>servlet context parameters {@code camstream.*} (web.xml or a Tomcat context file);</li>
 *   <li>built-in defaults.</li>
 * </ol>
 * The data directory itself comes from the layers outside it.
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
     * @param args command-line arguments ({@code --width 640} or {@code --width=640}; a yes-or-no flag
     *     alone means yes)
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
        return resolve().settings();
    }

    /** The settings, with each one's raw value and where it came from. */
    public ResolvedSettings resolve() {
        Map<Setting, ResolvedSettings.Value> values = new EnumMap<>(Setting.class);
        ResolvedSettings.Value dataDir = resolve(Setting.DATA_DIR, new Properties(), null, new Properties());
        values.put(Setting.DATA_DIR, dataDir);
        Path dataPath = SettingsParser.expandHome(dataDir.raw());
        Path propertiesPath = dataPath.resolve(PROPERTIES_FILE);
        Properties file = readProperties(propertiesPath);
        Properties saved = SavedSettings.read(dataPath);
        for (Setting setting : Setting.values()) {
            if (setting != Setting.DATA_DIR) {
                values.put(setting, resolve(setting, file, propertiesPath, saved));
            }
        }
        return ResolvedSettings.of(values);
    }

    private ResolvedSettings.Value resolve(Setting setting, Properties file, Path filePath, Properties saved) {
        String value = saved.getProperty(setting.key());
        if (value != null) {
            return new ResolvedSettings.Value(value, ResolvedSettings.SAVED);
        }
        value = commandLine.get(setting);
        if (value != null) {
            return new ResolvedSettings.Value(value, "command-line flag " + setting.flag());
        }
        value = environment.get(setting.environmentVariable());
        if (value != null) {
            return new ResolvedSettings.Value(value, "environment variable " + setting.environmentVariable());
        }
        value = systemProperties.getProperty(setting.parameterName());
        if (value != null) {
            return new ResolvedSettings.Value(value, "system property " + setting.parameterName());
        }
        value = file.getProperty(setting.key());
        if (value != null) {
            return new ResolvedSettings.Value(value, filePath + " key " + setting.key());
        }
        value = contextParameters.apply(setting.parameterName());
        if (value != null) {
            return new ResolvedSettings.Value(value, "context parameter " + setting.parameterName());
        }
        return new ResolvedSettings.Value(setting.defaultValue(), "default");
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

    /** Parses {@code --name value} and {@code --name=value}; a yes-or-no flag alone means yes. */
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
                    boolean nextIsValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
                    if (setting.isBoolean() && !(nextIsValue && isBooleanWord(args.get(i + 1)))) {
                        value = "true";
                    } else if (i + 1 >= args.size()) {
                        throw new SettingsException("option --" + name + " needs a value");
                    } else {
                        value = args.get(++i);
                    }
                }
                values.put(setting, value);
            }
            return values;
        }

        private static boolean isBooleanWord(String word) {
            return word.equals("true") || word.equals("false");
        }
    }
}
