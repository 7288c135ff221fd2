package org.camstream.publish;

import java.util.ArrayList;
import java.util.List;
import org.camstream.config.PublishUrl;

/**
 * The ffmpeg command line that copies fMP4 from standard input to a relay, as an argument list for
 * {@link ProcessBuilder}: no shell ever sees it, and the URL is one argument that starts with its scheme, so it
 * cannot be read as an option.
 */
final class PublishCommand {

    /** How long ffmpeg waits on a relay that accepted the connection and then stopped reading, in µs. */
    static final String IO_TIMEOUT_MICROS = "10000000";

    private PublishCommand() {
    }

    static List<String> of(PublishUrl url) {
        List<String> command = new ArrayList<>(List.of("ffmpeg", "-hide_banner", "-nostdin", "-loglevel", "warning",
                // Progress as key=value blocks on stdout, twice a second: the publisher's bitrate and health.
                "-nostats", "-progress", "pipe:1", "-stats_period", "0.5",
                // The fMP4 starts with its init segment and a keyframe, so there is nothing to probe for.
                "-probesize", "32", "-analyzeduration", "0", "-f", "mp4", "-i", "pipe:0",
                "-map", "0:v:0", "-c:v", "copy", "-f", url.format()));
        switch (url.format()) {
            case "flv":
                // A live stream has no duration or size to write back into the header at the end.
                command.addAll(List.of("-flvflags", "no_duration_filesize", "-rw_timeout", IO_TIMEOUT_MICROS));
                break;
            case "rtsp":
                // TCP: interleaved in the one connection, no UDP ports to open through firewalls or NAT.
                command.addAll(List.of("-rtsp_transport", "tcp", "-timeout", IO_TIMEOUT_MICROS));
                break;
            default:
                // MPEG-TS over SRT; SRT has its own connection and latency timeouts in the URL's query.
                command.addAll(List.of("-flush_packets", "1"));
                break;
        }
        command.add(url.url());
        return command;
    }
}
