package org.camstream.rtsp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link RequestReader}: requests and interleaved frames out of a connection's bytes, within its bounds. */
class RequestReaderTest {

    private static final String OPTIONS = "OPTIONS rtsp://cam:8554/garden RTSP/1.0\r\nCSeq: 1\r\nUser-Agent: test\r\n\r\n";
    private static final String DESCRIBE = "DESCRIBE rtsp://cam:8554/garden RTSP/1.0\r\nCSeq: 2\r\nAccept: application/sdp\r\n\r\n";
    private static final String GET_PARAMETER = "GET_PARAMETER rtsp://cam:8554/garden RTSP/1.0\r\nCSeq: 3\r\n"
            + "Content-Type: text/parameters\r\nContent-Length: 9\r\n\r\nposition\n";

    private static RtspRequest one(String text) throws RtspException {
        List<RtspRequest> requests = ReaderDriver.fed(text, Integer.MAX_VALUE).requests();
        assertEquals(1, requests.size(), () -> "requests in " + text);
        return requests.get(0);
    }

    private static RtspStatus refusal(String text) {
        return refusal(text.getBytes(StandardCharsets.ISO_8859_1), Integer.MAX_VALUE);
    }

    private static RtspStatus refusal(byte[] bytes, int chunk) {
        RtspException e = assertThrows(RtspException.class, () -> ReaderDriver.fed(bytes, chunk));
        assertTrue(e.getMessage() != null && !e.getMessage().isBlank(), "the client is told why");
        return e.status();
    }

    private static String withHeaders(int count) {
        return "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n"
                + IntStream.range(1, count).mapToObj(i -> "X-H" + i + ": v\r\n").collect(Collectors.joining()) + "\r\n";
    }

    // ---------------------------------------------------------------- well-formed requests

    @Test
    void aRequestWithoutBodyGivesItsLineHeadersInOrderAndAnEmptyBody() throws RtspException {
        RtspRequest r = one(OPTIONS);
        assertEquals("OPTIONS", r.method());
        assertEquals("rtsp://cam:8554/garden", r.uri());
        assertEquals("RTSP/1.0", r.version());
        assertEquals(List.of(Map.entry("cseq", "1"), Map.entry("user-agent", "test")), r.headers());
        assertEquals("1", r.cseq());
        assertEquals(0, r.body().length);
    }

    @Test
    void aRequestWithBodyGivesExactlyContentLengthBytes() throws RtspException {
        RtspRequest r = one(GET_PARAMETER);
        assertArrayEquals("position\n".getBytes(StandardCharsets.US_ASCII), r.body());
        assertEquals("text/parameters", r.header("Content-Type"));
    }

    @Test
    void aBodyStartingWithBlankLinesOrDollarIsTheBodyNotAFrame() throws RtspException {
        // The reader must not take the body's bytes for what may come between requests.
        String text = "SET_PARAMETER * RTSP/1.0\r\nCSeq: 4\r\nContent-Length: 6\r\n\r\n\r\n$\0\0\r\n";
        assertArrayEquals("\r\n$\0\0\r".getBytes(StandardCharsets.ISO_8859_1), one(text + "\n").body());
    }

    @Test
    void pipelinedRequestsInOneReadComeOutInOrder() throws RtspException {
        ReaderDriver d = ReaderDriver.fed(OPTIONS + GET_PARAMETER + DESCRIBE, Integer.MAX_VALUE);
        assertEquals(List.of("OPTIONS", "GET_PARAMETER", "DESCRIBE"),
                d.requests().stream().map(RtspRequest::method).toList());
        assertEquals(0, d.buffered(), "nothing left over");
    }

    @Test
    void anyChunkingGivesTheSameRequestsAsOneRead() throws RtspException {
        String text = OPTIONS + GET_PARAMETER + "$\u0001\u0000\u0003abc" + DESCRIBE;
        List<String> whole = ReaderDriver.fed(text, Integer.MAX_VALUE).items.stream().map(ReaderDriver::describe).toList();
        assertEquals(4, whole.size(), whole::toString);
        for (int chunk : new int[] {1, 2, 3, 7, 64}) {
            assertEquals(whole, ReaderDriver.fed(text, chunk).items.stream().map(ReaderDriver::describe).toList(),
                    "chunks of " + chunk);
        }
    }

