package org.camstream.config;

import java.util.regex.Pattern;

/**
 * Where sound comes from: the {@code audio} setting. Only a value this class accepted reaches an ffmpeg command
 * line, and an ALSA device name is held to the characters ALSA's names use, so it cannot pass for an option.
 *
 * @param device the ALSA device, such as {@code hw:1,0}, {@code plughw:CARD=Device,DEV=0} or {@code default};
 *     empty for the other kinds
 */
public record AudioInput(Kind kind, String device) {

    public enum Kind {
        /** No sound: the MP4 streams have one track. */
        NONE,
        /** A tone with a beep every second from ffmpeg's lavfi, at the moment the test pattern flashes. */
        TEST,
        /** An ALSA capture device: a USB microphone on a Pi. */
        ALSA,
        /** PulseAudio's or PipeWire's default source. */
        PULSE,
        /** The sound of the {@code ffmpeg} source's own input, such as an IP camera's RTSP audio. */
        INPUT
    }

    public static final AudioInput NONE = new AudioInput(Kind.NONE, "");
    /** The rule, in the words error messages give. */
    public static final String RULE = "must be none, test, alsa:<device> (such as alsa:hw:1,0 or alsa:default), pulse,"
            + " or input (the sound of source ffmpeg's input)";
    private static final Pattern ALSA_DEVICE = Pattern.compile("[A-Za-z0-9_][A-Za-z0-9_:,.=-]{0,63}");

    public AudioInput {
        if (kind == Kind.ALSA ? !ALSA_DEVICE.matcher(device).matches() : !device.isEmpty()) {
            throw new IllegalArgumentException("bad device for " + kind);
        }
    }

    /** Parses the setting's value; IllegalArgumentException with {@link #RULE} when it is none of them. */
    public static AudioInput parse(String value) {
        String v = value.trim();
        switch (v) {
            case "none":
            case "":
                return NONE;
            case "test":
                return new AudioInput(Kind.TEST, "");
            case "pulse":
                return new AudioInput(Kind.PULSE, "");
            case "input":
                return new AudioInput(Kind.INPUT, "");
            default:
                if (v.startsWith("alsa:") && ALSA_DEVICE.matcher(v.substring(5)).matches()) {
                    return new AudioInput(Kind.ALSA, v.substring(5));
                }
                throw new IllegalArgumentException(RULE);
        }
    }

    public boolean enabled() {
        return kind != Kind.NONE;
    }

    /** The setting's value, as {@link #parse} reads it. */
    public String id() {
        return kind == Kind.ALSA ? "alsa:" + device : kind.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public String toString() {
        return id();
    }
}
