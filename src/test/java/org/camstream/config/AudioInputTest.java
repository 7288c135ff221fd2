package org.camstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The audio setting: what it accepts, and that nothing else can reach ffmpeg's command line. */
class AudioInputTest {

    @Test
    void acceptsTheKindsAndAlsaNames() {
        assertEquals(AudioInput.NONE, AudioInput.parse("none"));
        assertEquals(AudioInput.Kind.TEST, AudioInput.parse(" test ").kind());
        assertEquals(AudioInput.Kind.PULSE, AudioInput.parse("pulse").kind());
        assertEquals(AudioInput.Kind.INPUT, AudioInput.parse("input").kind());
        for (String device : new String[] {"hw:1,0", "default", "plughw:CARD=Device,DEV=0", "sysdefault:CARD=U0x46d0x825"}) {
            AudioInput alsa = AudioInput.parse("alsa:" + device);
            assertEquals(AudioInput.Kind.ALSA, alsa.kind());
            assertEquals(device, alsa.device());
            assertEquals("alsa:" + device, alsa.id());
        }
    }

    @Test
    void refusesAnythingElseWithTheRule() {
        for (String bad : new String[] {"alsa:", "alsa:-i", "alsa:hw:1,0 -f", "alsa:hw;rm", "alsa:/dev/snd/pcmC1D0c",
            "alsa:" + "x".repeat(65), "mic", "ALSA:hw:1", "pulse:foo", "test "+ "x"}) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AudioInput.parse(bad), bad);
            assertEquals(AudioInput.RULE, e.getMessage());
        }
    }

    @Test
    void theSettingIsValidatedLikeEveryOther() {
        SettingsException e = assertThrows(SettingsException.class,
                () -> SettingsParser.parse(java.util.Map.of(SettingKey.flat(Setting.AUDIO), new ResolvedSettings.Value("alsa:-x", "environment variable CAMSTREAM_AUDIO"))));
        assertEquals("audio " + AudioInput.RULE + ", got 'alsa:-x' (from environment variable CAMSTREAM_AUDIO)", e.getMessage());
        SettingsException input = assertThrows(SettingsException.class,
                () -> SettingsParser.parse(java.util.Map.of(SettingKey.flat(Setting.AUDIO), new ResolvedSettings.Value("input", "default"))));
        assertEquals("audio input needs source ffmpeg: it is the sound of that source's input, got 'input' (from default)",
                input.getMessage());
        assertEquals(AudioInput.Kind.TEST, SettingsParser.parse(java.util.Map.of(SettingKey.flat(Setting.AUDIO),
                new ResolvedSettings.Value("test", "default"))).settings().firstCamera().audio().kind());
    }
}
