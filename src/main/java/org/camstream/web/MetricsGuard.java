package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.function.Supplier;

/**
 * Who may read {@code /metrics}: with a {@code metrics-token}, a request that brings it, as
 * {@code Authorization: Bearer <token>} or {@code ?token=<token>}; with {@code viewer-auth} on, the viewer login
 * too (a scraper that has the token needs no login). With neither setting, anyone, like the streams.
 */
final class MetricsGuard implements Guard {

    private static final String BEARER = "Bearer ";

    private final Supplier<String> token;
    /** The viewer login, or null when viewer-auth is off. */
    private final Guard login;

    MetricsGuard(Supplier<String> token, boolean viewerAuth) {
        this.token = token;
        this.login = viewerAuth ? new ViewerLoginGuard() : null;
    }

    @Override
    public boolean admit(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        String expected = token.get();
        boolean tokenSet = expected != null && !expected.isEmpty();
        if (tokenSet && brings(request, expected)) {
            return true;
        }
        if (login != null) {
            return login.admit(request, response, route);
        }
        if (!tokenSet) {
            return true;
        }
        response.setHeader("WWW-Authenticate", "Bearer realm=\"camstream metrics\"");
        Responses.sendError(response, HttpServletResponse.SC_UNAUTHORIZED,
                "the metrics need the metrics-token: send Authorization: Bearer <token>, or ?token=<token>");
        return false;
    }

    private static boolean brings(HttpServletRequest request, String expected) {
        String authorization = request.getHeader("Authorization");
        if (authorization != null && authorization.regionMatches(true, 0, BEARER, 0, BEARER.length())
                && same(authorization.substring(BEARER.length()).trim(), expected)) {
            return true;
        }
        String query = request.getParameter("token");
        return query != null && same(query, expected);
    }

    /** In a time that does not tell how much of the token was right. */
    private static boolean same(String given, String expected) {
        return MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8), expected.getBytes(StandardCharsets.UTF_8));
    }
}
