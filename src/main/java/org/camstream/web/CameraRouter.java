package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;

/**
 * {@code /cam/<name>/…}: one camera's endpoints, served by the same servlets as the first camera's at the root,
 * with the camera on the request ({@link Route}). {@code /cam/<name>/} is the camera's viewer page, whose scripts
 * and styles load from the root through here. An unknown camera gets a 404 with the reason as JSON.
 */
final class CameraRouter extends HttpServlet {

    private final Endpoints endpoints;
    private final Cameras cameras;

    CameraRouter(Endpoints endpoints, Cameras cameras) {
        this.endpoints = endpoints;
        this.cameras = cameras;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        String[] split = Route.split(Route.contextPath(request));
        if (split == null || split[0].isEmpty()) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND,
                    "camera URLs look like cam/<name>/stream.mjpeg; the cameras are listed at api/cameras");
            return;
        }
        Camera camera = cameras.get(split[0]);
        if (camera == null) {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "there is no camera '"
                    + Responses.printable(split[0]) + "'; the cameras are listed at api/cameras");
            return;
        }
        if (split[1] == null) {
            // The page's relative URLs need the trailing slash.
            response.sendRedirect(request.getContextPath() + Route.PREFIX + camera.name() + "/");
            return;
        }
        String rest = split[1];
        Endpoints.Endpoint endpoint = endpoints.underCamera(rest);
        if (endpoint != null && endpoint.servlet() != null) {
            request.setAttribute(Route.ATTRIBUTE, new Route(camera, rest));
            endpoint.servlet().service(request, response);
        } else if (Endpoints.isAsset(rest)) {
            request.getRequestDispatcher("/" + rest).forward(request, response);
        } else {
            Responses.sendError(response, HttpServletResponse.SC_NOT_FOUND, "camera " + camera.name()
                    + " has no " + Responses.printable(rest));
        }
    }
}
