package org.camstream.config;

/** The largest picture a source can deliver in a codec. */
public record SourceLimits(int maxWidth, int maxHeight, String why) {

    /** The Raspberry Pi's hardware H.264 encoder (and the level 4.x streams browsers expect) stop at 1080p. */
    public static SourceLimits of(Source source, Codec codec) {
        if (source == Source.RPICAM && codec == Codec.H264) {
            return new SourceLimits(1920, 1080, "source rpicam with codec h264 (the Raspberry Pi's H.264 encoder)");
        }
        return new SourceLimits(SettingsParser.MAX_SIZE, SettingsParser.MAX_SIZE, "source " + source.id());
    }
}
