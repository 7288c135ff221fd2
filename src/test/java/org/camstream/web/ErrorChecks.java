package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.jr.ob.JSON;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.camstream.web.RawHttp.Answer;

/** What an error answer must be: camstream's JSON or camstream's page, and nothing that tells too much. */
public final class ErrorChecks {

    /** The Accept header of a browser's navigation. */
    public static final String BROWSER = "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8";

    /** Tomcat's version, as its own error page would print it. */
    private static final Pattern VERSION = Pattern.compile("\\b\\d+\\.\\d+\\.\\d+\\b");
    /** What must never be in an error answer, headers included: the server, a stack trace, a file. */
    private static final List<String> LEAKS = List.of("Apache Tomcat", "Tomcat/", "Exception", "\tat ", "at org.",
            "at java.", "<web-app", "<Context", "Manifest-Version", "\u00ca\u00fe\u00ba\u00be", "secret detail");

    private ErrorChecks() {
    }

    public static void assertJsonError(Answer answer, int status, String what) throws IOException {
        assertCamstreamError(answer, status, what, null);
        assertTrue(answer.contentType().startsWith("application/json"), what + ": JSON, got " + answer.raw());
    }

    /** camstream's page, whose link goes back to the viewer page at {@code home}. */
    public static void assertPage(Answer answer, int status, String what, String home) throws IOException {
        assertCamstreamError(answer, status, what, home);
        assertTrue(answer.contentType().startsWith("text/html"), what + ": a page, got " + answer.raw());
    }

    /** camstream's JSON ({"status":…,"error":…}) or camstream's page, and no leak. */
    public static void assertCamstreamError(Answer answer, int status, String what, String home) throws IOException {
        assertNoLeak(answer, status, what);
        if (answer.contentType().startsWith("application/json")) {
            Map<String, Object> json = JSON.std.mapFrom(answer.body());
            assertEquals(status, ((Number) json.get("status")).intValue(), what + ": " + json);
            assertTrue(json.get("error") instanceof String error && !error.isBlank(), what + ": " + json);
        } else if (answer.contentType().startsWith("text/html")) {
            String page = answer.body();
            assertTrue(page.startsWith("<!doctype html>"), what + ": " + page);
            assertTrue(page.contains("<title>" + status + " "), what + ": the title names the status: " + page);
            assertTrue(page.contains("<a href=\"" + (home == null ? "/" : home) + "\">"),
                    what + ": a link back to the viewer page: " + page);
            assertEquals(2, page.split("<p>", -1).length - 1, what + ": one sentence and the link: " + page);
            // Its look is inline (a <style> of its own), and nothing is loaded from anywhere.
            for (String external : List.of("<script", "<link", "<img", "src=", "http:", "https:", "url(", "@import")) {
                assertFalse(page.contains(external), what + ": no " + external + " in " + page);
            }
            assertTrue(page.length() < 2048, what + ": a small page, " + page.length() + " characters");
        } else {
            fail(what + ": neither JSON nor camstream's page:\n" + answer.raw());
        }
    }

    /** The status, and none of: the server's name or version, a stack trace, a file's contents. */
    public static void assertNoLeak(Answer answer, int status, String what) {
        assertEquals(status, answer.status(), what + ":\n" + answer.raw());
        for (String leak : LEAKS) {
            assertFalse(answer.raw().contains(leak), what + ": the answer contains '" + leak + "':\n" + answer.raw());
        }
        assertFalse(VERSION.matcher(answer.raw()).find(), what + ": a version number in\n" + answer.raw());
        assertNull(answer.header("server"), what + ": no Server header");
    }
}