    @Test
    void aPartialRequestIsNotTakenUntilItsLastByte() throws RtspException {
        byte[] bytes = GET_PARAMETER.getBytes(StandardCharsets.US_ASCII);
        ReaderDriver d = new ReaderDriver();
        d.feed(bytes, 0, bytes.length - 1);
        assertEquals(0, d.items.size(), "the body's last byte is missing");
        assertEquals(bytes.length - 1, d.buffered(), "and everything waits in the buffer");
        d.feed(bytes, bytes.length - 1, 1);
        assertEquals(1, d.requests().size());
        assertEquals(0, d.buffered());
    }

    @Test
    void nextWithNothingBufferedAsksForMore() throws RtspException {
        assertNull(new RequestReader().next(ByteBuffer.allocate(0)));
    }

    @Test
    void bareLineFeedsEndLinesAndTheHeadToo() throws RtspException {
        RtspRequest r = one("OPTIONS * RTSP/1.0\nCSeq: 9\n\n");
        assertEquals("9", r.cseq());
        assertEquals(1, r.headers().size());
    }

    @Test
    void blankLinesBetweenRequestsAreSkippedAndNotBuffered() throws RtspException {
        ReaderDriver d = new ReaderDriver();
        byte[] blank = "\r\n".repeat(10_000).getBytes(StandardCharsets.US_ASCII); // more than the buffer holds
        d.feed(blank, 0, blank.length);
        assertEquals(0, d.buffered());
        byte[] request = OPTIONS.getBytes(StandardCharsets.US_ASCII);
        d.feed(request, 0, request.length);
        assertEquals(1, d.requests().size());
    }

    @Test
    void headerNamesAreCaseInsensitiveAndValuesTrimmed() throws RtspException {
        RtspRequest r = one("DESCRIBE * RTSP/1.0\r\ncSeQ:   12  \r\nSESSION: abc;timeout=60\r\ncontent-LENGTH: 2\r\n\r\nhi");
        assertEquals("12", r.cseq());
        assertEquals("12", r.header("CSEQ"));
        assertEquals("abc", r.session());
        assertArrayEquals("hi".getBytes(StandardCharsets.US_ASCII), r.body(), "any casing of Content-Length counts");
    }

    @Test
    void aMissingOrNonNumericCseqIsReadButReportedAsMissing() throws RtspException {
        // The reader takes the request; RequestHandler answers 400 because cseq() is null.
        assertNull(one("OPTIONS * RTSP/1.0\r\nUser-Agent: x\r\n\r\n").cseq());
        assertNull(one("OPTIONS * RTSP/1.0\r\nCSeq: one\r\n\r\n").cseq());
        assertNull(one("OPTIONS * RTSP/1.0\r\nCSeq: 12345678901\r\n\r\n").cseq(), "over ten digits");
    }

    @Test
    void anotherRtspVersionIsReadSoThatTheHandlerCanAnswer505() throws RtspException {
        // The reader checks the form RTSP/d.d; RequestHandler answers 505 to anything but RTSP/1.0.
        assertEquals("RTSP/2.0", one("OPTIONS * RTSP/2.0\r\nCSeq: 1\r\n\r\n").version());
    }

    @ParameterizedTest
    @ValueSource(strings = {"OPTIONS * HTTP/1.1", "OPTIONS * RTSP/1", "OPTIONS * RTSP/10.0", "OPTIONS * rtsp/1.0",
        "OPTIONS *", "OPTIONS  * RTSP/1.0", "OPTIONS * RTSP/1.0 ", "options * RTSP/1.0", "GET-X * RTSP/1.0",
        "OPTIONS \u00e9 RTSP/1.0", " OPTIONS * RTSP/1.0"})
    void aRequestLineThatIsNotRtspIs400(String line) {
        assertEquals(RtspStatus.BAD_REQUEST, refusal(line + "\r\nCSeq: 1\r\n\r\n"));
    }

