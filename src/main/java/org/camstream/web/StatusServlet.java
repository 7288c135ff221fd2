package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/** {@code /api/status}: the camera, the viewers and the JVM, as JSON. */
final class StatusServlet extends HttpServlet {

    private final Camstream app;

    StatusServlet(Camstream app) {
        this.app = app;
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        byte[] body = Responses.json(app.status()).getBytes(StandardCharsets.UTF_8);
        response.setContentType("application/json;charset=UTF-8");
        Responses.noCache(response);
        response.setContentLength(body.length);
        response.getOutputStream().write(body);
    }
}
