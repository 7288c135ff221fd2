package org.camstream.record;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What a camera has recorded in a stretch of time: the spans, each of recordings that follow one another, and
 * the gaps between them. Recordings less than {@value #JOIN_SECONDS} s apart are one span: a new file at a keyframe
 * leaves no gap a person would see.
 */
public final class Timeline {

    static final long JOIN_SECONDS = 2;

    /** A stretch recorded without a break; {@code sizes} are its pictures' sizes, in order, such as 1280x720. */
    public record Span(Instant start, Instant end, int files, List<String> sizes, boolean open) {
        public double seconds() {
            return Duration.between(start, end).toMillis() / 1000.0;
        }
    }

    public record Gap(Instant start, Instant end) {
    }

    private final List<Span> spans;
    private final List<Gap> gaps;

    private Timeline(List<Span> spans, List<Gap> gaps) {
        this.spans = List.copyOf(spans);
        this.gaps = List.copyOf(gaps);
    }

    /** The camera's spans that reach into {@code [from, to)}, clipped to it, and the gaps between. */
    public static Timeline of(RecordingCatalog catalog, String camera, Instant from, Instant to) {
        List<Span> spans = new ArrayList<>();
        Instant start = null;
        Instant end = null;
        int files = 0;
        Set<String> sizes = new LinkedHashSet<>();
        boolean open = false;
        for (Recording r : catalog.of(camera)) {
            if (r.duration() <= 0 || !r.end().isAfter(from) || !r.start().isBefore(to)) {
                continue;
            }
            Instant rEnd = r.start().plusMillis(Math.round(r.seconds() * 1000));
            if (start != null && Duration.between(end, r.start()).getSeconds() >= JOIN_SECONDS) {
                spans.add(new Span(max(start, from), min(end, to), files, List.copyOf(sizes), open));
                start = null;
            }
            if (start == null) {
                start = r.start();
                files = 0;
                sizes.clear();
                open = false;
            }
            end = end == null || rEnd.isAfter(end) || files == 0 ? rEnd : end;
            files++;
            sizes.add(r.width() + "x" + r.height());
            open |= r.open();
        }
        if (start != null) {
            spans.add(new Span(max(start, from), min(end, to), files, List.copyOf(sizes), open));
        }
        List<Gap> gaps = new ArrayList<>();
        Instant at = from;
        for (Span span : spans) {
            if (span.start().isAfter(at)) {
                gaps.add(new Gap(at, span.start()));
            }
            at = span.end();
        }
        if (at.isBefore(to)) {
            gaps.add(new Gap(at, to));
        }
        return new Timeline(spans, gaps);
    }

    public List<Span> spans() {
        return spans;
    }

    public List<Gap> gaps() {
        return gaps;
    }

    private static Instant max(Instant a, Instant b) {
        return a.isAfter(b) ? a : b;
    }

    private static Instant min(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }
}
