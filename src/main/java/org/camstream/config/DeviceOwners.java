package org.camstream.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One owner per device: a video4linux device, a Raspberry Pi camera or an ALSA capture device opens for one
 * process at a time, so two cameras set to the same one would fight over it for ever, each restart failing the
 * other. Settings that try are refused whole, naming both cameras, before anything starts.
 */
final class DeviceOwners {

    /** ALSA's hardware names, {@code hw:1,0}, {@code plughw:CARD=Device,DEV=0}: exclusive, unlike dmix or pulse. */
    private static final Pattern ALSA_HARDWARE = Pattern.compile("(?:plug)?hw:(?:CARD=)?([^,]+)(?:,(?:DEV=)?(\\d+))?");

    private DeviceOwners() {
    }

    static void check(List<CameraSettings> cameras, Set<SettingKey> set) {
        check(cameras, set, null);
    }

    /**
     * @param changed the camera whose settings just changed, or null: it is checked last, so that a conflict is
     *     reported on its own setting, naming the camera that had the device first
     */
    static void check(List<CameraSettings> cameras, Set<SettingKey> set, String changed) {
        Map<String, String> owners = new LinkedHashMap<>();
        List<CameraSettings> order = new java.util.ArrayList<>(cameras);
        order.sort(java.util.Comparator.comparing(c -> c.name().equals(changed)));
        for (CameraSettings camera : order) {
            String video = videoDevice(camera);
            if (video != null) {
                claim(owners, video, camera, camera.source() == Source.RPICAM ? Setting.CAMERA
                        : camera.source() == Source.V4L2 ? Setting.DEVICE : Setting.INPUT, set);
            }
            String sound = soundDevice(camera.audio());
            if (sound != null) {
                claim(owners, sound, camera, Setting.AUDIO, set);
            }
        }
    }

    private static void claim(Map<String, String> owners, String device, CameraSettings camera, Setting setting,
            Set<SettingKey> set) {
        String owner = owners.putIfAbsent(device, camera.name());
        if (owner != null) {
            SettingKey key = set.contains(SettingKey.of(camera.name(), setting)) ? SettingKey.of(camera.name(), setting)
                    : SettingKey.flat(setting);
            String rule = "is " + device + ", which camera " + owner + " uses already: a device opens for one"
                    + " camera at a time";
            throw new SettingsException("cameras " + owner + " and " + camera.name() + " are both set to " + device
                    + " (" + key.property() + "); a device opens for one camera at a time, so neither would work."
                    + " Give each camera its own device.", key, rule);
        }
    }

    /** What the camera opens, as one name for each device however it is written; null for a network input. */
    static String videoDevice(CameraSettings camera) {
        switch (camera.source()) {
            case RPICAM:
                return "Raspberry Pi camera " + camera.cameraIndex();
            case V4L2:
                return "video device " + canonical(camera.device());
            case FFMPEG:
                String input = camera.input().trim();
                return input.startsWith("/dev/") ? "video device " + canonical(input) : null;
            default:
                return null;
        }
    }

    static String soundDevice(AudioInput audio) {
        if (audio.kind() != AudioInput.Kind.ALSA) {
            return null;
        }
        Matcher hw = ALSA_HARDWARE.matcher(audio.device());
        if (!hw.matches()) {
            return null; // default, dsnoop and the like share the device themselves
        }
        String device = hw.group(2) == null ? "0" : hw.group(2);
        return "ALSA card " + hw.group(1).toLowerCase(Locale.ROOT) + " device " + device;
    }

    /** A symbolic link such as /dev/v4l/by-id/... is the device it points to. */
    private static String canonical(String device) {
        Path path = Path.of(device).normalize();
        try {
            return Files.exists(path) ? path.toRealPath().toString() : path.toString();
        } catch (IOException | SecurityException e) {
            return path.toString();
        }
    }
}
