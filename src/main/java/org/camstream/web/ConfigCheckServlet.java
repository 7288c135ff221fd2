package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.Setting;

/**
 * {@code POST /api/config/check}: the server's verdict on changes, without making them. The admin page asks it
 * while a person types, so that its warnings are the server's own words and no second copy of the rules lives
 * in the page. It takes what {@code PUT /api/config} takes and answers {@code 200 {"status":200,"valid":true}}
 * or the 400 that PUT would give. Nothing is saved or changed either way, so it needs no check of the origin.
 */
final class ConfigCheckServlet extends HttpServlet {

    private final LiveSettings settings;

    ConfigCheckServlet(LiveSettings settings) {
        this.settings = settings;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        ResolvedSettings resolved = settings.resolved();
        String camera = ConfigServlet.cameraOf(request, response, resolved);
        if (camera == null) {
            return;
        }
        Map<Setting, String> changes = ConfigRequests.readChanges(request, response,
                resolved.settings().camera(camera));
        if (changes == null) {
            return;
        }
        List<ConfigRequests.Problem> problems = ConfigRequests.problems(resolved, camera, changes);
        if (!problems.isEmpty()) {
            ConfigRequests.sendProblems(response, problems);
            return;
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", HttpServletResponse.SC_OK);
        body.put("valid", true);
        ConfigRequests.send(response, HttpServletResponse.SC_OK, body);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        response.setHeader("Allow", "POST");
        Responses.sendError(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED,
                "POST the changes to check as a JSON object");
    }
}
