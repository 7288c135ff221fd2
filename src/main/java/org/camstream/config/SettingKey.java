package org.camstream.config;

import java.util.Locale;
import java.util.regex.Pattern;

/**
 * Where a value lives: a {@link Setting}, flat ({@code width}) or in one camera's section
 * ({@code camera.garden.width}). Each layer spells it its own way, from the one property name:
 * {@code --camera.garden.width}, {@code CAMSTREAM_CAMERA__GARDEN__WIDTH} (double underscores, since a name may
 * hold a dash), {@code camstream.camera.garden.width}.
 *
 * @param camera the camera's name, or null for the flat form
 */
public record SettingKey(String camera, Setting setting) {

    /** Camera names: what a URL path segment, a file name and an environment variable can all hold. */
    public static final Pattern CAMERA_NAME = Pattern.compile("[a-z0-9][a-z0-9-]{0,31}");
    public static final String CAMERA_NAME_RULE = "must be 1 to 32 lowercase letters, digits or -, starting with a"
            + " letter or digit";
    static final String SECTION = "camera.";
    static final String ENVIRONMENT_SECTION = "CAMSTREAM_CAMERA__";

    public SettingKey {
        if (camera != null && (!CAMERA_NAME.matcher(camera).matches() || !setting.perCamera())) {
            throw new IllegalArgumentException("no setting " + SECTION + camera + "." + setting.key());
        }
    }

    public static SettingKey flat(Setting setting) {
        return new SettingKey(null, setting);
    }

    public static SettingKey of(String camera, Setting setting) {
        return new SettingKey(camera, setting);
    }

    public static boolean isCameraName(String name) {
        return name != null && CAMERA_NAME.matcher(name).matches();
    }

    /** The name in properties files: {@code width}, {@code camera.garden.width}. */
    public String property() {
        return camera == null ? setting.key() : SECTION + camera + "." + setting.key();
    }

    public String flag() {
        return "--" + property();
    }

    public String parameterName() {
        return "camstream." + property();
    }

    public String environmentVariable() {
        if (camera == null) {
            return setting.environmentVariable();
        }
        return ENVIRONMENT_SECTION + upper(camera) + "__" + upper(setting.key());
    }

    private static String upper(String name) {
        return name.toUpperCase(Locale.ROOT).replace('-', '_');
    }

    /** The key a property name stands for, or null when it names none. */
    public static SettingKey parse(String property) {
        if (property.startsWith(SECTION)) {
            int dot = property.indexOf('.', SECTION.length());
            if (dot < 0) {
                return null;
            }
            String camera = property.substring(SECTION.length(), dot);
            Setting setting = Setting.fromKey(property.substring(dot + 1));
            return setting != null && setting.perCamera() && isCameraName(camera) ? new SettingKey(camera, setting)
                    : null;
        }
        Setting setting = Setting.fromKey(property);
        return setting == null ? null : flat(setting);
    }

    /**
     * The key of an environment variable in camstream's form, or null for any other variable. A variable that
     * starts like a camera's but names no setting is an error: a typo there would otherwise go unnoticed.
     */
    public static SettingKey parseEnvironment(String variable) {
        if (variable.startsWith(ENVIRONMENT_SECTION)) {
            String rest = variable.substring(ENVIRONMENT_SECTION.length());
            int separator = rest.indexOf("__");
            SettingKey key = null;
            if (separator > 0) {
                String camera = rest.substring(0, separator).toLowerCase(Locale.ROOT).replace('_', '-');
                Setting setting = Setting.fromKey(rest.substring(separator + 2).toLowerCase(Locale.ROOT).replace('_', '-'));
                if (setting != null && setting.perCamera() && isCameraName(camera)) {
                    key = new SettingKey(camera, setting);
                }
            }
            if (key == null) {
                throw new SettingsException("environment variable " + variable + " names no camera setting; they"
                        + " look like CAMSTREAM_CAMERA__GARDEN__SOURCE");
            }
            return key;
        }
        for (Setting setting : Setting.values()) {
            if (setting.environmentVariable().equals(variable)) {
                return flat(setting);
            }
        }
        return null;
    }

    @Override
    public String toString() {
        return property();
    }
}
