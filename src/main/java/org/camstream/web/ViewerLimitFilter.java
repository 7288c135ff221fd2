package org.camstream.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;

/**
 * Refuses a WebSocket handshake with a 503 while camstream serves its limit of viewers: the endpoint itself
 * can only close a connection it has already accepted.
 */
final class ViewerLimitFilter extends HttpFilter {

    private final ViewerLimit limit;

    ViewerLimitFilter(ViewerLimit limit) {
        this.limit = limit;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        if (limit.isFull()) {
            Responses.sendUnavailable(response, ViewerLimit.RETRY_AFTER_SECONDS, limit.refusal());
            return;
        }
        chain.doFilter(request, response);
    }
}
