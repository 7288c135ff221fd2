package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.List;
import java.util.function.Supplier;

/**
 * Lets the pages of the origins in {@code cors-origins} read the streams, the snapshot and HLS with
 * {@code fetch} (Mainsail reads MJPEG with {@code fetch(mode: 'cors')}). No credentials are allowed across
 * origins, so {@code *} is safe: it opens only what anyone on the network can watch anyway. A preflight is
 * answered here, without reaching a stream.
 */
final class CorsGuard implements Guard {

    static final String ANY = "*";

    private final Supplier<List<String>> allowed;

    CorsGuard(Supplier<List<String>> allowed) {
        this.allowed = allowed;
    }

    @Override
    public boolean admit(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        List<String> allowList = allowed.get();
        response.addHeader("Vary", "Origin");
        boolean any = allowList.contains(ANY);
        boolean allowedOrigin = origin != null
                && (any || OriginGuard.isAllowed(origin, null, allowList));
        if (allowedOrigin) {
            response.setHeader("Access-Control-Allow-Origin", any ? ANY : origin);
            response.setHeader("Access-Control-Expose-Headers", "Content-Length, Content-Type, X-Camstream-Placeholder");
        }
        if ("OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null) {
            if (allowedOrigin) {
                response.setHeader("Access-Control-Allow-Methods", "GET, HEAD");
                response.setHeader("Access-Control-Allow-Headers", "Range");
                response.setHeader("Access-Control-Max-Age", "600");
            }
            response.setStatus(HttpServletResponse.SC_NO_CONTENT);
            return false;
        }
        return true;
    }
}
