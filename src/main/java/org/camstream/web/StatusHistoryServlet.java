package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;
import org.camstream.camera.StatusHistory;
import org.camstream.camera.StatusSample;

/**
 * {@code /api/status/history}, for the first camera, and {@code /cam/<name>/api/status/history}: the samples {@link StatusHistory} holds, oldest first, with the server's clock,
 * so that a page places them on its own clock by their age and not by comparing two machines' clocks.
 */
final class StatusHistoryServlet extends HttpServlet {

    private final Cameras cameras;

    StatusHistoryServlet(Cameras cameras) {
        this.cameras = cameras;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Camera camera = Route.camera(request, response, cameras);
        if (camera == null) {
            return;
        }
        StatusHistory history = camera.history();
        List<Map<String, Object>> samples = new ArrayList<>();
        for (StatusSample sample : history.samples()) {
            samples.add(sample.json());
        }
        Map<String, Object> document = new LinkedHashMap<>();
        document.put("serverTime", System.currentTimeMillis());
        document.put("intervalSeconds", history.interval().toMillis() / 1000.0);
        document.put("capacity", history.capacity());
        document.put("samples", samples);
        Responses.sendJson(response, HttpServletResponse.SC_OK, document);
    }
}
