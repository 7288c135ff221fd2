package org.camstream.web;

import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Headers for the admin page and the settings API: they may not be framed by another site (clickjacking),
 * browsers must not guess content types, and nothing is cached.
 */
final class SecurityHeadersGuard implements Guard {

    @Override
    public boolean admit(HttpServletRequest request, HttpServletResponse response, Route route)
            throws IOException, ServletException {
        response.setHeader("X-Frame-Options", "DENY");
        response.setHeader("Content-Security-Policy",
                "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'; base-uri 'none'; form-action 'self'");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setHeader("Referrer-Policy", "same-origin");
        response.setHeader("Cache-Control", "no-store");
        return true;
    }
}
