package org.camstream.codec.jpeg;

import java.util.Arrays;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cuts a byte stream of back-to-back JPEG images (what cameras and ffmpeg write as MJPEG) into whole images.
 *
 * <p>It walks the JPEG structure instead of searching for {@code FF D9}: segments are skipped by their
 * length, so an EXIF thumbnail (a complete JPEG with its own SOI and EOI inside APP1) cannot end a frame
 * early, and entropy-coded data is scanned with byte stuffing and RST markers in mind. Bytes outside an
 * image are skipped. An image that breaks off (a new SOI before EOI, an impossible marker) is discarded
 * and scanning resumes at the next SOI. An image larger than the cap is dropped whole.
 *
 * <p>Memory is bounded by the cap ({@code maxImageBytes}, 8 MB by default): one buffer for the image in
 * progress, which starts at the smaller of the cap and 256 KB and grows up to the cap, never past it.
 * Bytes of an image beyond the cap are counted but not kept; the image is reported as
 * {@link DiscardReason#OVERSIZE}, with the bytes it had, at its EOI or where it breaks off. A segment
 * length read from damaged data can make the splitter skip up to 65535 bytes of what follows.
 *
 * <p>{@link #feed} accepts any chunking and never throws; what went wrong is counted and reported to the
 * {@link Listener}. Not thread-safe: one reader thread feeds it.
 */
public final class JpegSplitter {

    /** Receives whole images and notices of what was discarded. */
    public interface Listener {
        /** An image from SOI to EOI. The array is the caller's to keep. */
        void onImage(byte[] jpeg);

        /** An image was discarded; called once per discarded image, never from inside {@link #onImage}. */
        default void onDiscard(DiscardReason reason, long bytes) {
        }
    }

    /** Why an image was not emitted. */
    public enum DiscardReason {
        /** Larger than the size cap. */
        OVERSIZE,
        /** A new image started before this one ended. */
        TRUNCATED,
        /** The marker structure was broken. */
        CORRUPT
    }

    private static final Logger LOG = LoggerFactory.getLogger(JpegSplitter.class);

    public static final int DEFAULT_MAX_IMAGE_BYTES = 8 * 1024 * 1024;

    private static final int SOI = 0xD8;
    private static final int EOI = 0xD9;
    private static final int SOS = 0xDA;
    private static final int TEM = 0x01;

    private enum State { SEEK_SOI, MARKER_PREFIX, MARKER_CODE, LENGTH_HIGH, LENGTH_LOW, SEGMENT, ENTROPY, ENTROPY_FF }

    private final Listener listener;
    private final int maxImageBytes;

    private State state = State.SEEK_SOI;
    private boolean previousByteWasFf;
    private byte[] image;
    private int imageLength;
    private long imageBytesSeen;
    private boolean oversize;
    private int marker;
    private int segmentLengthHigh;
    private int segmentRemaining;

    private long consumerFailures;
    private long images;
    private long discarded;
    private long skippedBytes;

    public JpegSplitter(Listener listener) {
        this(listener, DEFAULT_MAX_IMAGE_BYTES);
    }

    public JpegSplitter(Listener listener, int maxImageBytes) {
        if (maxImageBytes < 4) {
            throw new IllegalArgumentException("maxImageBytes must be at least 4");
        }
        this.listener = listener;
        this.maxImageBytes = maxImageBytes;
        this.image = new byte[Math.min(maxImageBytes, 256 * 1024)];
    }

    /** Feeds the next bytes of the stream. */
    public void feed(byte[] buffer, int offset, int length) {
        int end = offset + length;
        int i = offset;
        while (i < end) {
            i = step(buffer, i, end);
        }
    }

    /** Images emitted so far. */
    public long images() {
        return images;
    }

    /** Images discarded so far (oversize, truncated or corrupt). */
    public long discarded() {
        return discarded;
    }

    /** Bytes skipped outside any image. */
    public long skippedBytes() {
        return skippedBytes;
    }

    /** Bytes the splitter holds for the image in progress (its buffer's capacity); never above the cap. */
    int bufferCapacity() {
        return image.length;
    }

    /** Consumes at least one byte from {@code buffer[i..end)} and returns the index of the next unread byte. */
    private int step(byte[] buffer, int i, int end) {
        switch (state) {
            case SEEK_SOI:
                return seekSoi(buffer, i, end);
            case MARKER_PREFIX: {
                int b = buffer[i] & 0xFF;
                if (b != 0xFF) {
                    discard(DiscardReason.CORRUPT);
                    return i; // re-examine this byte while seeking the next SOI
                }
                append(buffer, i, 1);
                state = State.MARKER_CODE;
                return i + 1;
            }
            case MARKER_CODE:
                return markerCode(buffer, i);
            case LENGTH_HIGH:
                segmentLengthHigh = buffer[i] & 0xFF;
                append(buffer, i, 1);
                state = State.LENGTH_LOW;
                return i + 1;
            case LENGTH_LOW: {
                int segmentLength = (segmentLengthHigh << 8) | (buffer[i] & 0xFF);
                if (segmentLength < 2) {
                    discard(DiscardReason.CORRUPT);
                    return i;
                }
                append(buffer, i, 1);
                segmentRemaining = segmentLength - 2;
                state = segmentRemaining > 0 ? State.SEGMENT : afterSegment();
                return i + 1;
            }
            case SEGMENT: {
                int n = Math.min(segmentRemaining, end - i);
                append(buffer, i, n);
                segmentRemaining -= n;
                if (segmentRemaining == 0) {
                    state = afterSegment();
                }
                return i + n;
            }
            case ENTROPY: {
                int j = i;
                while (j < end && buffer[j] != (byte) 0xFF) {
                    j++;
                }
                if (j < end) {
                    append(buffer, i, j - i + 1);
                    state = State.ENTROPY_FF;
                    return j + 1;
                }
                append(buffer, i, j - i);
                return j;
            }
            case ENTROPY_FF:
                return entropyAfterFf(buffer, i);
            default:
                throw new AssertionError(state);
        }
    }

    private int seekSoi(byte[] buffer, int i, int end) {
        for (int j = i; j < end; j++) {
            int b = buffer[j] & 0xFF;
            if (previousByteWasFf && b == SOI) {
                previousByteWasFf = false;
                // The FF and D8 belong to the image; the FF may have been counted with the previous chunk.
                skippedBytes += j - i + 1 - 2;
                startImage();
                return j + 1;
            }
            previousByteWasFf = b == 0xFF;
        }
        skippedBytes += end - i;
        return end;
    }

    private void startImage() {
        imageLength = 0;
        oversize = false;
        image[imageLength++] = (byte) 0xFF;
        image[imageLength++] = (byte) SOI;
        imageBytesSeen = 2;
        state = State.MARKER_PREFIX;
    }

    private int markerCode(byte[] buffer, int i) {
        int b = buffer[i] & 0xFF;
        if (b == 0xFF) { // fill byte before a marker
            append(buffer, i, 1);
            return i + 1;
        }
        if (b == SOI) {
            discard(DiscardReason.TRUNCATED);
            startImage();
            return i + 1;
        }
        if (b == 0x00 || b == EOI) {
            // EOI before any scan is not an image a browser could show.
            discard(DiscardReason.CORRUPT);
            return i + 1;
        }
        append(buffer, i, 1);
        if ((b >= 0xD0 && b <= 0xD7) || b == TEM) {
            state = State.MARKER_PREFIX;
        } else {
            marker = b;
            state = State.LENGTH_HIGH;
        }
        return i + 1;
    }

    private State afterSegment() {
        return marker == SOS ? State.ENTROPY : State.MARKER_PREFIX;
    }

    private int entropyAfterFf(byte[] buffer, int i) {
        int b = buffer[i] & 0xFF;
        if (b == SOI) {
            discard(DiscardReason.TRUNCATED);
            startImage();
            return i + 1;
        }
        append(buffer, i, 1);
        if (b == 0x00 || (b >= 0xD0 && b <= 0xD7)) {
            state = State.ENTROPY; // stuffed zero or restart marker: still scan data
        } else if (b == 0xFF) {
            state = State.ENTROPY_FF; // fill byte
        } else if (b == EOI) {
            finishImage();
        } else {
            // Another segment between scans (progressive JPEG: DHT, SOS, ...).
            marker = b;
            state = State.LENGTH_HIGH;
        }
        return i + 1;
    }

    private void append(byte[] buffer, int offset, int length) {
        imageBytesSeen += length;
        if (oversize) {
            return;
        }
        if (imageBytesSeen > maxImageBytes) {
            oversize = true;
            return;
        }
        int needed = imageLength + length;
        if (needed > image.length) {
            image = Arrays.copyOf(image, (int) Math.min(maxImageBytes, Math.max(needed, (long) image.length * 2)));
        }
        System.arraycopy(buffer, offset, image, imageLength, length);
        imageLength += length;
    }

    private void finishImage() {
        state = State.SEEK_SOI;
        previousByteWasFf = false;
        if (oversize) {
            discarded++;
            notifyDiscard(DiscardReason.OVERSIZE, imageBytesSeen);
            return;
        }
        images++;
        byte[] jpeg = Arrays.copyOf(image, imageLength);
        try {
            listener.onImage(jpeg);
        } catch (RuntimeException e) {
            // A failing consumer must not stop the camera's reader thread.
            consumerFailures++;
            if (consumerFailures == 1) {
                LOG.warn("JPEG image consumer failed; the stream goes on (further failures are only counted)", e);
            }
        }
    }

    private void discard(DiscardReason reason) {
        discarded++;
        state = State.SEEK_SOI;
        previousByteWasFf = false;
        notifyDiscard(oversize ? DiscardReason.OVERSIZE : reason, imageBytesSeen);
    }

    private void notifyDiscard(DiscardReason reason, long bytes) {
        try {
            listener.onDiscard(reason, bytes);
        } catch (RuntimeException e) {
            LOG.warn("JPEG discard listener failed", e);
        }
    }
}
