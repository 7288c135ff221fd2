package org.camstream.testing;

import io.lindstrom.m3u8.model.MediaPlaylist;
import io.lindstrom.m3u8.model.MediaSegment;
import io.lindstrom.m3u8.model.PartialSegment;
import io.lindstrom.m3u8.parser.MediaPlaylistParser;
import io.lindstrom.m3u8.parser.ParsingMode;
import io.lindstrom.m3u8.parser.PlaylistParserException;
import java.util.ArrayList;
import java.util.List;

/** HLS media playlists read with a real parser (io.lindstrom:m3u8-parser, strict), and what LL-HLS clients need. */
public final class Playlists {

    private Playlists() {
    }

    public static MediaPlaylist parse(String text) {
        try {
            return new MediaPlaylistParser(ParsingMode.STRICT).readPlaylist(text);
        } catch (PlaylistParserException | RuntimeException e) {
            throw new AssertionError("not a valid media playlist: " + e + "\n" + text, e);
        }
    }

    /** A part with the segment it belongs to. */
    public record Part(long msn, int index, String uri, double duration, boolean independent) {
    }

    /** Every part listed, in order, with its segment's media sequence number. */
    public static List<Part> parts(MediaPlaylist playlist) {
        List<Part> parts = new ArrayList<>();
        long msn = playlist.mediaSequence();
        for (MediaSegment segment : playlist.mediaSegments()) {
            add(parts, msn++, segment.partialSegments());
        }
        add(parts, msn, playlist.partialSegments());
        return parts;
    }

    private static void add(List<Part> parts, long msn, List<PartialSegment> listed) {
        for (int i = 0; i < listed.size(); i++) {
            PartialSegment p = listed.get(i);
            parts.add(new Part(msn, i, p.uri(), p.duration(), p.independent()));
        }
    }

    /** The last part listed. */
    public static Part lastPart(MediaPlaylist playlist) {
        List<Part> parts = parts(playlist);
        if (parts.isEmpty()) {
            throw new AssertionError("no part in the playlist");
        }
        return parts.get(parts.size() - 1);
    }

    /** The query that asks for the part after {@code part}, in the same segment. */
    public static String nextPartQuery(Part part) {
        return "_HLS_msn=" + part.msn() + "&_HLS_part=" + (part.index() + 1);
    }
}
