package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * The context root: the viewer page, and mjpg-streamer's URLs, {@code /?action=stream} (MJPEG) and
 * {@code /?action=snapshot}, so that the webcam settings of OctoPrint, Mainsail, Fluidd and crowsnest work
 * unchanged. µStreamer's {@code /stream} and {@code /snapshot} are mapped straight to the servlets.
 */
final class CompatibleUrls extends HttpServlet {

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String action = request.getParameter("action");
        String target;
        if (action == null) {
            target = "/index.html";
        } else if (action.equals("stream")) {
            target = "/stream.mjpeg";
        } else if (action.equals("snapshot")) {
            target = "/snapshot.jpg";
        } else {
            Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST,
                    "action must be stream or snapshot, as in mjpg-streamer");
            return;
        }
        request.getRequestDispatcher(target).forward(request, response);
    }
}
