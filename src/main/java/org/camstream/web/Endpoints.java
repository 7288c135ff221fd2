package org.camstream.web;

import jakarta.servlet.http.HttpServlet;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Every URL camstream serves, each declared once with the guards it needs: {@link GuardFilter} applies them,
 * {@link CamstreamLifecycle} maps the servlets, and {@link CameraRouter} serves a camera's endpoints under
 * {@code /cam/<name>/}. So a new endpoint cannot be served without the checks its neighbours have. A path that
 * is declared nowhere, a static file, gets the viewer login when it is on: the safe default.
 */
final class Endpoints {

    /** Where an endpoint is served. */
    enum Scope {
        /** For every camera under {@code /cam/<name>/}, and for the first one at the root. */
        CAMERA,
        /** Only under {@code /cam/<name>/}: the root has a server-wide endpoint of the same path. */
        CAMERA_ONLY,
        /** Only at the root: the server's own. */
        SERVER
    }

    /**
     * One endpoint.
     *
     * @param paths relative to the root or to a camera's root, without a leading slash; {@code hls/*} is every
     *     path below {@code hls/}; the first is its main path
     * @param servlet what serves it, or null for the WebSocket, which the container's WebSocket layer serves
     */
    record Endpoint(String name, Scope scope, List<String> paths, List<Guard> guards, HttpServlet servlet) {
        Endpoint {
            paths = List.copyOf(paths);
            guards = List.copyOf(guards);
        }

        boolean matches(String path) {
            for (String pattern : paths) {
                if (pattern.endsWith("/*") ? path.startsWith(pattern.substring(0, pattern.length() - 1))
                        || path.equals(pattern.substring(0, pattern.length() - 2)) : path.equals(pattern)) {
                    return true;
                }
            }
            return false;
        }

        boolean atRoot() {
            return scope != Scope.CAMERA_ONLY;
        }

        boolean underCameras() {
            return scope != Scope.SERVER;
        }
    }

    /** Files a camera's page loads, served under {@code /cam/<name>/} from the root: scripts, styles, icons. */
    private static final Pattern ASSET = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*\\.(js|css|svg|ico|png|html)");
    /** Files anyone may load without a login: the icons a browser asks for by itself, and the error page. */
    private static final List<String> PUBLIC = List.of("favicon.svg", "favicon.ico", "error");

    private final List<Endpoint> endpoints;
    private final List<Guard> staticGuards;

    Endpoints(List<Endpoint> endpoints, List<Guard> staticGuards) {
        this.endpoints = List.copyOf(endpoints);
        this.staticGuards = List.copyOf(staticGuards);
    }

    List<Endpoint> all() {
        return endpoints;
    }

    /** The endpoint of a path at the root, or null for a static file. */
    Endpoint atRoot(String path) {
        for (Endpoint endpoint : endpoints) {
            if (endpoint.atRoot() && endpoint.matches(path)) {
                return endpoint;
            }
        }
        return null;
    }

    /** The endpoint of a path under a camera's root, or null for a static file or nothing. */
    Endpoint underCamera(String path) {
        for (Endpoint endpoint : endpoints) {
            if (endpoint.underCameras() && endpoint.matches(path)) {
                return endpoint;
            }
        }
        return null;
    }

    /** The guards of a request's path, relative to the application's root, with a leading slash. */
    List<Guard> guards(String path) {
        String[] camera = Route.split(path);
        Endpoint endpoint;
        String file;
        if (camera != null) {
            file = camera[1] == null ? "" : camera[1];
            endpoint = underCamera(file);
        } else {
            file = path.startsWith("/") ? path.substring(1) : path;
            endpoint = atRoot(file);
        }
        if (endpoint != null) {
            return endpoint.guards();
        }
        return PUBLIC.contains(file) ? List.of() : staticGuards;
    }

    /** Whether a camera's page may load this file from the root, as {@code /cam/<name>/<file>}. */
    static boolean isAsset(String file) {
        return file != null && ASSET.matcher(file).matches();
    }

    /** Builds the table. */
    static final class Builder {
        private final List<Endpoint> endpoints = new ArrayList<>();

        Builder add(String name, Scope scope, HttpServlet servlet, List<Guard> guards, String... paths) {
            endpoints.add(new Endpoint(name, scope, List.of(paths), guards, servlet));
            return this;
        }

        Endpoints build(List<Guard> staticGuards) {
            for (Endpoint endpoint : endpoints) {
                Objects.requireNonNull(endpoint.guards());
            }
            return new Endpoints(endpoints, staticGuards);
        }
    }
}
