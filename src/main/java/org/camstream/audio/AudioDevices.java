package org.camstream.audio;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The sound capture devices ALSA knows, from {@code /proc/asound}: what {@code arecord -l} lists, read from the
 * same place without running it (it may not be installed). {@code pcm} names each device and whether it
 * captures; {@code cards} gives the cards' names. The root is injectable, since a test machine has no sound
 * card.
 */
public final class AudioDevices {

    /** One capture device: the {@code audio} setting that picks it, such as {@code alsa:hw:1,0}, and its name. */
    public record Device(String setting, String name) {
    }

    public static final Path SYSTEM = Path.of("/proc/asound");
    /**
     * A servlet context attribute holding the path (a String, a JDK type across the web application's class
     * loader) of a directory laid out as {@code /proc/asound}, which replaces the system's: tests set it, since
     * a test machine has no sound card; nothing in a deployment can.
     */
    public static final String ATTRIBUTE = "org.camstream.asound";
    // "01-00: USB Audio : USB Audio : capture 1"
    private static final Pattern PCM = Pattern.compile("(\\d+)-(\\d+): ([^:]*):.*capture \\d+.*");
    // " 1 [Device         ]: USB-Audio - USB PnP Sound Device"
    private static final Pattern CARD = Pattern.compile("\\s*(\\d+) \\[([^\\]]*)\\]: (.*)");

    private AudioDevices() {
    }

    /** The capture devices under {@code root}; none when it is not there. */
    public static List<Device> list(Path root) {
        Map<Integer, String> cards = new HashMap<>();
        List<Device> devices = new ArrayList<>();
        try {
            if (Files.isReadable(root.resolve("cards"))) {
                for (String line : Files.readAllLines(root.resolve("cards"))) {
                    Matcher m = CARD.matcher(line);
                    if (m.matches()) {
                        String[] parts = m.group(3).split(" - ", 2);
                        cards.put(Integer.parseInt(m.group(1)), (parts.length == 2 ? parts[1] : parts[0]).trim());
                    }
                }
            }
            if (!Files.isReadable(root.resolve("pcm"))) {
                return List.of();
            }
            for (String line : Files.readAllLines(root.resolve("pcm"))) {
                Matcher m = PCM.matcher(line);
                if (m.matches()) {
                    int card = Integer.parseInt(m.group(1));
                    int device = Integer.parseInt(m.group(2));
                    String name = cards.getOrDefault(card, "card " + card) + ": " + m.group(3).trim();
                    devices.add(new Device("alsa:hw:" + card + "," + device, name));
                }
            }
        } catch (IOException | RuntimeException e) {
            return List.copyOf(devices); // a listing is a help, never a reason to fail
        }
        return List.copyOf(devices);
    }
}
