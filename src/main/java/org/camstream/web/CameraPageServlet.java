package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /cam/<name>/}: the camera's viewer page, the same page as the first camera's at the root. Its URLs are
 * relative, so from here they reach this camera's streams and status.
 */
final class CameraPageServlet extends HttpServlet {

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        request.getRequestDispatcher(CompatibleUrls.CAMERA_PAGE).forward(request, response);
    }
}
