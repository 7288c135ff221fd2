package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Map;
import org.camstream.camera.Camera;

/**
 * {@code /api/status}: the first camera's status and every camera's, the viewers and the JVM, as JSON; and
 * {@code /cam/<name>/api/status}: one camera's, in the same shape.
 */
final class StatusServlet extends HttpServlet {

    private final Camstream app;
    private final boolean perCamera;

    private StatusServlet(Camstream app, boolean perCamera) {
        this.app = app;
        this.perCamera = perCamera;
    }

    static StatusServlet server(Camstream app) {
        return new StatusServlet(app, false);
    }

    static StatusServlet camera(Camstream app) {
        return new StatusServlet(app, true);
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        Map<String, Object> document;
        if (perCamera) {
            Camera camera = Route.camera(request, response, app.cameras());
            if (camera == null) {
                return;
            }
            document = StatusDocument.camera(app, camera);
        } else {
            document = StatusDocument.server(app);
        }
        Responses.sendJson(response, HttpServletResponse.SC_OK, document);
    }
}
