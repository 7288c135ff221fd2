package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.file.Path;
import org.camstream.audio.AudioDevices;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.config.CameraSettings;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.SavedSettings;
import org.camstream.config.Setting;
import org.camstream.config.Secrets;
import org.camstream.config.SettingsException;
import org.camstream.config.Source;
import org.camstream.config.SourceLimits;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/config?camera=<name>}: the settings of one camera that the admin page may change, the first
 * camera's without {@code camera}. {@code GET} returns the current values, where each came from and what is
 * allowed, the cameras there are and the devices they may use; {@code PUT} with a JSON object of fields applies
 * them live; {@code DELETE} forgets everything the admin page saved. The container requires the camstream-admin
 * role; this servlet refuses writes from other sites (CSRF) and invalid values, and then nothing changes.
 * Cameras are added, renamed and removed through {@link CameraConfigServlet}.
 */
final class ConfigServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(ConfigServlet.class);

    /** The JSON field names of the editable settings. */
    static final Map<String, Setting> FIELDS = fields();

    /** The settings of each source's own, which the admin page shows only for that source. */
    private static final Map<String, List<String>> SOURCE_FIELDS = Map.of(Source.TEST.id(), List.of(),
            Source.RPICAM.id(), List.of("camera"), Source.V4L2.id(), List.of("device"),
            Source.FFMPEG.id(), List.of("input"));

    private final LiveSettings settings;
    private DeviceListing devices;

    ConfigServlet(LiveSettings settings) {
        this.settings = settings;
    }

    @Override
    public void init() {
        devices = new DeviceListing(getServletContext());
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
        fields.put("camera", Setting.CAMERA);
        fields.put("device", Setting.DEVICE);
        fields.put("input", Setting.INPUT);
        fields.put("audio", Setting.AUDIO);
        fields.put("publish", Setting.PUBLISH);
        fields.put("maxViewers", Setting.MAX_VIEWERS);
        fields.put("record", Setting.RECORD);
        fields.put("recordSegment", Setting.RECORD_SEGMENT);
        fields.put("timelapseInterval", Setting.TIMELAPSE_INTERVAL);
        return fields;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ResolvedSettings resolved = settings.resolved();
        String camera = cameraOf(request, response, resolved);
        if (camera != null) {
            ConfigRequests.send(response, HttpServletResponse.SC_OK, withDevices(resolved, camera));
        }
    }

    /**
     * The camera a request names in {@code camera}, or the first; null when there is no such camera, which has
     * then been answered with a 404.
     */
    static String cameraOf(HttpServletRequest request, HttpServletResponse response, ResolvedSettings resolved)
            throws IOException {
        String name = request.getParameter("camera");
        if (name == null || name.isEmpty()) {
            CameraSettings first = resolved.settings().firstCamera();
            return first == null ? null : first.name();
        }
        if (resolved.settings().camera(name) == null) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "there is no camera '"
                    + Responses.printable(name) + "'");
            return null;
        }
        return name;
    }

    /**
     * The document with the devices, whose {@code used} format and {@code usedBy} camera depend on the settings
     * just made, and the sound devices.
     */
    Map<String, Object> withDevices(ResolvedSettings resolved, String camera) {
        Map<String, Object> document = document(resolved, camera);
        CameraSettings current = resolved.settings().camera(camera);
        document.put("devices", devices.webcams(current, resolved.settings().cameras()));
        document.put("csiCameras", devices.csiCameras(resolved.settings().cameras()));
        Object root = getServletContext().getAttribute(AudioDevices.ATTRIBUTE);
        List<Map<String, Object>> sound = new java.util.ArrayList<>();
        for (AudioDevices.Device device : AudioDevices.list(root instanceof String r ? Path.of(r) : AudioDevices.SYSTEM)) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("setting", device.setting());
            one.put("name", device.name());
            sound.add(one);
        }
        document.put("audioDevices", sound);
        return document;
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (!checkWrite(request, response)) {
            return;
        }
        ResolvedSettings resolved = settings.resolved();
        String camera = cameraOf(request, response, resolved);
        if (camera == null) {
            return;
        }
        Map<Setting, String> changes = ConfigRequests.readChanges(request, response,
                resolved.settings().camera(camera));
        if (changes == null) {
            return;
        }
        if (changes.isEmpty()) {
            ConfigRequests.send(response, HttpServletResponse.SC_OK, withDevices(resolved, camera));
            return;
        }
        try {
            ResolvedSettings next = settings.apply(camera, changes);
            LOG.info("{} changed {} of camera {} on the admin page", user(request), changes.keySet(), camera);
            ConfigRequests.send(response, HttpServletResponse.SC_OK, withDevices(next, camera));
        } catch (SettingsException e) {
            List<ConfigRequests.Problem> problems = ConfigRequests.problems(settings.resolved(), camera, changes);
            ConfigRequests.sendProblems(response, problems.isEmpty()
                    ? List.of(new ConfigRequests.Problem(null, e.getMessage(), e.reason())) : problems);
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
            ResolvedSettings next = settings.forgetSaved();
            LOG.info("{} reset the settings saved on the admin page", user(request));
            CameraSettings first = next.settings().firstCamera();
            ConfigRequests.send(response, HttpServletResponse.SC_OK, withDevices(next, first.name()));
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
    static boolean checkWrite(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String host = request.getHeader("Host");
        String fetchSite = request.getHeader("Sec-Fetch-Site");
        String origin = request.getHeader("Origin");
        String referer = request.getHeader("Referer");
        boolean crossSite = "cross-site".equalsIgnoreCase(fetchSite) || "same-site".equalsIgnoreCase(fetchSite);
        if (!crossSite && origin != null) {
            crossSite = !OriginGuard.isAllowed(origin, host, List.of());
        } else if (!crossSite && referer != null) {
            crossSite = !OriginGuard.isAllowed(originOf(referer), host, List.of());
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

    static String fieldName(Setting setting) {
        for (Map.Entry<String, Setting> entry : FIELDS.entrySet()) {
            if (entry.getValue() == setting) {
                return entry.getKey();
            }
        }
        return setting.key();
    }

    private static Map<String, Object> document(ResolvedSettings resolved, String camera) {
        CameraSettings s = resolved.settings().camera(camera);
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
        values.put("camera", s.cameraIndex());
        values.put("device", s.device());
        // The admin's own settings API is the one place the input's password is given out, so that a program
        // can read back what it set; the page shows only the masked form below.
        values.put("input", s.input());
        values.put("audio", s.audio().id());
        values.put("publish", s.publish().stream().map(org.camstream.config.PublishUrl::url)
                .collect(java.util.stream.Collectors.joining(",")));
        values.put("maxViewers", s.maxViewers());
        values.put("record", s.record().id());
        values.put("recordSegment", s.recordSegment().toMillis() / 1000.0);
        values.put("timelapseInterval", s.timelapseInterval().toMillis() / 1000.0);
        Map<String, Object> masked = new LinkedHashMap<>();
        masked.put("input", Secrets.mask(s.input()));
        if (!s.publish().isEmpty()) {
            // Relay URLs as everywhere else: passwords, stream keys and query values hidden.
            masked.put("publish", s.publish().stream().map(Object::toString)
                    .collect(java.util.stream.Collectors.joining(",")));
        }

        Map<String, Object> origins = new LinkedHashMap<>();
        boolean saved = false;
        for (Map.Entry<String, Setting> field : FIELDS.entrySet()) {
            String origin = resolved.value(resolved.keyOf(camera, field.getValue())).origin();
            origins.put(field.getKey(), origin);
        }
        for (ResolvedSettings.Value value : resolved.values().values()) {
            saved |= value.isSaved();
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
        allowed.put("camera", range(0, 9, null));
        allowed.put("maxViewers", range(1, 10_000, null));
        allowed.put("record", List.of("off", "continuous"));
        allowed.put("recordSegment", range(10, 3600, null));
        allowed.put("timelapseInterval", range(0, 86_400, null));
        allowed.put("sourceFields", SOURCE_FIELDS);
        // The kinds of sound; an ALSA device is any alsa:<name>, the ones found are in audioDevices.
        allowed.put("audio", s.source() == Source.FFMPEG ? List.of("none", "test", "alsa:default", "pulse", "input")
                : List.of("none", "test", "alsa:default", "pulse"));

        Map<String, Object> limit = new LinkedHashMap<>();
        limit.put("maxWidth", limits.maxWidth());
        limit.put("maxHeight", limits.maxHeight());
        limit.put("why", limits.why());

        List<String> names = new java.util.ArrayList<>();
        for (CameraSettings each : resolved.settings().cameras()) {
            names.add(each.name());
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("camera", camera);
        document.put("cameras", names);
        document.put("nameRule", org.camstream.config.SettingKey.CAMERA_NAME_RULE);
        document.put("values", values);
        document.put("masked", masked);
        document.put("origins", origins);
        document.put("saved", saved);
        document.put("allowed", allowed);
        document.put("limits", limit);
        document.put("savedIn", resolved.settings().dataDir().resolve(SavedSettings.FILE).toString());
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

    private static String user(HttpServletRequest request) {
        return request.getUserPrincipal() == null ? "someone" : "'" + request.getUserPrincipal().getName() + "'";
    }
}
