package org.camstream.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import org.camstream.codec.InputsTried;
import org.camstream.testing.Mutations;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Coverage-guided fuzzing of {@link RequestReader} on what RTSP clients send, damaged, and on any bytes at all:
 * the fuzzer's bytes pick the conversation, the damage and the chunking ({@link Mutations}), and the reader is
 * driven as a connection drives it ({@link ReaderDriver}: a {@link RequestReader#BUFFER_SIZE} buffer, compacted
 * after each read).
 *
 * <p>Documented exception: {@link RtspException} with a 4xx or 5xx status, after which the connection answers and
 * closes. Anything else out of the reader is a finding, and so is a failed check: an item that takes no bytes (a
 * connection's loop would never end), a full buffer with the reader waiting for more (it would hang), a request
 * past one of the bounds, or a result that depends on where the reads end.
 */
@ExtendWith(InputsTried.class)
class RequestReaderFuzzTest {
    /**
     * How long one fuzz test is fuzzed when nothing else says: what {@code mvn test} gives
     * {@link #allFuzzTestsAsOne}. A longer run sets libFuzzer's {@code -max_total_time} (see the
     * package documentation of {@code org.camstream.codec} in the tests).
     */
    static final String BUDGET = "8s";

    private static String crlf(String... lines) {
        return String.join("\r\n", lines) + "\r\n\r\n";
    }

    private static byte[] frame(int channel, int length, byte fill) {
        byte[] frame = new byte[4 + length];
        frame[0] = '$';
        frame[1] = (byte) channel;
        frame[2] = (byte) (length >> 8);
        frame[3] = (byte) length;
        Arrays.fill(frame, 4, frame.length, fill);
        return frame;
    }

    private static byte[] ascii(String text) {
        return text.getBytes(StandardCharsets.ISO_8859_1);
    }

    /** What clients send on one connection, from the first OPTIONS to the TEARDOWN; each is a stream to damage. */
    static final class Conversations {
        /** VLC over TCP: its RTCP receiver reports come back interleaved, one of them over the buffer's size. */
        static final byte[] VLC_TCP = Mutations.concat(
                ascii(crlf("OPTIONS rtsp://cam:8554/garden RTSP/1.0", "CSeq: 2", "User-Agent: LibVLC/3.0.18 (LIVE555 Streaming Media v2016.11.28)")),
                ascii(crlf("DESCRIBE rtsp://cam:8554/garden RTSP/1.0", "CSeq: 3", "User-Agent: LibVLC/3.0.18", "Accept: application/sdp")),
                ascii(crlf("SETUP rtsp://cam:8554/garden/trackID=0 RTSP/1.0", "CSeq: 4", "Transport: RTP/AVP/TCP;unicast;interleaved=0-1")),
                ascii(crlf("PLAY rtsp://cam:8554/garden/ RTSP/1.0", "CSeq: 5", "Session: 4F2A9C10", "Range: npt=0.000-")),
                frame(1, 52, (byte) 0x81),
                frame(1, RequestReader.BUFFER_SIZE, (byte) '\n'),
                ascii(crlf("GET_PARAMETER rtsp://cam:8554/garden/ RTSP/1.0", "CSeq: 6", "Session: 4F2A9C10")),
                frame(3, 0, (byte) 0),
                ascii(crlf("TEARDOWN rtsp://cam:8554/garden/ RTSP/1.0", "CSeq: 7", "Session: 4F2A9C10")));
        /** ffmpeg over UDP, with bodies, a Digest login and blank lines between requests. */
        static final byte[] FFMPEG_UDP = Mutations.concat(
                ascii(crlf("OPTIONS rtsp://cam:8554/ RTSP/1.0", "CSeq: 1", "User-Agent: Lavf60.16.100")),
                ascii(crlf("DESCRIBE rtsp://cam:8554/ RTSP/1.0", "Accept: application/sdp", "CSeq: 2",
                        "Authorization: Digest username=\"viewer\", realm=\"camstream\", nonce=\"18bcfe56800.AbCdEfGhIjKlMnOpQrStUv\", "
                                + "uri=\"rtsp://cam:8554/\", response=\"6629fae49393a05397450978507c4ef1\"")),
                ascii("\r\n\r\n"),
                ascii(crlf("SETUP rtsp://cam:8554/trackID=0 RTSP/1.0", "Transport: RTP/AVP/UDP;unicast;client_port=27090-27091",
                        "CSeq: 3")),
                ascii(crlf("PLAY rtsp://cam:8554/ RTSP/1.0", "Range: npt=0.000-", "CSeq: 4", "Session: 1a2b3c4d;timeout=60")),
                ascii(crlf("GET_PARAMETER rtsp://cam:8554/ RTSP/1.0", "CSeq: 5", "Content-Type: text/parameters",
                        "Content-Length: 10")),
                ascii("position\r\n"),
                ascii(crlf("SET_PARAMETER rtsp://cam:8554/ RTSP/1.0", "CSeq: 6", "content-length: 0")),
                ascii(crlf("TEARDOWN rtsp://cam:8554/ RTSP/1.0", "CSeq: 7", "Session: 1a2b3c4d")));
        /** An NVR: bare line feeds, odd header casing, a query string, many headers and a long URI. */
        static final byte[] NVR = Mutations.concat(
                ascii("OPTIONS rtsp://10.0.0.2:8554/porch?channel=1&subtype=0 RTSP/1.0\nCSEQ: 1\nx-dummy: " + "y".repeat(900) + "\n\n"),
                ascii(crlf("DESCRIBE rtsp://10.0.0.2:8554/porch?" + "q".repeat(950) + " RTSP/1.0",
                        String.join("\r\n", headers(60)), "cseq: 2")),
                ascii(crlf("SETUP rtsp://10.0.0.2:8554/porch/trackID=1 RTSP/1.0", "CSeq: 3",
                        "Transport: RTP/AVP;multicast, RTP/AVP/TCP;unicast;interleaved=2-3;mode=\"PLAY\"")),
                ascii(crlf("SET_PARAMETER rtsp://10.0.0.2:8554/porch RTSP/1.0", "CSeq: 4", "Content-Length: 2048")),
                ascii("p".repeat(2048)),
                ascii(crlf("PLAY rtsp://10.0.0.2:8554/porch RTSP/2.0", "CSeq: 5")));

        static final byte[][] ALL = {VLC_TCP, FFMPEG_UDP, NVR};
        static final List<String> METHODS = List.of(
                "OPTIONS DESCRIBE SETUP PLAY GET_PARAMETER TEARDOWN",
                "OPTIONS DESCRIBE SETUP PLAY GET_PARAMETER SET_PARAMETER TEARDOWN",
                "OPTIONS DESCRIBE SETUP SET_PARAMETER PLAY");

        private static List<String> headers(int n) {
            List<String> headers = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                headers.add((i % 2 == 0 ? "X-Header-" : "x-HEADER-") + i + ":  value " + i);
            }
            return headers;
        }
    }

    /**
     * What the reader made of an input: its items as text, the status it refused with (or null), and how many
     * bytes it left in the buffer waiting for more.
     */
    record Outcome(List<String> items, RtspStatus refused, int waiting) {
        String label() {
            return refused != null ? "refused with " + refused.code() : waiting > 0 ? "waiting for more" : "read to the end";
        }
    }

    /** Feeds {@code input} in reads of the given sizes, used in turn, checking each item and the refusal. */
    static Outcome read(byte[] input, List<Integer> chunks) {
        ReaderDriver driver = new ReaderDriver();
        RtspStatus refused = null;
        int pos = 0;
        int k = 0;
        try {
            while (pos < input.length) {
                int n = Math.min(input.length - pos, chunks.get(k++ % chunks.size()));
                byte[] read = new byte[n]; // a read of its own, as from a socket
                System.arraycopy(input, pos, read, 0, n);
                driver.feed(read, 0, n);
                pos += n;
            }
        } catch (RtspException e) {
            int code = e.status().code();
            assertTrue(code >= 400 && code < 600, () -> e.status() + " is not an error status");
            assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "a refusal says why");
            refused = e.status();
        }
        List<String> items = new ArrayList<>();
        for (RequestReader.Item item : driver.items) {
            checkBounds(item);
            items.add(ReaderDriver.describe(item));
        }
        return new Outcome(items, refused, refused == null ? driver.buffered() : -1);
    }

    private static void checkBounds(RequestReader.Item item) {
        if (item instanceof RequestReader.Interleaved frame) {
            assertTrue(frame.payload() == null || frame.payload().length <= RequestReader.BUFFER_SIZE - 4);
            return;
        }
        RtspRequest r = ((RequestReader.Request) item).request();
        assertTrue(r.method().matches("[A-Z_]{1,32}"), r::method);
        assertTrue(!r.uri().isEmpty() && r.uri().length() <= RequestReader.MAX_URI, r::uri);
        assertTrue(r.version().matches("RTSP/[0-9]\\.[0-9]"), r::version);
        assertTrue(r.headers().size() <= RequestReader.MAX_HEADERS);
        assertTrue(r.body().length <= RequestReader.MAX_BODY);
        for (Map.Entry<String, String> header : r.headers()) {
            assertEquals(header.getKey().toLowerCase(Locale.ROOT), header.getKey());
            assertEquals(header.getValue().trim(), header.getValue());
            assertTrue(header.getValue().chars().noneMatch(c -> c < ' ' && c != '\t' || c == 0x7F), header::getValue);
        }
    }

    /** The property: any chunking gives what reads as large as the buffer allows give. */
    static Outcome check(byte[] input, List<Integer> chunks) {
        Outcome chunked = read(input, chunks);
        Outcome whole = read(input, List.of(RequestReader.BUFFER_SIZE));
        assertEquals(whole, chunked, () -> "chunks " + chunks);
        return chunked;
    }

    @FuzzTest(maxDuration = BUDGET)
    void damagedConversationsGiveRequestsOrAnErrorStatusWhateverTheChunking(FuzzedDataProvider data) {
        InputsTried.Tally tally = InputsTried.count();
        int source = Mutations.pick(data, Conversations.ALL.length);
        int donor = Mutations.pick(data, Conversations.ALL.length);
        Mutations.Damage damage = Mutations.damage(data);
        byte[] input = damage.apply(Conversations.ALL[source], Conversations.ALL[donor]);
        List<Integer> chunks = damage.chunks();
        tally.outcome(check(input, chunks).label());
    }

    @FuzzTest(maxDuration = BUDGET)
    void anyBytesGiveRequestsOrAnErrorStatusWhateverTheChunking(FuzzedDataProvider data) {
        InputsTried.Tally tally = InputsTried.count();
        List<Integer> chunks = Mutations.chunkSizes(data);
        byte[] input = data.consumeRemainingAsBytes();
        tally.outcome(check(input, chunks).label());
    }

    /**
     * The two fuzz tests above as one, the fuzzer's data choosing which of them gets each input: what
     * {@code mvn test} fuzzes. Jazzer fuzzes one {@code @FuzzTest} per JVM, and a JVM with its agent
     * takes seconds to start, so {@code mvn test} starts one per class rather than one per fuzz test.
     */
    @FuzzTest(maxDuration = BUDGET)
    void allFuzzTestsAsOne(FuzzedDataProvider data) {
        InputsTried.count();
        switch (Mutations.pick(data, 2)) {
            case 0 -> damagedConversationsGiveRequestsOrAnErrorStatusWhateverTheChunking(data);
            default -> anyBytesGiveRequestsOrAnErrorStatusWhateverTheChunking(data);
        }
    }

    @Test
    void theCleanConversationsReadToTheEndWhateverTheChunking() {
        // The base of the damage must itself be right, or the fuzzer starts from a refusal.
        for (int i = 0; i < Conversations.ALL.length; i++) {
            for (List<Integer> chunks : List.of(List.of(1), List.of(3, 500), List.of(Mutations.MAX_CHUNK))) {
                Outcome outcome = check(Conversations.ALL[i], chunks);
                assertEquals(null, outcome.refused(), outcome::toString);
                assertEquals(Conversations.METHODS.get(i), String.join(" ", outcome.items().stream()
                        .filter(item -> !item.startsWith("$")).map(item -> item.substring(0, item.indexOf(' '))).toList()));
            }
        }
    }

    @Test
    void seededDamageGivesRequestsOrAnErrorStatusWhateverTheChunking() {
        // The fuzz test's property on damage from a fixed seed, so that every mvn test checks it: there are no
        // seed files for regression mode, which runs the empty input only.
        Random random = new Random(2326);
        Mutations.Kind[] kinds = Mutations.Kind.values();
        for (int round = 0; round < 400; round++) {
            List<Mutations.Mutation> edits = new ArrayList<>();
            for (int e = random.nextInt(6); e > 0; e--) {
                edits.add(new Mutations.Mutation(kinds[random.nextInt(kinds.length)], random.nextInt(Integer.MAX_VALUE),
                        1 + random.nextInt(random.nextBoolean() ? 16 : 4096), random.nextInt(Integer.MAX_VALUE),
                        random.nextLong(), null));
            }
            byte[] input = Mutations.apply(Conversations.ALL[random.nextInt(3)], Conversations.ALL[random.nextInt(3)], edits);
            List<Integer> chunks = List.of(1 + random.nextInt(16), 1 + random.nextInt(5000));
            check(input, chunks);
        }
    }
}
