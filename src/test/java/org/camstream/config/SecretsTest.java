package org.camstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

class SecretsTest {

    @Test
    void theSecretOfAUrlIsMaskedAndTheRestKept() {
        assertEquals("rtsp://user:***@192.168.1.20/stream1", Secrets.mask("rtsp://user:pass@192.168.1.20/stream1"));
        assertEquals("ffmpeg -rtsp_transport tcp -i rtsp://admin:***@cam:554/h264 -f flv -",
                Secrets.mask("ffmpeg -rtsp_transport tcp -i rtsp://admin:hunter2@cam:554/h264 -f flv -"));
        assertEquals("[tcp @ 0x55] http://u:***@a/x: Connection refused; then https://v:***@b?q=1",
                Secrets.mask("[tcp @ 0x55] http://u:p1@a/x: Connection refused; then https://v:p2@b?q=1"));
    }

    @Test
    void aPasswordWithAnAtSignOrAColonIsMaskedWhole() {
        assertEquals("rtsp://user:***@host/x", Secrets.mask("rtsp://user:p@ss:w@host/x"));
    }

    @Test
    void aMaskedPasswordSentBackKeepsTheRealOne() {
        String current = "rtsp://user:p@ss:w@cam.lan/live";
        assertEquals(current, Secrets.restorePassword(Secrets.mask(current), current), "re-applied unchanged");
        assertEquals("rtsp://user:p@ss:w@other.lan:8554/hd",
                Secrets.restorePassword("rtsp://user:***@other.lan:8554/hd", current), "an edited host or path");
        assertEquals("rtsp://user:new-pass@cam.lan/live",
                Secrets.restorePassword("rtsp://user:new-pass@cam.lan/live", current), "a new password is taken");
        assertEquals("rtsp://user:***@cam.lan/live",
                Secrets.restorePassword("rtsp://user:***@cam.lan/live", "/videos/a.mp4"), "nothing to keep");
        assertEquals("/videos/b.mp4", Secrets.restorePassword("/videos/b.mp4", current));
        assertNull(Secrets.restorePassword(null, current));
    }

    @Test
    void textWithoutAPasswordIsLeftAlone() {
        for (String text : new String[] {"rtsp://host/x", "rtsp://user@host/x", "no url: just words", "http://[::1]:80/",
                "a://", "://x:y@z", "mailto:someone@example.org", ""}) {
            assertEquals(text, Secrets.mask(text));
        }
        assertNull(Secrets.mask((String) null));
    }

    @Test
    void configuredPasswordsAreMaskedWhereverTheyAppearEvenDecoded() {
        Settings settings = Settings.builder()
                .cameras(java.util.List.of(CameraSettings.builder().source(Source.FFMPEG)
                        .input("rtsp://viewer:s%40fe-Pa55@cam.lan/live").build()))
                .adminLogin("admin", "Adm1n-Secret")
                .build();
        Secrets.remember(settings);
        assertEquals("authorization failed for ***", Secrets.mask("authorization failed for s@fe-Pa55"));
        assertEquals("password *** rejected", Secrets.mask("password Adm1n-Secret rejected"));
        assertFalse(Secrets.mask("rtsp://viewer:s%40fe-Pa55@cam.lan/live").contains("Pa55"));
    }

    @Test
    void theInputsPasswordIsFound() {
        assertEquals("pass", Secrets.urlPassword("rtsp://user:pass@host:554/x"));
        assertNull(Secrets.urlPassword("rtsp://user@host/x"));
        assertNull(Secrets.urlPassword("/home/pi/recording.h264"));
    }
}
