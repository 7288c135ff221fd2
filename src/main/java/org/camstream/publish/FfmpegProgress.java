package org.camstream.publish;

/**
 * Reads ffmpeg's {@code -progress} output: blocks of {@code key=value} lines, each ended by a
 * {@code progress=continue} or {@code progress=end} line. Only the two counts a publisher needs are kept, so
 * nothing grows however long ffmpeg runs. Not thread-safe: one reader thread feeds it.
 */
final class FfmpegProgress {

    /** One block: the frames and bytes written to the relay so far. */
    record Report(long frames, long bytes) {
    }

    interface Listener {
        void onProgress(Report report);
    }

    private final Listener listener;
    private long frames;
    private long bytes;

    FfmpegProgress(Listener listener) {
        this.listener = listener;
    }

    void line(String line) {
        int equals = line.indexOf('=');
        if (equals < 0) {
            return;
        }
        String key = line.substring(0, equals).trim();
        String value = line.substring(equals + 1).trim();
        switch (key) {
            case "frame":
                frames = number(value, frames);
                break;
            case "total_size":
                bytes = number(value, bytes);
                break;
            case "progress":
                listener.onProgress(new Report(frames, bytes));
                break;
            default:
                break;
        }
    }

    /** ffmpeg writes N/A before it knows a value: the last one known stands. */
    private static long number(String value, long otherwise) {
        try {
            return Long.parseLong(value);
        } catch (NumberFormatException e) {
            return otherwise;
        }
    }
}
