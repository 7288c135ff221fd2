package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.jr.ob.JSON;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ClockProbeTest {

    @Test
    void aProbeIsAnsweredWithItsOwnTimeAndTheServersTimes() throws Exception {
        ClockProbe probe = ClockProbe.parse("{\"type\":\"clock\",\"client\":1764590000123.375}", 1764590000200.5);
        assertNotNull(probe);
        Map<String, Object> answer = JSON.std.mapFrom(probe.answerJson());
        assertEquals("clock", answer.get("type"));
        assertEquals(1764590000123.375, ((Number) answer.get("client")).doubleValue(), 1e-9);
        assertEquals(1764590000200.5, ((Number) answer.get("received")).doubleValue(), 1e-9);
        double sent = ((Number) answer.get("sent")).doubleValue();
        assertTrue(Math.abs(sent - System.currentTimeMillis()) < 5_000, "sent is the server's time now: " + sent);
    }

    @Test
    void anythingElseIsNoProbe() {
        for (String text : new String[] {"", "hello", "[]", "{\"type\":\"clock\"}", "{\"type\":\"clock\",\"client\":\"x\"}",
                "{\"type\":\"status\",\"client\":1}", "{\"type\":\"clock\",\"client\":" + "9".repeat(400) + "}",
                "{\"type\":\"clock\",\"client\":1e999}"}) {
            assertNull(ClockProbe.parse(text, 1), text);
        }
    }
}
