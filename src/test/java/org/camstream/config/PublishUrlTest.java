package org.camstream.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class PublishUrlTest {

    @Test
    void eachSchemeGetsItsFormat() {
        List<PublishUrl> urls = PublishUrl.parseList("rtmp://relay/live/cam, rtmps://a.rtmp.youtube.com:443/live2/k,"
                + "rtsp://mediamtx.lan:8554/pi,srt://mediamtx.lan:8890?streamid=publish:pi");
        assertEquals(List.of("flv", "flv", "rtsp", "mpegts"), urls.stream().map(PublishUrl::format).toList());
        assertEquals("rtsp://mediamtx.lan:8554/pi", urls.get(2).url());
        assertEquals("mediamtx.lan", urls.get(3).host());
    }

    @Test
    void anEmptySettingPublishesNowhere() {
        assertEquals(List.of(), PublishUrl.parseList(""));
        assertEquals(List.of(), PublishUrl.parseList("   "));
    }

    @Test
    void badUrlsAreRefusedWithTheRuleAndWithoutTheValue() {
        Map<String, String> refused = Map.ofEntries(
                Map.entry("http://relay/live/zz9", "rtmp://, rtmps://, rtsp:// or srt://"),
                Map.entry("RTMP://relay/live/zz9", "rtmp://, rtmps://, rtsp:// or srt://"),
                Map.entry("-f rtmp://relay/live/zz9", "spaces"),
                Map.entry("rtmp://relay/live/zz9\n-y", "control"),
                Map.entry("rtmp://relay/live/zz9\t", "control"),
                Map.entry("rtmp://relay/live/zz9ä", "non-ASCII"),
                Map.entry("rtmp:///live/zz9", "host"),
                Map.entry("rtmp://bad_host/live/zz9", "host"),
                Map.entry("rtmp://relay/live", "application and a stream"),
                Map.entry("rtsp://relay", "path"),
                Map.entry("srt://relay/zz9", "query"),
                Map.entry("rtmp://relay/live/zz9#x", "fragment"),
                Map.entry("rtmp://relay/live/../zz9", ".."),
                Map.entry("rtmp://relay:99999/live/zz9", "port"),
                Map.entry("rtmp://relay:x/live/zz9", "host"),
                Map.entry("rtmp://relay/live/" + "k".repeat(PublishUrl.MAX_LENGTH), "at most"));
        refused.forEach((url, rule) -> {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> PublishUrl.parse(url),
                    url);
            assertTrue(e.getMessage().contains(rule), url + ": " + e.getMessage());
            assertFalse(e.getMessage().contains("zz9"), "the message repeats the URL: " + e.getMessage());
        });
    }

    @Test
    void theListIsBoundedAndHasNoEmptyEntriesOrRepeats() {
        String five = "rtmp://a/l/1,rtmp://a/l/2,rtmp://a/l/3,rtmp://a/l/4,rtmp://a/l/5";
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublishUrl.parseList(five)).getMessage()
                .contains("at most 4"));
        assertEquals(4, PublishUrl.parseList(five.substring(0, five.lastIndexOf(','))).size());
        assertThrows(IllegalArgumentException.class, () -> PublishUrl.parseList("rtmp://a/l/1,,rtmp://a/l/2"));
        assertThrows(IllegalArgumentException.class, () -> PublishUrl.parseList("rtmp://a/l/1,"));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> PublishUrl.parseList("rtmp://a/l/1,rtmp://a/l/1"))
                .getMessage().contains("twice"));
    }

    @Test
    void passwordsStreamKeysAndQueryValuesAreMaskedWhereTheUrlIsShown() {
        assertEquals("rtmp://user:***@relay:1935/live/***",
                PublishUrl.parse("rtmp://user:s3cret@relay:1935/live/stream-key-123").toString());
        assertEquals("rtmps://a.rtmp.youtube.com/live2/***",
                PublishUrl.parse("rtmps://a.rtmp.youtube.com/live2/abcd-efgh-ijkl-mnop-qrst").toString());
        assertEquals("rtmp://relay/live/***?token=***",
                PublishUrl.parse("rtmp://relay/live/cam?token=0123456789abcdef").toString());
        assertEquals("rtsp://pi:***@mediamtx.lan:8554/pi-camera",
                PublishUrl.parse("rtsp://pi:hunter22@mediamtx.lan:8554/pi-camera").toString());
        assertEquals("srt://mediamtx.lan:8890?streamid=***&passphrase=***&latency=***",
                PublishUrl.parse("srt://mediamtx.lan:8890?streamid=publish:pi:user:pw1234&passphrase=longpassphrase"
                        + "&latency=200").toString());
        assertEquals("rtsp://user@relay/x", PublishUrl.parse("rtsp://user@relay/x").toString());
    }

    @Test
    void theSecretsOfConfiguredRelaysAreMaskedInFfmpegsMessages() {
        Settings settings = SettingsLoader.of(List.of("--publish",
                "rtmp://cam:Pa55word@relay.lan/live/key-0123456789abcdef,rtmp://relay.lan/live/camera,"
                        + "srt://relay.lan:8890?streamid=publish:pi:user:Srt-Pa55&passphrase=longpassphrase"),
                Map.of(), new Properties(), Map.of()).load();
        assertEquals(3, settings.firstCamera().publish().size());
        // As ffmpeg words them: the URL whole, then a key or password on its own.
        assertEquals("rtmp://cam:***@relay.lan/live/***: Connection refused",
                Secrets.mask("rtmp://cam:Pa55word@relay.lan/live/key-0123456789abcdef: Connection refused"));
        assertEquals("rtmp://relay.lan/live/***: Broken pipe", Secrets.mask("rtmp://relay.lan/live/camera: Broken pipe"));
        assertEquals("Server error: stream *** is already publishing",
                Secrets.mask("Server error: stream key-0123456789abcdef is already publishing"));
        assertEquals("authentication failed for ***", Secrets.mask("authentication failed for Pa55word"));
        String srt = Secrets.mask("Connection to srt://relay.lan:8890?streamid=publish:pi:user:Srt-Pa55&passphrase="
                + "longpassphrase failed: Input/output error");
        assertFalse(srt.contains("Srt-Pa55") || srt.contains("longpassphrase"), srt);
        // A short stream name is not masked wherever the word occurs, only where the URL is written.
        assertEquals("the camera process", Secrets.mask("the camera process"));
    }

    @Test
    void aUrlMasksItselfInTextWithoutHelpFromSecretsMemory() {
        PublishUrl url = PublishUrl.parse("rtmp://relay.lan/live/camx?token=tok-0123456789abc");
        assertEquals("rtmp://relay.lan/live/***?token=***: Broken pipe",
                url.mask("rtmp://relay.lan/live/camx?token=tok-0123456789abc: Broken pipe"));
        assertEquals("token *** refused", url.mask("token tok-0123456789abc refused"));
        assertEquals(null, url.mask(null));
    }

    @Test
    void aBadPublishSettingNamesTheRuleAndNotTheValue() {
        SettingsException e = assertThrows(SettingsException.class, () -> SettingsLoader.of(
                List.of("--publish", "http://user:hunter22@relay/live/key"), Map.of(), new Properties(),
                Map.of()).load());
        assertEquals(Setting.PUBLISH, e.setting());
        assertFalse(e.getMessage().contains("hunter22") || e.getMessage().contains("key"), e.getMessage());
    }

    @Test
    void theRetryIsBounded() {
        assertThrows(SettingsException.class, () -> SettingsLoader.of(List.of("--publish-retry", "0"), Map.of(),
                new Properties(), Map.of()).load());
        assertEquals(1500, SettingsLoader.of(List.of("--publish-retry", "1.5"), Map.of(), new Properties(),
                Map.of()).load().firstCamera().publishRetry().toMillis());
    }
}
