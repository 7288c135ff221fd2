package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * One check or header an endpoint needs before it is served: CORS, the viewer login, a WebSocket's origin and
 * place, the admin pages' security headers. Endpoints declare theirs once, in {@link Endpoints}.
 */
interface Guard {

    /** True to go on to the endpoint; false when this guard has answered the request itself. */
    boolean admit(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException;
}
