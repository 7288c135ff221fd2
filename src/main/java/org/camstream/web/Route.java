package org.camstream.web;

import jakarta.servlet.http.HttpServletRequest;
import org.camstream.camera.Camera;
import org.camstream.camera.Cameras;

/**
 * Which camera a request is for, and the rest of its path below that camera: {@code /cam/garden/hls/index.m3u8}
 * is camera garden and {@code hls/index.m3u8}; {@code /hls/index.m3u8} is the first camera and the same. The
 * router puts it on the request, so that one servlet serves a format for every camera.
 *
 * @param path the path below the camera's root, without a leading slash
 */
record Route(Camera camera, String path) {

    static final String ATTRIBUTE = Route.class.getName();
    static final String PREFIX = "/cam/";

    /** The route the router found, or the first camera and the request's own path. */
    static Route of(HttpServletRequest request, Cameras cameras) {
        Object routed = request.getAttribute(ATTRIBUTE);
        if (routed instanceof Route route) {
            return route;
        }
        String path = contextPath(request);
        return new Route(cameras.first(), path.startsWith("/") ? path.substring(1) : path);
    }

    /**
     * The camera a request is for; null when there is none, after a 404 with the reason as JSON, such as a
     * camera removed while its page was open.
     */
    static Camera camera(HttpServletRequest request, jakarta.servlet.http.HttpServletResponse response,
            Cameras cameras) throws java.io.IOException {
        Camera camera = of(request, cameras).camera();
        if (camera == null || camera.isClosed()) {
            Responses.sendError(response, jakarta.servlet.http.HttpServletResponse.SC_NOT_FOUND,
                    "no such camera; the cameras are listed at api/cameras");
            return null;
        }
        return camera;
    }

    /** The path within the application, as the client asked for it: servlet path and path info. */
    static String contextPath(HttpServletRequest request) {
        String servletPath = request.getServletPath();
        String info = request.getPathInfo();
        return (servletPath == null ? "" : servletPath) + (info == null ? "" : info);
    }

    /**
     * The camera's name and the rest of a {@code /cam/<name>/<rest>} path, or null for any other path. The name
     * comes back as it was written; whether a camera has it is the caller's question.
     */
    static String[] split(String path) {
        if (!path.startsWith(PREFIX)) {
            return null;
        }
        String rest = path.substring(PREFIX.length());
        int slash = rest.indexOf('/');
        return slash < 0 ? new String[] {rest, null} : new String[] {rest.substring(0, slash), rest.substring(slash + 1)};
    }
}
