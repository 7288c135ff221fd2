package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * When the viewer-auth setting is on, watching needs a login too: role camstream-viewer or camstream-admin.
 * Off by default, because most cameras live on a home network. The container checks the password; this only
 * asks it to.
 */
final class ViewerLoginGuard implements Guard {

    static final String VIEWER_ROLE = "camstream-viewer";
    static final String ADMIN_ROLE = "camstream-admin";

    @Override
    public boolean admit(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        if (request.isUserInRole(VIEWER_ROLE) || request.isUserInRole(ADMIN_ROLE)) {
            return true;
        }
        if (request.getUserPrincipal() != null) {
            Responses.sendError(response, HttpServletResponse.SC_FORBIDDEN, "this login may not watch");
            return false;
        }
        if (request.authenticate(response)) { // false: the container sent the login challenge
            if (request.isUserInRole(VIEWER_ROLE) || request.isUserInRole(ADMIN_ROLE)) {
                return true;
            }
            Responses.sendError(response, HttpServletResponse.SC_FORBIDDEN, "this login may not watch");
        }
        return false;
    }
}