    @Test
    void httpOnTheRtspPortIs400() {
        assertEquals(RtspStatus.BAD_REQUEST, refusal("GET / HTTP/1.1\r\nHost: x\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"NoColon", ": empty name", "Bad Name: x", "X: a\u0001b", "X: a\u007fb", "X: a\rb",
        "Caf\u00e9: x"})
    void aMalformedHeaderLineIs400(String header) {
        assertEquals(RtspStatus.BAD_REQUEST, refusal("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\n" + header + "\r\n\r\n"));
    }

    @Test
    void aFoldedHeaderIs400() {
        assertEquals(RtspStatus.BAD_REQUEST, refusal("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: a\r\n b\r\n\r\n"));
    }

    // ---------------------------------------------------------------- bounds

    @Test
    void theBoundsAreTheDocumentedOnes() {
        // The integration tests and docs count on these; a change here is a change of what clients may send.
        assertEquals(8 * 1024, RequestReader.MAX_HEAD);
        assertEquals(64, RequestReader.MAX_HEADERS);
        assertEquals(1024, RequestReader.MAX_URI);
        assertEquals(2 * 1024, RequestReader.MAX_BODY);
        assertTrue(RequestReader.BUFFER_SIZE >= RequestReader.MAX_HEAD + RequestReader.MAX_BODY,
                "a whole request fits the buffer");
    }

    @Test
    void aHeadOfExactlyMaxHeadBytesIsRead() throws RtspException {
        String start = "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: ";
        String head = start + "a".repeat(RequestReader.MAX_HEAD - start.length() - 4) + "\r\n\r\n";
        assertEquals(RequestReader.MAX_HEAD, head.length());
        for (int chunk : new int[] {Integer.MAX_VALUE, 1, 4095}) {
            assertEquals(1, ReaderDriver.fed(head, chunk).requests().size(), "chunks of " + chunk);
        }
    }

    @Test
    void aHeadOneByteOverMaxHeadIs400HoweverItArrives() {
        // Found writing these tests: a head whose blank line ended a byte or two past the bound was read
        // when its last bytes came in the same read, and refused when the read ended just at the bound.
        String start = "OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: ";
        for (String end : new String[] {"\n\n", "\n\r\n", "\r\n\r\n"}) {
            String head = start + "a".repeat(RequestReader.MAX_HEAD + 1 - start.length() - end.length()) + end;
            assertEquals(RequestReader.MAX_HEAD + 1, head.length());
            byte[] bytes = head.getBytes(StandardCharsets.US_ASCII);
            for (int chunk : new int[] {Integer.MAX_VALUE, RequestReader.MAX_HEAD - 1, RequestReader.MAX_HEAD, 1}) {
                assertEquals(RtspStatus.BAD_REQUEST, refusal(bytes, chunk), "chunks of " + chunk);
            }
        }
    }

    @Test
    void aHeadThatNeverEndsIs400AtTheBoundNotBufferedOn() throws RtspException {
        ReaderDriver d = new ReaderDriver();
        byte[] line = ("OPTIONS * RTSP/1.0\r\nCSeq: 1\r\nX: " + "a".repeat(RequestReader.MAX_HEAD)).getBytes(StandardCharsets.US_ASCII);
        d.feed(line, 0, RequestReader.MAX_HEAD - 1);
        assertEquals(RequestReader.MAX_HEAD - 1, d.buffered(), "one byte short of the bound, it waits");
        RtspException e = assertThrows(RtspException.class, () -> d.feed(line, RequestReader.MAX_HEAD - 1, 1));
        assertEquals(RtspStatus.BAD_REQUEST, e.status());
    }

    @Test
    void sixtyFourHeadersAreReadAndSixtyFiveAre400() throws RtspException {
        assertEquals(RequestReader.MAX_HEADERS, one(withHeaders(RequestReader.MAX_HEADERS)).headers().size());
        assertEquals(RtspStatus.BAD_REQUEST, refusal(withHeaders(RequestReader.MAX_HEADERS + 1)));
    }

    @Test
    void aUriOfMaxUriCharactersIsReadAndOneMoreIs414() throws RtspException {
        String base = "rtsp://cam/garden?";
        String longest = base + "x".repeat(RequestReader.MAX_URI - base.length());
        assertEquals(longest, one("OPTIONS " + longest + " RTSP/1.0\r\nCSeq: 1\r\n\r\n").uri());
        assertEquals(RtspStatus.URI_TOO_LARGE, refusal("OPTIONS " + longest + "x RTSP/1.0\r\nCSeq: 1\r\n\r\n"));
    }

    @Test
    void aBodyOfMaxBodyBytesIsReadAndOneMoreIs413() throws RtspException {
        String body = "b".repeat(RequestReader.MAX_BODY);
        assertEquals(RequestReader.MAX_BODY,
                one("SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: " + body.length() + "\r\n\r\n" + body).body().length);
        // Refused on the head alone: the reader does not wait for a body it will not take.
        assertEquals(RtspStatus.ENTITY_TOO_LARGE,
                refusal("SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: " + (RequestReader.MAX_BODY + 1) + "\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"999999", "999999999", "1000000000", "99999999999999999999", "2147483648"})
    void aHugeContentLengthIs413(String length) {
        // Found writing these tests: ten digits and more were answered "Content-Length is not a number" (400).
        assertEquals(RtspStatus.ENTITY_TOO_LARGE,
                refusal("SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: " + length + "\r\n\r\n"));
    }

    @ParameterizedTest
    @ValueSource(strings = {"-1", "+5", "5 5", "0x10", "abc", "", "1.5"})
    void aContentLengthThatIsNotADecimalNumberIs400(String length) {
        assertEquals(RtspStatus.BAD_REQUEST,
                refusal("SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: " + length + "\r\n\r\n"));
    }

    @Test
    void aZeroContentLengthIsNoBody() throws RtspException {
        ReaderDriver d = ReaderDriver.fed("SET_PARAMETER * RTSP/1.0\r\nCSeq: 1\r\nContent-Length: 0\r\n\r\n" + OPTIONS,
                Integer.MAX_VALUE);
        assertEquals(List.of("SET_PARAMETER", "OPTIONS"), d.requests().stream().map(RtspRequest::method).toList());
    }

    // ---------------------------------------------------------------- interleaved frames

    @Test
    void aSmallInterleavedFrameIsKeptAndTheRequestAfterItRead() throws RtspException {
        ReaderDriver d = ReaderDriver.fed("$\u0001\u0000\u0004RTCP" + OPTIONS, 1);
        assertEquals(2, d.items.size());
        RequestReader.Interleaved frame = (RequestReader.Interleaved) d.items.get(0);
        assertEquals(1, frame.channel());
        assertArrayEquals("RTCP".getBytes(StandardCharsets.US_ASCII), frame.payload());
        assertEquals("OPTIONS", ((RequestReader.Request) d.items.get(1)).request().method());
    }

    @Test
    void anEmptyInterleavedFrameIsAFrame() throws RtspException {
        ReaderDriver d = ReaderDriver.fed("$\u00ff\u0000\u0000" + OPTIONS, Integer.MAX_VALUE);
        assertEquals("$255 ", ReaderDriver.describe(d.items.get(0)));
        assertEquals(1, d.requests().size());
    }

    @Test
    void aFrameLargerThanTheBufferIsSkippedAsItArrivesAndTheRequestAfterItRead() throws RtspException {
        int length = 0xFFFF; // the most the length field says, over five buffers' worth
        byte[] frame = new byte[4 + length];
        frame[0] = '$';
        frame[1] = 3;
        frame[2] = (byte) 0xFF;
        frame[3] = (byte) 0xFF;
        Arrays.fill(frame, 4, frame.length, (byte) '\n'); // would read as blank lines if not skipped
        byte[] request = OPTIONS.getBytes(StandardCharsets.US_ASCII);
        byte[] all = new byte[frame.length + request.length];
        System.arraycopy(frame, 0, all, 0, frame.length);
        System.arraycopy(request, 0, all, frame.length, request.length);
        for (int chunk : new int[] {Integer.MAX_VALUE, 1000, 1}) {
            ReaderDriver d = ReaderDriver.fed(all, chunk); // the driver checks that the buffer never fills
            assertEquals(List.of("$3 skipped", ReaderDriver.describe(new RequestReader.Request(one(OPTIONS)))),
                    d.items.stream().map(ReaderDriver::describe).toList(), "chunks of " + chunk);
        }
    }

    @Test
    void aFrameThatFitsTheBufferIsKeptWhole() throws RtspException {
        int length = RequestReader.BUFFER_SIZE - 4; // the largest a connection's buffer holds
        byte[] frame = new byte[4 + length];
        frame[0] = '$';
        frame[2] = (byte) (length >> 8);
        frame[3] = (byte) length;
        ReaderDriver d = ReaderDriver.fed(frame, 1000);
        assertEquals(length, ((RequestReader.Interleaved) d.items.get(0)).payload().length);
    }

    @Test
    void aFrameHeaderCutAfterTheDollarWaits() throws RtspException {
        ReaderDriver d = ReaderDriver.fed("$\u0000\u0000", Integer.MAX_VALUE);
        assertEquals(0, d.items.size());
        assertEquals(3, d.buffered());
    }

    // ---------------------------------------------------------------- garbage

    @Test
    void binaryGarbageIs400AtItsFirstReadWithoutWaitingForTheHeadBound() {
        byte[] noise = new byte[4096];
        new Random(7).nextBytes(noise);
        noise[0] = 'X'; // starts like a method; the noise after it is not text
        for (int i = 0; i < noise.length; i++) {
            if (noise[i] == '\n' || noise[i] == '\r') {
                noise[i] = 0x01; // no line ends: only the bytes themselves say that this is no request
            }
        }
        RtspException refused = assertThrows(RtspException.class, () -> new ReaderDriver().feed(noise, 0, noise.length));
        assertEquals(RtspStatus.BAD_REQUEST, refused.status());
        assertEquals(RtspStatus.BAD_REQUEST, refusal(noise, 1));
    }

    @Test
    void anotherProtocolsBytesAre400AtTheFirstByte() {
        byte[] tls = {0x16, 0x03, 0x01, 0x02, 0x00};
        RtspException refused = assertThrows(RtspException.class, () -> new ReaderDriver().feed(tls, 0, 1));
        assertEquals(RtspStatus.BAD_REQUEST, refused.status());
    }

    @Test
    void textWithoutALineEndIs400OnceItIsLongerThanAnyRequestLine() throws RtspException {
        byte[] text = ("DESCRIBE rtsp://h/" + "a".repeat(RequestReader.BUFFER_SIZE)).getBytes(StandardCharsets.US_ASCII);
        ReaderDriver d = new ReaderDriver();
        d.feed(text, 0, 1000);
        assertEquals(0, d.items.size(), "a request line of 1000 bytes may still be one");
        assertEquals(RtspStatus.BAD_REQUEST, refusal(text, 1));
        assertEquals(RtspStatus.BAD_REQUEST, refusal(text, Integer.MAX_VALUE));
    }

    @Test
    void garbageWithABlankLineIs400AtOnce() {
        byte[] noise = new byte[64];
        new Random(3).nextBytes(noise);
        noise[0] = 'X';
        noise[40] = '\n';
        noise[41] = '\n';
        assertEquals(RtspStatus.BAD_REQUEST, refusal(noise, Integer.MAX_VALUE));
    }

    @Test
    void seededRandomBytesGiveRequestsFramesOr4xxButNothingElse() {
        // The fuzz test's property on a few fixed inputs, so that every mvn test checks it.
        Random random = new Random(42);
        for (int round = 0; round < 300; round++) {
            byte[] bytes = new byte[random.nextInt(20_000)];
            random.nextBytes(bytes);
            int chunk = 1 + random.nextInt(round % 2 == 0 ? 16 : 5000);
            try {
                ReaderDriver.fed(bytes, chunk);
            } catch (RtspException e) {
                assertTrue(e.status().code() >= 400 && e.status().code() < 500, e.status() + " " + e.getMessage());
            }
        }
    }
}
