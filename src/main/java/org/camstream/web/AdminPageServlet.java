package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * {@code /admin}: the admin page. The page lives under WEB-INF, where nothing is served directly, so the only
 * way to it is through this URL and its security constraint.
 */
final class AdminPageServlet extends HttpServlet {

    static final String PAGE = "/WEB-INF/admin.html";

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        response.setContentType("text/html;charset=UTF-8");
        request.getRequestDispatcher(PAGE).forward(request, response);
    }
}
