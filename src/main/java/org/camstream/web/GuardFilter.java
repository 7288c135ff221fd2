package org.camstream.web;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import org.camstream.camera.Cameras;

/**
 * Applies each request's guards, as {@link Endpoints} declares them for its path, before anything serves it:
 * servlets, static files and WebSocket handshakes alike (the container's WebSocket filter comes after this one).
 */
final class GuardFilter extends HttpFilter {

    private final Endpoints endpoints;
    private final Cameras cameras;

    GuardFilter(Endpoints endpoints, Cameras cameras) {
        this.endpoints = endpoints;
        this.cameras = cameras;
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = Route.contextPath(request);
        String[] camera = Route.split(path);
        Route route = camera == null ? new Route(cameras.first(), path)
                : new Route(cameras.get(camera[0]), camera[1] == null ? "" : camera[1]);
        for (Guard guard : endpoints.guards(path)) {
            if (!guard.admit(request, response, route)) {
                return;
            }
        }
        chain.doFilter(request, response);
    }
}
