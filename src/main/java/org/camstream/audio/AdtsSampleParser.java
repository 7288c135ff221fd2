package org.camstream.audio;

import org.camstream.process.SampleParser;

import org.camstream.process.SampleListener;
import org.camstream.codec.aac.AdtsHeader;
import org.camstream.codec.aac.AdtsReader;
import org.camstream.codec.aac.AudioSpecificConfig;

/**
 * The audio process's "pictures": raw AAC frames from ADTS, each handed on without its 7 or 9 byte header,
 * as an MP4 sample holds it. A frame in another format than the track's (the init segment is already out),
 * or with more than one raw data block, is discarded and reported. Every AAC frame stands alone.
 */
public final class AdtsSampleParser implements SampleParser {

    private final AdtsReader reader;

    public AdtsSampleParser(AudioSpecificConfig expected, SampleListener listener) {
        this.reader = new AdtsReader(new AdtsReader.Listener() {
            @Override
            public void onFrame(AdtsHeader header, byte[] frame) {
                if (!expected.matches(header) || header.rawDataBlocks() != 1) {
                    listener.onDiscard("AAC frame of object type " + header.objectType() + " at "
                            + header.sampleRate() + " Hz, " + header.channelConfiguration() + " channels, "
                            + header.rawDataBlocks() + " blocks", frame.length);
                    return;
                }
                listener.onSample(java.util.Arrays.copyOfRange(frame, header.headerSize(), frame.length), true);
            }

            @Override
            public void onDiscard(String reason, long bytes) {
                listener.onDiscard(reason, bytes);
            }
        });
    }

    @Override
    public void feed(byte[] buffer, int offset, int length) {
        reader.feed(buffer, offset, length);
    }
}
