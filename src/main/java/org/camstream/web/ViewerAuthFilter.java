package org.camstream.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * When the viewer-auth setting is on, watching needs a login too: role camstream-viewer or camstream-admin.
 * Off by default, because most cameras live on a home network. The container checks the password; this only
 * asks it to.
 */
final class ViewerAuthFilter extends HttpFilter {

    static final String VIEWER_ROLE = "camstream-viewer";
    static final String ADMIN_ROLE = "camstream-admin";

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (request.isUserInRole(VIEWER_ROLE) || request.isUserInRole(ADMIN_ROLE)) {
            chain.doFilter(request, response);
            return;
        }
        if (request.getUserPrincipal() != null) {
            Responses.sendError(response, HttpServletResponse.SC_FORBIDDEN, "this login may not watch");
            return;
        }
        if (request.authenticate(response)) { // false: the container sent the login challenge
            if (request.isUserInRole(VIEWER_ROLE) || request.isUserInRole(ADMIN_ROLE)) {
                chain.doFilter(request, response);
            } else {
                Responses.sendError(response, HttpServletResponse.SC_FORBIDDEN, "this login may not watch");
            }
        }
    }
}
