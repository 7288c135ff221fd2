package org.camstream.web;

import com.fasterxml.jackson.jr.ob.JSON;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.SavedSettings;
import org.camstream.config.Setting;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.Source;
import org.camstream.camera.source.V4l2Device;
import org.camstream.camera.source.V4l2Devices;
import org.camstream.config.SourceLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/config}: the settings the admin page may change. {@code GET} returns the current values, where
 * each came from and what is allowed; {@code PUT} with a JSON object of fields applies them live; {@code DELETE}
 * forgets what the admin page saved. The container requires the camstream-admin role; this servlet refuses
 * writes from other sites (CSRF) and invalid values, and then nothing changes.
 */
final class ConfigServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigServlet.class);
    private static final int MAX_BODY_BYTES = 16 * 1024;

    /** The JSON field names of the editable settings. */
    static final Map<String, Setting> FIELDS = fields();

    private final Camstream app;
    /** The webcams last listed, and when; listing runs ffmpeg, so it is not done for every request. */
    private record Devices(List<Map<String, Object>> list, long listedAtNanos) {
    }

    private volatile Devices devices;

    ConfigServlet(Camstream app) {
        this.app = app;
    }

    private static Map<String, Setting> fields() {
        Map<String, Setting> fields = new LinkedHashMap<>();
        fields.put("source", Setting.SOURCE);
        fields.put("width", Setting.WIDTH);
        fields.put("height", Setting.HEIGHT);
        fields.put("fps", Setting.FPS);
        fields.put("bitrate", Setting.BITRATE);
        fields.put("jpegQuality", Setting.JPEG_QUALITY);
        fields.put("keyframeInterval", Setting.KEYFRAME_INTERVAL);
        fields.put("rotation", Setting.ROTATION);
        fields.put("hflip", Setting.HFLIP);
        fields.put("vflip", Setting.VFLIP);
        fields.put("publish", Setting.PUBLISH);
        return fields;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> document = document(app.liveSettings().resolved());
        document.put("devices", devices());
        send(response, HttpServletResponse.SC_OK, document);
    }

    /**
     * The webcams the system can list, for the v4l2 source; asked at most every 10 s (it runs ffmpeg). No lock
     * is held while ffmpeg runs: two requests at the same moment may both list, which costs only time.
     */
    private List<Map<String, Object>> devices() {
        long now = System.nanoTime();
        Devices known = devices;
        if (known == null || now - known.listedAtNanos() > 10_000_000_000L) {
            List<Map<String, Object>> list = new java.util.ArrayList<>();
            for (V4l2Device device : V4l2Devices.list()) {
                Map<String, Object> entry = new LinkedHashMap<>();
                entry.put("path", device.path());
                entry.put("name", device.name());
                List<Map<String, Object>> formats = new java.util.ArrayList<>();
                for (V4l2Device.Format format : device.formats()) {
                    Map<String, Object> f = new LinkedHashMap<>();
                    f.put("format", format.format());
                    f.put("description", format.description());
                    f.put("compressed", format.compressed());
                    f.put("sizes", format.sizes());
                    formats.add(f);
                }
                entry.put("formats", formats);
                list.add(entry);
            }
            known = new Devices(List.copyOf(list), now);
            devices = known;
        }
        return known.list();
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!checkWrite(request, response)) {
            return;
        }
        String contentType = request.getContentType();
        if (contentType == null || !contentType.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            Responses.sendError(response, HttpServletResponse.SC_UNSUPPORTED_MEDIA_TYPE,
                    "send the changes as a JSON object with Content-Type: application/json");
            return;
        }
        Map<String, Object> body;
        try (InputStream in = request.getInputStream()) {
            byte[] bytes = in.readNBytes(MAX_BODY_BYTES + 1);
            if (bytes.length > MAX_BODY_BYTES) {
                Responses.sendError(response, HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE,
                        "the request body is over " + MAX_BODY_BYTES + " bytes");
                return;
            }
            Object parsed = JSON.std.anyFrom(new String(bytes, StandardCharsets.UTF_8));
            if (!(parsed instanceof Map)) {
                sendFieldError(response, null, "the body must be a JSON object of settings, such as {\"width\":640}");
                return;
            }
            @SuppressWarnings("unchecked")
            Map<String, Object> map = (Map<String, Object>) parsed;
            body = map;
        } catch (IOException | RuntimeException e) {
            sendFieldError(response, null, "the body is not valid JSON: " + firstLine(e.getMessage()));
            return;
        }
        Map<Setting, String> changes = new EnumMap<>(Setting.class);
        for (Map.Entry<String, Object> entry : body.entrySet()) {
            Setting setting = FIELDS.get(entry.getKey());
            if (setting == null) {
                sendFieldError(response, entry.getKey(), "is not a setting the admin page can change; these are: "
                        + String.join(", ", FIELDS.keySet()));
                return;
            }
            Object value = entry.getValue();
            if (value == null || value instanceof Map || value instanceof List) {
                sendFieldError(response, entry.getKey(), "needs a single value");
                return;
            }
            changes.put(setting, raw(value));
        }
        if (changes.isEmpty()) {
            send(response, HttpServletResponse.SC_OK, document(app.liveSettings().resolved()));
            return;
        }
        try {
            ResolvedSettings next = app.liveSettings().apply(changes);
            LOG.info("{} changed {} on the admin page", user(request), changes.keySet());
            send(response, HttpServletResponse.SC_OK, document(next));
        } catch (SettingsException e) {
            Setting setting = e.setting();
            if (setting == null) {
                sendFieldError(response, null, e.getMessage(), e.reason());
            } else {
                String field = fieldName(setting);
                String value = changes.get(setting);
                sendFieldError(response, field, field + " " + e.reason()
                        + (value == null ? "" : ", got '" + value + "'"), e.reason());
            }
        } catch (IOException e) {
            Responses.sendError(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "the settings could not be saved in the data directory: " + e.getMessage());
        }
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!checkWrite(request, response)) {
            return;
        }
        try {
            ResolvedSettings next = app.liveSettings().forgetSaved();
            LOG.info("{} reset the settings saved on the admin page", user(request));
            send(response, HttpServletResponse.SC_OK, document(next));
        } catch (SettingsException e) {
            Responses.sendError(response, HttpServletResponse.SC_CONFLICT,
                    "the configured settings are not valid: " + e.getMessage());
        } catch (IOException e) {
            Responses.sendError(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "the saved settings could not be removed: " + e.getMessage());
        }
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "GET, PUT, DELETE");
        Responses.sendError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                "use PUT with a JSON object to change settings");
    }

    /**
     * Refuses a write that a page of another site sent with the admin's stored login: browsers name the page's
     * origin in Origin (or at least Referer) and in Sec-Fetch-Site. Programs such as curl send none and pass.
     */
    private static boolean checkWrite(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String host = request.getHeader("Host");
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        String origin = request.getHeader("Origin");
        String referer = request.getHeader("Referer");
        boolean crossSite = "cross-site".equalsIgnoreCase(fetchSite) || "same-site".equalsIgnoreCase(fetchSite);
        if (!crossSite && origin != null) {
            crossSite = !OriginFilter.isAllowed(origin, host, List.of());
        } else if (!crossSite && referer != null) {
            crossSite = !OriginFilter.isAllowed(originOf(referer), host, List.of());
        }
        if (crossSite) {
            Responses.sendError(response, HttpServletResponse.SC_FORBIDDEN,
                    "settings can only be changed from camstream's own admin page");
            return false;
        }
        return true;
    }

    private static String originOf(String url) {
        try {
            URI uri = URI.create(url);
            return uri.getScheme() + "://" + uri.getRawAuthority();
        } catch (IllegalArgumentException e) {
            return "null";
        }
    }

    private static String raw(Object value) {
        if (value instanceof Double || value instanceof Float) {
            double d = ((Number) value).doubleValue();
            return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
        }
        return String.valueOf(value);
    }

    static String fieldName(Setting setting) {
        for (Map.Entry<String, Setting> entry : FIELDS.entrySet()) {
            if (entry.getValue() == setting) {
                return entry.getKey();
            }
        }
        return setting.key();
    }

    private static Map<String, Object> document(ResolvedSettings resolved) {
        Settings s = resolved.settings();
        Map<String, Object> values = new LinkedHashMap<>();
        values.put("source", s.source().id());
        values.put("width", s.width());
        values.put("height", s.height());
        values.put("fps", s.fps());
        values.put("bitrate", s.bitrate());
        values.put("jpegQuality", s.jpegQuality());
        values.put("keyframeInterval", s.keyframeInterval());
        values.put("rotation", s.rotation());
        values.put("hflip", s.hflip());
        values.put("vflip", s.vflip());
        // Masked, as everywhere outside this API's input: a stream key is a password. A PUT sends the whole list.
        values.put("publish", s.publish().stream().map(Object::toString).collect(java.util.stream.Collectors.joining(",")));

        Map<String, Object> origins = new LinkedHashMap<>();
        boolean saved = false;
        for (Map.Entry<String, Setting> field : FIELDS.entrySet()) {
            String origin = resolved.value(field.getValue()).origin();
            origins.put(field.getKey(), origin);
            saved |= ResolvedSettings.SAVED.equals(origin);
        }

        SourceLimits limits = SourceLimits.of(s.source(), s.codec());
        Map<String, Object> allowed = new LinkedHashMap<>();
        allowed.put("source", List.of(Source.TEST.id(), Source.RPICAM.id(), Source.V4L2.id(), Source.FFMPEG.id()));
        allowed.put("presets", List.of(preset(640, 480), preset(1280, 720), preset(1920, 1080)));
        allowed.put("width", range(64, limits.maxWidth(), 2));
        allowed.put("height", range(64, limits.maxHeight(), 2));
        allowed.put("fps", range(1, 120, null));
        allowed.put("bitrate", range(100_000, 50_000_000, null));
        allowed.put("jpegQuality", range(1, 100, null));
        allowed.put("keyframeInterval", range(1, 600, null));
        allowed.put("rotation", List.of(0, 180));

        Map<String, Object> limit = new LinkedHashMap<>();
        limit.put("maxWidth", limits.maxWidth());
        limit.put("maxHeight", limits.maxHeight());
        limit.put("why", limits.why());

        Map<String, Object> document = new LinkedHashMap<>();
        document.put("values", values);
        document.put("origins", origins);
        document.put("saved", saved);
        document.put("allowed", allowed);
        document.put("limits", limit);
        document.put("savedIn", s.dataDir().resolve(SavedSettings.FILE).toString());
        return document;
    }

    private static Map<String, Object> preset(int width, int height) {
        Map<String, Object> preset = new LinkedHashMap<>();
        preset.put("label", width + "x" + height);
        preset.put("width", width);
        preset.put("height", height);
        return preset;
    }

    private static Map<String, Object> range(int min, int max, Integer step) {
        Map<String, Object> range = new LinkedHashMap<>();
        range.put("min", min);
        range.put("max", max);
        if (step != null) {
            range.put("step", step);
        }
        return range;
    }

    private static void sendFieldError(HttpServletResponse response, String field, String reason) throws IOException {
        sendFieldError(response, field, field == null ? reason : field + " " + reason, reason);
    }

    private static void sendFieldError(HttpServletResponse response, String field, String message, String reason)
            throws IOException {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", HttpServletResponse.SC_BAD_REQUEST);
        body.put("error", message);
        body.put("field", field);
        body.put("reason", reason);
        send(response, HttpServletResponse.SC_BAD_REQUEST, body);
    }

    private static void send(HttpServletResponse response, int status, Map<String, Object> body) throws IOException {
        byte[] bytes = Responses.json(body).getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType("application/json;charset=UTF-8");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }

    private static String user(HttpServletRequest request) {
        return request.getUserPrincipal() == null ? "someone" : "'" + request.getUserPrincipal().getName() + "'";
    }

    private static String firstLine(String message) {
        if (message == null) {
            return "";
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }
}
