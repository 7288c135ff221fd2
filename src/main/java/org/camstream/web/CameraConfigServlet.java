package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.config.CameraSettings;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.Setting;
import org.camstream.config.SettingsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/config/cameras}: which cameras there are, changed on the admin page while the others are watched.
 * {@code POST} with {@code {"name":"garden","source":"ffmpeg","input":"rtsp://…"}} adds one, with those settings
 * and the defaults for the rest; {@code PUT /api/config/cameras/<name>} with {@code {"name":"yard"}} renames one;
 * {@code DELETE /api/config/cameras/<name>} removes one, whose viewers get their end. Each answers the camera's
 * settings document, or the first camera's after a removal. Invalid changes change nothing.
 */
final class CameraConfigServlet extends HttpServlet {

    private static final Logger LOG = LoggerFactory.getLogger(CameraConfigServlet.class);

    private final LiveSettings settings;
    private final ConfigServlet documents;

    CameraConfigServlet(LiveSettings settings, ConfigServlet documents) {
        this.settings = settings;
        this.documents = documents;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        List<String> names = new java.util.ArrayList<>();
        for (CameraSettings camera : settings.current().cameras()) {
            names.add(camera.name());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("cameras", names);
        ConfigRequests.send(response, HttpServletResponse.SC_OK, body);
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        if (named(request) != null) {
            response.setHeader("Allow", "PUT, DELETE");
            Responses.sendError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "POST to api/config/cameras adds a camera; PUT here renames this one, DELETE removes it");
            return;
        }
        if (!ConfigServlet.checkWrite(request, response)) {
            return;
        }
        Map<String, Object> body = ConfigRequests.readBody(request, response);
        if (body == null) {
            return;
        }
        Object name = body.get("name");
        if (!(name instanceof String newName)) {
            problem(response, "name", "name is needed: the new camera's name, which " + nameRule());
            return;
        }
        Map<Setting, String> values = ConfigRequests.changes(body, response, null, List.of("name", "codec"));
        if (values == null) {
            return;
        }
        // A camera's codec shapes its whole pipeline, so it is chosen once, when the camera is added.
        Object codec = body.get("codec");
        if (codec != null) {
            if (!(codec instanceof String chosen)) {
                problem(response, "codec", "codec is h264 or mjpeg");
                return;
            }
            values.put(Setting.CODEC, chosen);
        }
        answer(request, response, newName, () -> settings.addCamera(newName, values), "added camera " + newName);
    }

    @Override
    protected void doPut(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String from = named(request);
        if (from == null) {
            response.setHeader("Allow", "GET, POST");
            Responses.sendError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "PUT api/config/cameras/<name> with {\"name\":\"<new name>\"} renames a camera");
            return;
        }
        if (!ConfigServlet.checkWrite(request, response)) {
            return;
        }
        Map<String, Object> body = ConfigRequests.readBody(request, response);
        if (body == null) {
            return;
        }
        if (!(body.get("name") instanceof String to) || body.size() != 1) {
            problem(response, "name", "a rename takes only the new name, {\"name\":\"yard\"}; change a camera's"
                    + " settings with PUT api/config?camera=" + from);
            return;
        }
        answer(request, response, to, () -> settings.renameCamera(from, to), "renamed camera " + from + " to " + to);
    }

    @Override
    protected void doDelete(HttpServletRequest request, HttpServletResponse response) throws IOException {
        String name = named(request);
        if (name == null) {
            response.setHeader("Allow", "GET, POST");
            Responses.sendError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                    "DELETE api/config/cameras/<name> removes a camera");
            return;
        }
        if (!ConfigServlet.checkWrite(request, response)) {
            return;
        }
        answer(request, response, null, () -> settings.removeCamera(name), "removed camera " + name);
    }

    private interface Change {
        ResolvedSettings run() throws IOException;
    }

    private void answer(HttpServletRequest request, HttpServletResponse response, String camera, Change change,
            String what) throws IOException {
        try {
            ResolvedSettings next = change.run();
            LOG.info("{} {} on the admin page", request.getUserPrincipal() == null ? "someone"
                    : "'" + request.getUserPrincipal().getName() + "'", what);
            String shown = camera != null ? camera : next.settings().firstCamera().name();
            ConfigRequests.send(response, HttpServletResponse.SC_OK, documents.withDevices(next, shown));
        } catch (SettingsException e) {
            if (e.getMessage().startsWith("there is no camera")) {
                Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, e.getMessage());
                return;
            }
            String field = e.setting() == Setting.NAME ? "name"
                    : e.setting() == null ? null : ConfigServlet.fieldName(e.setting());
            ConfigRequests.sendProblems(response, List.of(new ConfigRequests.Problem(field, e.getMessage(),
                    e.reason())));
        } catch (IOException e) {
            Responses.sendError(response, HttpServletResponse.SC_INTERNAL_SERVER_ERROR,
                    "the settings could not be saved in the data directory: " + e.getMessage());
        }
    }

    private static void problem(HttpServletResponse response, String field, String message) throws IOException {
        ConfigRequests.sendProblems(response, List.of(new ConfigRequests.Problem(field, message, message)));
    }

    private static String nameRule() {
        return org.camstream.config.SettingKey.CAMERA_NAME_RULE;
    }

    /** The camera named after {@code cameras/}, or null for the collection itself. */
    private static String named(HttpServletRequest request) {
        String info = request.getPathInfo();
        if (info == null || info.equals("/")) {
            return null;
        }
        return info.substring(1);
    }
}
