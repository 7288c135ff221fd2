package org.camstream.web;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One round of the NTP-style clock exchange over {@code /ws/video}: the player sends
 * {@code {"type":"clock","client":t0}} with its own time in milliseconds; camstream answers
 * {@code {"type":"clock","client":t0,"received":t1,"sent":t2}} in Unix milliseconds of the clock that stamps
 * each fragment's capture time. The player takes the offset from the round with the shortest round trip.
 * Anything else a client sends is ignored: there is nothing else to say, and an answer per message is bounded
 * by the viewer's control queue.
 */
final class ClockProbe {

    private static final Clock CLOCK = Clock.systemUTC();

    private final double client;
    private final double received;

    private ClockProbe(double client, double received) {
        this.client = client;
        this.received = received;
    }

    static void answer(String text, WebSocketViewer viewer) {
        double received = millis(CLOCK.instant());
        ClockProbe probe = parse(text, received);
        if (probe != null) {
            viewer.sendClockAnswer(probe);
        }
    }

    /** The probe in a client's message, or null when the message is not one. */
    static ClockProbe parse(String text, double receivedMillis) {
        if (text.length() > 200) {
            return null;
        }
        try {
            Map<String, Object> message = JSON.std.mapFrom(text);
            if ("clock".equals(message.get("type")) && message.get("client") instanceof Number client
                    && Double.isFinite(client.doubleValue())) {
                return new ClockProbe(client.doubleValue(), receivedMillis);
            }
        } catch (IOException | RuntimeException e) {
            // not JSON: ignored like any other message
        }
        return null;
    }

    /** The answer, stamped with the time it is written: just before it is sent. */
    String answerJson() {
        Map<String, Object> answer = new LinkedHashMap<>();
        answer.put("type", "clock");
        answer.put("client", client);
        answer.put("received", received);
        answer.put("sent", millis(CLOCK.instant()));
        return Responses.json(answer);
    }

    private static double millis(Instant t) {
        return t.getEpochSecond() * 1000.0 + t.getNano() / 1e6;
    }
}
