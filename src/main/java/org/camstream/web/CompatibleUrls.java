package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;

/**
 * The context root: the viewer page (the first camera's, or the grid of every camera when there are several),
 * and mjpg-streamer's URLs, {@code /?action=stream} (MJPEG) and {@code /?action=snapshot}, so that the webcam
 * settings of OctoPrint, Mainsail, Fluidd and crowsnest work unchanged. Its multi-input form,
 * {@code ?action=stream_1}, takes one digit after the underscore and counts the cameras from 0, as mjpg-streamer's
 * httpd.c does. µStreamer's {@code /stream} and {@code /snapshot} are mapped straight to the servlets.
 */
final class CompatibleUrls extends HttpServlet {

    private static final Pattern ACTION = Pattern.compile("(stream|snapshot)(?:_([0-9]))?");
    static final String CAMERA_PAGE = "/index.html";
    static final String GRID_PAGE = "/grid.html";

    private final Cameras cameras;

    CompatibleUrls(Cameras cameras) {
        this.cameras = cameras;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String action = request.getParameter("action");
        if (action == null) {
            String named = request.getParameter("camera");
            if (named != null && !named.isEmpty()) {
                sendToCameraPage(named, request, response);
                return;
            }
            String page = cameras.all().size() > 1 && named == null ? GRID_PAGE : CAMERA_PAGE;
            request.getRequestDispatcher(page).forward(request, response);
            return;
        }
        Matcher matcher = ACTION.matcher(action);
        if (!matcher.matches()) {
            Responses.sendError(response, HttpServletResponse.SC_BAD_REQUEST,
                    "action must be stream or snapshot, or stream_N or snapshot_N for camera N counting from 0,"
                            + " as in mjpg-streamer");
            return;
        }
        if (matcher.group(2) != null) {
            int index = Integer.parseInt(matcher.group(2));
            Camera camera = cameras.at(index);
            if (camera == null) {
                Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "there is no camera " + index
                        + "; camstream has " + cameras.all().size() + ", counted from 0 (see api/cameras)");
                return;
            }
            request.setAttribute(Route.ATTRIBUTE, new Route(camera, ""));
        }
        String target = matcher.group(1).equals("stream") ? "/stream.mjpeg" : "/snapshot.jpg";
        request.getRequestDispatcher(target).forward(request, response);
    }

    /** {@code /?camera=yard} is the admin page's way of naming a camera; its viewer page is at cam/yard/. */
    private void sendToCameraPage(String name, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        Camera camera = cameras.get(name);
        if (camera == null) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND,
                    "there is no camera " + Responses.printable(name) + " (see api/cameras)");
            return;
        }
        response.sendRedirect(request.getContextPath() + "/cam/"
                + URLEncoder.encode(camera.name(), StandardCharsets.UTF_8) + "/");
    }
}
