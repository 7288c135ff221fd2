package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * Refuses a WebSocket handshake from a page of another site. Browsers send {@code Origin} with every
 * WebSocket handshake, and do not apply the same-origin policy to WebSockets themselves, so without this
 * check any web page a user visits could watch their camera. Requests without {@code Origin} come from
 * programs, not pages, and pass.
 */
final class OriginGuard implements Guard {

    private final Supplier<List<String>> allowed;

    OriginGuard(Supplier<List<String>> allowed) {
        this.allowed = allowed;
    }

    @Override
    public boolean admit(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin == null || isAllowed(origin, request.getHeader("Host"), allowed.get())) {
            return true;
        }
        Responses.sendError(response, HttpServletResponse.SC_FORBIDDEN, "origin " + origin
                + " may not open this WebSocket; add it to the allowed-origins setting to allow it");
        return false;
    }

    static boolean isAllowed(String origin, String host, List<String> allowList) {
        String normalized = normalize(origin);
        if (normalized == null) {
            return false;
        }
        for (String allowedOrigin : allowList) {
            if (normalized.equals(normalize(allowedOrigin))) {
                return true;
            }
        }
        if (host == null) {
            return false;
        }
        URI uri = URI.create(normalized);
        String authority = authority(uri.getHost(), uri.getPort(), uri.getScheme());
        String hostAuthority = normalizeHost(host, uri.getScheme());
        return authority.equals(hostAuthority);
    }

    /** scheme://host:port in lower case, with the scheme's default port made explicit; null if not an origin. */
    private static String normalize(String origin) {
        try {
            URI uri = URI.create(origin.trim());
            String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme) || uri.getHost() == null) {
                return null;
            }
            return scheme + "://" + authority(uri.getHost(), uri.getPort(), scheme);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    private static String normalizeHost(String host, String scheme) {
        try {
            URI uri = URI.create(scheme + "://" + host.trim());
            return uri.getHost() == null ? "" : authority(uri.getHost(), uri.getPort(), scheme);
        } catch (IllegalArgumentException e) {
            return "";
        }
    }

    private static String authority(String host, int port, String scheme) {
        int effective = port >= 0 ? port : "https".equals(scheme) ? 443 : 80;
        return host.toLowerCase(Locale.ROOT) + ":" + effective;
    }
}
