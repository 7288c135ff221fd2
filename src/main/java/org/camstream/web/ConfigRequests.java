package org.camstream.web;

import com.fasterxml.jackson.jr.ob.JSON;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.camstream.config.CameraSettings;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.Secrets;
import org.camstream.config.Setting;
import org.camstream.config.SettingsException;

/**
 * What {@code PUT /api/config} and {@code POST /api/config/check} share: reading a JSON object of changes, and
 * the server's verdict on them in the words the settings parser uses, which are the only words the admin page
 * shows for a refused value.
 */
final class ConfigRequests {

    private static final int MAX_BODY_BYTES = 16 * 1024;

    /** One refused value: the field (null when no one field is at fault), the full message, and the rule. */
    record Problem(String field, String error, String reason) {
        Map<String, Object> json() {
            Map<String, Object> map = new LinkedHashMap<>();
            map.put("field", field);
            map.put("error", error);
            map.put("reason", reason);
            return map;
        }
    }

    private ConfigRequests() {
    }

    /**
     * The changes in the request's body, each by its setting, with a masked input password put back; or null
     * when the body is not a JSON object of known fields, which has then been answered.
     */
    static Map<Setting, String> readChanges(HttpServletRequest request, HttpServletResponse response,
            CameraSettings current) throws IOException {
        Map<String, Object> body = readBody(request, response);
        return body == null ? null : changes(body, response, current, List.of());
    }

    /** The request's body as a JSON object; null when it is not one, which has then been answered. */
    static Map<String, Object> readBody(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            Responses.sendError(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "send the changes as a JSON object with Content-Type: application/json");
            return null;
        }
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                Responses.sendError(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                        "the request body is over " + MAX_BODY_BYTES + " bytes");
                return null;
            }
            Object parsed = JSON.std.anyFrom(new String(bytes, StandardCharsets.UTF_8));
            if (!(parsed instanceof Map)) {
                sendProblems(response, List.of(new Problem(null,
                        "the body must be a JSON object of settings, such as {\"width\":640}",
                        "the body must be a JSON object of settings, such as {\"width\":640}")));
                return null;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) parsed;
            return map;
        } catch (IOException | RuntimeException e) {
            String reason = "the body is not valid JSON: " + firstLine(e.getMessage());
            sendProblems(response, List.of(new Problem(null, reason, reason)));
            return null;
        }
    }

    /**
     * The body's fields as settings, with a masked input password put back from {@code current} (null for a new
     * camera); null when a field is unknown or not a single value, which has then been answered.
     *
     * @param others fields the caller reads itself, such as a new camera's name
     */
    static Map<Setting, String> changes(Map<String, Object> body, HttpServletResponse response,
            CameraSettings current, List<String> others) throws IOException {
        Map<Setting, String> changes = new EnumMap<>(Setting.class);
        for (Map.Entry<String, Object> entry : body.entrySet()) {
            if (others.contains(entry.getKey())) {
                continue;
            }
            Setting setting = ConfigServlet.FIELDS.get(entry.getKey());
            String reason = null;
            Object value = entry.getValue();
            if (setting == null) {
                reason = "is not a setting the admin page can change; these are: "
                        + String.join(", ", ConfigServlet.FIELDS.keySet());
            } else if (value == null || value instanceof Map || value instanceof List) {
                reason = "needs a single value";
            }
            if (reason != null) {
                sendProblems(response, List.of(new Problem(entry.getKey(), entry.getKey() + " " + reason, reason)));
                return null;
            }
            changes.put(setting, raw(value));
        }
        String input = changes.get(Setting.INPUT);
        if (input != null && current != null) {
            // The page shows the input with its password masked; sent back so, it means "keep the password".
            changes.put(Setting.INPUT, Secrets.restorePassword(input, current.input()));
        }
        return changes;
    }

    /**
     * Every refused value among the changes, not only the first: the settings are checked again without each
     * field found at fault, until they pass or the fault lies in a value that was not changed. Empty when the
     * changes are valid.
     */
    static List<Problem> problems(ResolvedSettings base, String camera, Map<Setting, String> changes) {
        Map<Setting, String> remaining = new EnumMap<>(changes);
        List<Problem> problems = new ArrayList<>();
        for (int round = 0; round <= changes.size(); round++) {
            try {
                base.withCamera(camera, remaining);
                break;
            } catch (SettingsException e) {
                Problem problem = problem(e, remaining);
                if (problems.stream().noneMatch(p -> java.util.Objects.equals(p.field(), problem.field()))) {
                    problems.add(problem);
                }
                if (e.setting() == null || remaining.remove(e.setting()) == null) {
                    break;
                }
            }
        }
        return problems;
    }

    private static Problem problem(SettingsException e, Map<Setting, String> changes) {
        Setting setting = e.setting();
        if (setting == null) {
            return new Problem(null, e.getMessage(), e.reason());
        }
        String field = ConfigServlet.fieldName(setting);
        String value = changes.get(setting);
        // Masked although this is the admin's own API: the message is shown on the page, next to the field.
        return new Problem(field, field + " " + e.reason() + (value == null ? "" : ", got '" + Secrets.mask(value) + "'"),
                e.reason());
    }

    /** A 400 naming the first problem at the top level, as always, and every problem in {@code errors}. */
    static void sendProblems(HttpServletResponse response, List<Problem> problems) throws IOException {
        Problem first = problems.get(0);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", HttpServletResponse.SC_BAD_REQUEST);
        body.putAll(first.json());
        List<Map<String, Object>> all = new ArrayList<>();
        for (Problem problem : problems) {
            all.add(problem.json());
        }
        body.put("errors", all);
        send(response, HttpServletResponse.SC_BAD_REQUEST, body);
    }

    static void send(HttpServletResponse response, int status, Map<String, Object> body) throws IOException {
        Responses.sendJson(response, status, body);
    }

    private static String raw(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        return String.valueOf(value);
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
