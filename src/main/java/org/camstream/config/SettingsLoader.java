package org.camstream.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;

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
 * Each value is resolved on its own, flat ({@code width}) or one camera's ({@code camera.garden.width}); the
 * data directory itself comes from the layers outside it.
 */
public final class SettingsLoader {

    public static final String PROPERTIES_FILE = "camstream.properties";
    private static final String PREFIX = "camstream.";

    private final Map<SettingKey, String> commandLine;
    private final Map<SettingKey, String> environment;
    private final Map<SettingKey, String> systemProperties;
    private final Map<SettingKey, String> contextParameters;

    private SettingsLoader(Map<SettingKey, String> commandLine, Map<SettingKey, String> environment,
            Map<SettingKey, String> systemProperties, Map<SettingKey, String> contextParameters) {
        this.commandLine = commandLine;
        this.environment = environment;
        this.systemProperties = systemProperties;
        this.contextParameters = contextParameters;
    }

    /**
     * @param args command-line arguments ({@code --width 640} or {@code --width=640}; a yes-or-no flag alone
     *     means yes; a camera's own as {@code --camera.garden.width 640})
     * @param contextParameters the servlet context's parameters; those not named {@code camstream.<setting>} are
     *     not camstream's settings and are ignored
     */
    public static SettingsLoader of(List<String> args, Map<String, String> environment, Properties systemProperties,
            Map<String, String> contextParameters) {
        Map<SettingKey, String> env = new LinkedHashMap<>();
        environment.forEach((name, value) -> {
            SettingKey key = SettingKey.parseEnvironment(name);
            if (key != null) {
                env.put(key, value);
            }
        });
        Map<SettingKey, String> system = new LinkedHashMap<>();
        for (String name : systemProperties.stringPropertyNames()) {
            SettingKey key = name.startsWith(PREFIX) ? SettingKey.parse(name.substring(PREFIX.length())) : null;
            if (key != null) {
                system.put(key, systemProperties.getProperty(name));
            }
        }
        Map<SettingKey, String> context = new LinkedHashMap<>();
        contextParameters.forEach((name, value) -> {
            SettingKey key = name.startsWith(PREFIX) ? SettingKey.parse(name.substring(PREFIX.length())) : null;
            if (key != null && value != null) {
                context.put(key, value);
            }
        });
        return new SettingsLoader(CommandLine.parse(args), env, system, context);
    }

    /** Loads from this process's environment and system properties. */
    public static SettingsLoader ofProcess(List<String> args, Map<String, String> contextParameters) {
        return of(args, System.getenv(), System.getProperties(), contextParameters);
    }

    public Settings load() {
        return resolve().settings();
    }

    /** The settings, with each one's raw value and where it came from. */
    public ResolvedSettings resolve() {
        Path dataPath = SettingsParser.expandHome(
                resolve(SettingKey.flat(Setting.DATA_DIR), Map.of(), null, Map.of()).raw());
        Path propertiesPath = dataPath.resolve(PROPERTIES_FILE);
        Map<SettingKey, String> file = readProperties(propertiesPath);
        Map<SettingKey, String> saved = SavedSettings.read(dataPath);
        Set<SettingKey> keys = new LinkedHashSet<>();
        keys.add(SettingKey.flat(Setting.DATA_DIR));
        for (Map<SettingKey, String> layer : List.of(saved, commandLine, environment, systemProperties, file,
                contextParameters)) {
            keys.addAll(layer.keySet());
        }
        Map<SettingKey, ResolvedSettings.Value> values = new LinkedHashMap<>();
        for (SettingKey key : keys) {
            values.put(key, key.setting() == Setting.DATA_DIR && key.camera() == null
                    ? resolve(key, Map.of(), null, Map.of()) : resolve(key, file, propertiesPath, saved));
        }
        return ResolvedSettings.of(values);
    }

    private ResolvedSettings.Value resolve(SettingKey key, Map<SettingKey, String> file, Path filePath,
            Map<SettingKey, String> saved) {
        String value = saved.get(key);
        if (value != null) {
            return new ResolvedSettings.Value(value, ResolvedSettings.SAVED);
        }
        value = commandLine.get(key);
        if (value != null) {
            return new ResolvedSettings.Value(value, "command-line flag " + key.flag());
        }
        value = environment.get(key);
        if (value != null) {
            return new ResolvedSettings.Value(value, "environment variable " + key.environmentVariable());
        }
        value = systemProperties.get(key);
        if (value != null) {
            return new ResolvedSettings.Value(value, "system property " + key.parameterName());
        }
        value = file.get(key);
        if (value != null) {
            return new ResolvedSettings.Value(value, filePath + " key " + key.property());
        }
        value = contextParameters.get(key);
        if (value != null) {
            return new ResolvedSettings.Value(value, "context parameter " + key.parameterName());
        }
        return new ResolvedSettings.Value(key.setting().defaultValue(), ResolvedSettings.DEFAULT);
    }

    private static Map<SettingKey, String> readProperties(Path path) {
        Map<SettingKey, String> values = new LinkedHashMap<>();
        if (!Files.isRegularFile(path)) {
            return values;
        }
        Properties properties = new Properties();
        try (Reader reader = Files.newBufferedReader(path, StandardCharsets.UTF_8)) {
            properties.load(reader);
        } catch (IOException | IllegalArgumentException e) {
            throw new SettingsException("cannot read " + path + ": " + e.getMessage());
        }
        List<String> unknown = new ArrayList<>();
        for (String name : properties.stringPropertyNames()) {
            SettingKey key = SettingKey.parse(name);
            if (key == null || key.setting() == Setting.DATA_DIR) {
                unknown.add(name);
            } else {
                values.put(key, properties.getProperty(name));
            }
        }
        if (!unknown.isEmpty()) {
            throw new SettingsException(path + ": unknown setting(s) " + unknown + "; known: " + knownKeys()
                    + ", and camera.<name>.<key> for a camera's own");
        }
        return values;
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

        static Map<SettingKey, String> parse(List<String> args) {
            Map<SettingKey, String> values = new LinkedHashMap<>();
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
                SettingKey key = SettingKey.parse(name);
                if (key == null) {
                    throw new SettingsException("unknown option --" + name + "; known: " + knownKeys()
                            + ", and --camera.<name>.<key> for a camera's own");
                }
                if (value == null) {
                    boolean nextIsValue = i + 1 < args.size() && !args.get(i + 1).startsWith("--");
                    if (key.setting().isBoolean() && !(nextIsValue && isBooleanWord(args.get(i + 1)))) {
                        value = "true";
                    } else if (i + 1 >= args.size()) {
                        throw new SettingsException("option --" + name + " needs a value");
                    } else {
                        value = args.get(++i);
                    }
                }
                values.put(key, value);
            }
            return values;
        }

        private static boolean isBooleanWord(String word) {
            return word.equals("true") || word.equals("false");
        }
    }
}
