package org.camstream.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * One camera's resolved, validated settings: where its pictures come from and how they are encoded, its sound,
 * its relays and its share of the viewers. Immutable; a change is a new instance, made with {@link #builder()}
 * or {@link #toBuilder()} so that every value is named where it is set.
 */
public final class CameraSettings {
    private final String name;
    private final Source source;
    private final int width;
    private final int height;
    private final double fps;
    private final int jpegQuality;
    private final Codec codec;
    private final int bitrate;
    private final int keyframeInterval;
    private final int rotation;
    private final boolean hflip;
    private final boolean vflip;
    private final int cameraIndex;
    private final String device;
    private final String input;
    private final AudioInput audio;
    private final List<PublishUrl> publish;
    private final Duration publishRetry;
    private final int maxViewers;
    private final RecordMode record;
    private final Duration recordSegment;
    private final Duration timelapseInterval;

    private CameraSettings(Builder b) {
        this.name = Objects.requireNonNull(b.name, "name");
        this.source = Objects.requireNonNull(b.source, "source");
        this.width = b.width;
        this.height = b.height;
        this.fps = b.fps;
        this.jpegQuality = b.jpegQuality;
        this.codec = Objects.requireNonNull(b.codec, "codec");
        this.bitrate = b.bitrate;
        this.keyframeInterval = b.keyframeInterval;
        this.rotation = b.rotation;
        this.hflip = b.hflip;
        this.vflip = b.vflip;
        this.cameraIndex = b.cameraIndex;
        this.device = Objects.requireNonNull(b.device, "device");
        this.input = Objects.requireNonNull(b.input, "input");
        this.audio = Objects.requireNonNull(b.audio, "audio");
        this.publish = List.copyOf(b.publish);
        this.publishRetry = Objects.requireNonNull(b.publishRetry, "publishRetry");
        this.maxViewers = b.maxViewers;
        this.record = Objects.requireNonNull(b.record, "record");
        this.recordSegment = Objects.requireNonNull(b.recordSegment, "recordSegment");
        this.timelapseInterval = Objects.requireNonNull(b.timelapseInterval, "timelapseInterval");
    }

    /** A builder with the built-in defaults, for tests and for the parser. */
    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** The camera's name, in its URLs {@code /cam/<name>/}. */
    public String name() {
        return name;
    }

    public Source source() {
        return source;
    }

    public int width() {
        return width;
    }

    public int height() {
        return height;
    }

    public double fps() {
        return fps;
    }

    public int jpegQuality() {
        return jpegQuality;
    }

    public Codec codec() {
        return codec;
    }

    public int bitrate() {
        return bitrate;
    }

    public int keyframeInterval() {
        return keyframeInterval;
    }

    public int rotation() {
        return rotation;
    }

    public boolean hflip() {
        return hflip;
    }

    public boolean vflip() {
        return vflip;
    }

    /** Which Raspberry Pi camera, for source rpicam. */
    public int cameraIndex() {
        return cameraIndex;
    }

    /** The video4linux device, for source v4l2. */
    public String device() {
        return device;
    }

    /** What ffmpeg reads for source ffmpeg. May hold a password: show it only through {@link Secrets#mask}. */
    public String input() {
        return input;
    }

    /** Where the sound comes from; {@link AudioInput#NONE} for none. */
    public AudioInput audio() {
        return audio;
    }

    /** The relays to publish to; their URLs may hold secrets: show a {@link PublishUrl} only as its toString. */
    public List<PublishUrl> publish() {
        return publish;
    }

    /** The longest wait between attempts to reach a relay that is away. */
    public Duration publishRetry() {
        return publishRetry;
    }

    /** Viewers this camera serves at once; the server's {@code max-viewers} bounds all cameras together too. */
    public int maxViewers() {
        return maxViewers;
    }

    /** Whether the camera records to disk. */
    public RecordMode record() {
        return record;
    }

    /** How much of the camera one recording file holds at most. */
    public Duration recordSegment() {
        return recordSegment;
    }

    /** Between the stills of the timelapse that runs all the time; zero when none does. */
    public Duration timelapseInterval() {
        return timelapseInterval;
    }

    /** Nanoseconds between frames at the configured rate. */
    public long frameIntervalNanos() {
        return Math.round(1e9 / fps);
    }

    /** The same camera under another name. */
    public CameraSettings named(String newName) {
        return toBuilder().name(newName).build();
    }

    @Override
    public boolean equals(Object other) {
        if (this == other) {
            return true;
        }
        if (!(other instanceof CameraSettings o)) {
            return false;
        }
        return Objects.equals(name, o.name) &&
                Objects.equals(source, o.source) &&
                width == o.width &&
                height == o.height &&
                Double.compare(fps, o.fps) == 0 &&
                jpegQuality == o.jpegQuality &&
                Objects.equals(codec, o.codec) &&
                bitrate == o.bitrate &&
                keyframeInterval == o.keyframeInterval &&
                rotation == o.rotation &&
                hflip == o.hflip &&
                vflip == o.vflip &&
                cameraIndex == o.cameraIndex &&
                Objects.equals(device, o.device) &&
                Objects.equals(input, o.input) &&
                Objects.equals(audio, o.audio) &&
                Objects.equals(publish, o.publish) &&
                Objects.equals(publishRetry, o.publishRetry) &&
                maxViewers == o.maxViewers &&
                record == o.record &&
                Objects.equals(recordSegment, o.recordSegment) &&
                Objects.equals(timelapseInterval, o.timelapseInterval);
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, source, width, height, fps, jpegQuality, codec, bitrate, keyframeInterval, rotation, hflip, vflip, cameraIndex, device, input, audio, publish, publishRetry, maxViewers, record, recordSegment, timelapseInterval);
    }

    /** Never shows a password or the input, which may carry one. */
    @Override
    public String toString() {
        return "CameraSettings[" + name + ": source=" + source.id() + ", " + width + "x" + height + " at " + fps
                + " fps, codec=" + codec.id() + "]";
    }

    /** Builds {@link CameraSettings}; starts from the built-in defaults. Values are not validated here. */
    public static final class Builder {
        private String name = "main";
        private Source source = Source.TEST;
        private int width = 1280;
        private int height = 720;
        private double fps = 30;
        private int jpegQuality = 80;
        private Codec codec = Codec.H264;
        private int bitrate = 2_000_000;
        private int keyframeInterval = 30;
        private int rotation = 0;
        private boolean hflip = false;
        private boolean vflip = false;
        private int cameraIndex = 0;
        private String device = "/dev/video0";
        private String input = "";
        private AudioInput audio = AudioInput.NONE;
        private List<PublishUrl> publish = List.of();
        private Duration publishRetry = Duration.ofSeconds(Long.parseLong(Setting.PUBLISH_RETRY.defaultValue()));
        private int maxViewers = Integer.parseInt(Setting.MAX_VIEWERS.defaultValue());
        private RecordMode record = RecordMode.OFF;
        private Duration recordSegment = Duration.ofSeconds(Long.parseLong(Setting.RECORD_SEGMENT.defaultValue()));
        private Duration timelapseInterval = Duration.ZERO;

        private Builder() {
        }

        private Builder(CameraSettings s) {
            name = s.name;
            source = s.source;
            width = s.width;
            height = s.height;
            fps = s.fps;
            jpegQuality = s.jpegQuality;
            codec = s.codec;
            bitrate = s.bitrate;
            keyframeInterval = s.keyframeInterval;
            rotation = s.rotation;
            hflip = s.hflip;
            vflip = s.vflip;
            cameraIndex = s.cameraIndex;
            device = s.device;
            input = s.input;
            audio = s.audio;
            publish = s.publish;
            publishRetry = s.publishRetry;
            maxViewers = s.maxViewers;
            record = s.record;
            recordSegment = s.recordSegment;
            timelapseInterval = s.timelapseInterval;
        }

        public Builder name(String value) {
            name = value;
            return this;
        }

        public Builder source(Source value) {
            source = value;
            return this;
        }

        public Builder size(int width, int height) {
            this.width = width;
            this.height = height;
            return this;
        }

        public Builder fps(double value) {
            fps = value;
            return this;
        }

        public Builder jpegQuality(int value) {
            jpegQuality = value;
            return this;
        }

        public Builder codec(Codec value) {
            codec = value;
            return this;
        }

        public Builder bitrate(int value) {
            bitrate = value;
            return this;
        }

        public Builder keyframeInterval(int value) {
            keyframeInterval = value;
            return this;
        }

        public Builder rotation(int value) {
            rotation = value;
            return this;
        }

        public Builder hflip(boolean value) {
            hflip = value;
            return this;
        }

        public Builder vflip(boolean value) {
            vflip = value;
            return this;
        }

        public Builder cameraIndex(int value) {
            cameraIndex = value;
            return this;
        }

        public Builder device(String value) {
            device = value;
            return this;
        }

        public Builder input(String value) {
            input = value;
            return this;
        }

        public Builder audio(AudioInput value) {
            audio = value;
            return this;
        }

        public Builder publish(List<PublishUrl> value) {
            publish = value;
            return this;
        }

        public Builder publishRetry(Duration value) {
            publishRetry = value;
            return this;
        }

        public Builder maxViewers(int value) {
            maxViewers = value;
            return this;
        }

        public Builder record(RecordMode value) {
            record = value;
            return this;
        }

        public Builder recordSegment(Duration value) {
            recordSegment = value;
            return this;
        }

        public Builder timelapseInterval(Duration value) {
            timelapseInterval = value;
            return this;
        }

        public CameraSettings build() {
            return new CameraSettings(this);
        }
    }
}
