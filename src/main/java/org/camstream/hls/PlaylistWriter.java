package org.camstream.hls;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import org.camstream.mp4.FragmentTimeline;

/**
 * Renders one {@link HlsSnapshot} as an LL-HLS media playlist (RFC 8216bis, version 9 with fMP4). A pure
 * function of the snapshot, so the same version always reads the same.
 *
 * <ul>
 *   <li>The last {@link #WINDOW_SEGMENTS} complete segments, and the open one: 4 s at the usual 1 s segments,
 *       more than the three target durations the spec asks a live playlist to span. The segmenter keeps a few
 *       more in memory, so a client that read an older playlist can still fetch what it listed.</li>
 *   <li>Parts for the open segment and the last {@link #SEGMENTS_WITH_PARTS} complete ones: a player that
 *       starts {@code PART-HOLD-BACK} behind the live edge finds its starting part listed.</li>
 *   <li>{@code PART-HOLD-BACK} is three part targets, the spec's recommended minimum.</li>
 * </ul>
 */
final class PlaylistWriter {

    static final int WINDOW_SEGMENTS = 4;
    static final int SEGMENTS_WITH_PARTS = 3;

    private static final DateTimeFormatter DATE_TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSXXX", Locale.ROOT).withZone(ZoneOffset.UTC);

    private PlaylistWriter() {
    }

    static String write(HlsSnapshot snapshot) {
        List<HlsSegment> shown = window(snapshot.segments());
        PartPlan plan = snapshot.plan();
        StringBuilder m3u8 = new StringBuilder(2048);
        m3u8.append("#EXTM3U\n");
        m3u8.append("#EXT-X-VERSION:9\n");
        m3u8.append("#EXT-X-TARGETDURATION:").append(snapshot.targetDurationSeconds()).append('\n');
        m3u8.append("#EXT-X-SERVER-CONTROL:CAN-BLOCK-RELOAD=YES,PART-HOLD-BACK=")
                .append(seconds(3 * plan.partTargetTicks()))
                .append(",HOLD-BACK=").append(seconds(3L * snapshot.targetDurationSeconds() * FragmentTimeline.TIMESCALE))
                .append('\n');
        m3u8.append("#EXT-X-PART-INF:PART-TARGET=").append(seconds(plan.partTargetTicks())).append('\n');
        m3u8.append("#EXT-X-INDEPENDENT-SEGMENTS\n");
        if (!shown.isEmpty()) {
            HlsSegment first = shown.get(0);
            m3u8.append("#EXT-X-MEDIA-SEQUENCE:").append(first.msn()).append('\n');
            // The first segment's number; its own discontinuity tag, if any, is left out, as nothing precedes it.
            m3u8.append("#EXT-X-DISCONTINUITY-SEQUENCE:").append(first.discontinuitySequence()).append('\n');
        }
        int partsFrom = Math.max(0, countClosed(shown) - SEGMENTS_WITH_PARTS);
        int closedSeen = 0;
        HlsSegment previous = null;
        for (HlsSegment segment : shown) {
            if (segment.parts().isEmpty()) {
                continue;
            }
            if (previous != null && segment.discontinuity()) {
                m3u8.append("#EXT-X-DISCONTINUITY\n");
            }
            if (previous == null || previous.track() != segment.track()) {
                m3u8.append("#EXT-X-MAP:URI=\"").append(HlsNames.init(snapshot.runId(), segment.track().generation()))
                        .append("\"\n");
            }
            m3u8.append("#EXT-X-PROGRAM-DATE-TIME:")
                    .append(DATE_TIME.format(Instant.EPOCH.plusNanos(segment.startEpochMicros() * 1000)))
                    .append('\n');
            boolean withParts = !segment.closed() || closedSeen >= partsFrom;
            if (withParts) {
                for (HlsPart part : segment.parts()) {
                    m3u8.append("#EXT-X-PART:DURATION=").append(seconds(part.durationTicks()))
                            .append(",URI=\"").append(HlsNames.part(snapshot.runId(), part.index())).append('"');
                    if (part.independent()) {
                        m3u8.append(",INDEPENDENT=YES");
                    }
                    m3u8.append('\n');
                }
            }
            if (segment.closed()) {
                closedSeen++;
                m3u8.append("#EXTINF:").append(seconds(segment.durationTicks())).append(",\n");
                m3u8.append(HlsNames.segment(snapshot.runId(), segment.msn())).append('\n');
            }
            previous = segment;
        }
        m3u8.append("#EXT-X-PRELOAD-HINT:TYPE=PART,URI=\"")
                .append(HlsNames.part(snapshot.runId(), snapshot.nextPartIndex())).append("\"\n");
        return m3u8.toString();
    }

    /** The last complete segments of the window and whatever follows them. */
    private static List<HlsSegment> window(List<HlsSegment> segments) {
        int closed = 0;
        for (int i = segments.size() - 1; i >= 0; i--) {
            if (segments.get(i).closed() && ++closed == WINDOW_SEGMENTS) {
                return segments.subList(i, segments.size());
            }
        }
        return segments;
    }

    private static int countClosed(List<HlsSegment> segments) {
        int closed = 0;
        for (HlsSegment segment : segments) {
            if (segment.closed()) {
                closed++;
            }
        }
        return closed;
    }

    /** Ticks as decimal seconds: five places hold a 90 kHz tick exactly enough. */
    static String seconds(long ticks) {
        return String.format(Locale.ROOT, "%.5f", ticks / (double) FragmentTimeline.TIMESCALE);
    }
}
