package org.camstream.process;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import org.camstream.testing.MediaTools;
import org.junit.jupiter.api.Test;

/** The script that carries an input URL with a password to ffmpeg, read back by a real ffprobe. */
class HiddenUrlTest {

    @Test
    void onlyUrlsWithAPasswordAreHidden() {
        assertTrue(HiddenUrl.needed("rtsp://user:secret@camera/live"));
        assertTrue(HiddenUrl.needed("http://user:secret@camera:8080/video.mjpg?x=1"));
        assertFalse(HiddenUrl.needed("rtsp://camera/live"));
        assertFalse(HiddenUrl.needed("rtsp://user@camera/live"));
        assertFalse(HiddenUrl.needed("/recordings/garden.mp4"));
    }

    @Test
    void ffmpegReadsTheUrlBackAsWrittenQuotesAndBackslashesIncluded() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        String url = "rtsp://us'er:p\\a'ss w\"rd@127.0.0.1:" + closed + "/live";
        try (HiddenUrl hidden = HiddenUrl.write(url, List.of("rtsp_transport", "tcp"))) {
            List<String> command = new ArrayList<>(List.of("ffprobe", "-v", "error"));
            command.addAll(hidden.inputOptions());
            command.add(hidden.input());
            MediaTools.Result probe = MediaTools.run(command);
            // The connection is refused, and ffmpeg names what it tried to open: the URL, whole.
            assertTrue(probe.stderr().contains("Impossible to open '" + url + "'"), probe.stderr());
            assertFalse(String.join(" ", command).contains("p\\a'ss"), "not on the command line: " + command);
        }
    }

    @Test
    void theScriptIsCamstreamsAloneAndGoneWhenClosed() throws Exception {
        HiddenUrl hidden = HiddenUrl.write("rtsp://user:secret@camera/live", List.of("rtsp_transport", "tcp"));
        Path script = Path.of(hidden.input());
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(script)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(script.getParent())));
        assertEquals(List.of("ffconcat version 1.0", "file 'rtsp://user:secret@camera/live'", "option rtsp_transport tcp"),
                Files.readAllLines(script));
        hidden.close();
        assertFalse(Files.exists(script));
    }

    @Test
    void aControlCharacterCannotStartALineOfItsOwn() {
        StartException refused = assertThrows(StartException.class,
                () -> HiddenUrl.write("rtsp://user:secret@camera/live\nfile '/etc/passwd'", List.of()));
        assertFalse(refused.getMessage().contains("secret"));
    }
}
