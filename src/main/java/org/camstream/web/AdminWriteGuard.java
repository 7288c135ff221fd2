package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.Set;

/**
 * Changes need the admin login, reading does not: for an endpoint that viewers may read (behind their own login,
 * when viewer-auth is on) and only the admin may change, such as the timelapses. Any method but GET, HEAD and
 * OPTIONS asks the container for the login (a 401 with the challenge, as web.xml's constraints do) and needs role
 * camstream-admin; and a change a page of another site sent with the admin's stored login is refused, as the
 * settings API refuses it.
 */
final class AdminWriteGuard implements Guard {

    private static final Set<String> READS = Set.of("GET", "HEAD", "OPTIONS");

    @Override
    public boolean admit(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        if (READS.contains(request.getMethod())) {
            return true;
        }
        if (!request.isUserInRole(ViewerLoginGuard.ADMIN_ROLE)) {
            if (request.getUserPrincipal() == null && !request.authenticate(response)) {
                return false; // the container sent the login challenge
            }
            if (!request.isUserInRole(ViewerLoginGuard.ADMIN_ROLE)) {
                Responses.sendError(response, HttpServletResponse.SC_FORBIDDEN, "changes need the admin login");
                return false;
            }
        }
        return ConfigServlet.checkWrite(request, response);
    }
}
