package org.camstream.publish;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.List;
import org.camstream.config.PublishUrl;
import org.junit.jupiter.api.Test;

class PublishCommandTest {

    @Test
    void theStreamIsCopiedInTheRelaysFormatAndTheUrlIsTheLastArgumentWhole() {
        String rtmp = "rtmp://user:pa%20ss@relay:1935/live/key?x=1&y=2";
        List<String> command = PublishCommand.of(PublishUrl.parse(rtmp));
        assertEquals(rtmp, command.get(command.size() - 1));
        assertEquals(1, Collections.frequency(command, rtmp));
        assertTrue(String.join(" ", command).contains("-f mp4 -i pipe:0 -map 0:v:0 -c:v copy -f flv"),
                String.join(" ", command));
        assertEquals("tcp", after(PublishCommand.of(PublishUrl.parse("rtsp://relay:8554/pi")), "-rtsp_transport"));
        assertEquals("rtsp", after(PublishCommand.of(PublishUrl.parse("rtsp://relay:8554/pi")), "-f", 2));
        assertEquals("mpegts", after(PublishCommand.of(PublishUrl.parse("srt://relay:8890?streamid=publish:pi")),
                "-f", 2));
    }

    private static String after(List<String> command, String option) {
        return after(command, option, 1);
    }

    /** The value of the n-th occurrence of an option. */
    private static String after(List<String> command, String option, int n) {
        int seen = 0;
        for (int i = 0; i < command.size() - 1; i++) {
            if (command.get(i).equals(option) && ++seen == n) {
                return command.get(i + 1);
            }
        }
        return null;
    }
}
