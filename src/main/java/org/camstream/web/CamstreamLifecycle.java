package org.camstream.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.camstream.camera.Cameras;
import org.camstream.config.CameraSettings;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts camstream with the web application and stops it, camera processes included, when the application
 * is undeployed or the server shuts down. Declared in web.xml, so it may register the servlets: each endpoint
 * once, with its guards, in {@link #endpoints}.
 */
public final class CamstreamLifecycle implements ServletContextListener {

    /** Context parameter through which the embedded launcher passes its command line, one argument per line. */
    public static final String COMMAND_LINE_PARAMETER = "camstream.commandLine";

    private static final Logger LOG = LoggerFactory.getLogger(CamstreamLifecycle.class);

    /**
     * jaffree logs ffmpeg's error lines itself, at SEVERE and without any limit, and advice camstream does
     * not need; camstream logs the process's output itself, labelled, masked and rate-limited, and reports
     * how a process ended. Held here because java.util.logging forgets levels of loggers nobody references.
     */
    private static final java.util.logging.Logger JAFFREE_LOG = java.util.logging.Logger.getLogger(
            "com.github.kokorin.jaffree");

    private Camstream app;

    @Override
    public void contextInitialized(ServletContextEvent event) {
        JAFFREE_LOG.setLevel(java.util.logging.Level.OFF);
        ServletContext context = event.getServletContext();
        String commandLine = context.getInitParameter(COMMAND_LINE_PARAMETER);
        List<String> args = commandLine == null || commandLine.isEmpty()
                ? List.of() : Arrays.asList(commandLine.split("\n"));
        SettingsLoader loader = SettingsLoader.ofProcess(args, parameters(context));
        ResolvedSettings resolved;
        try {
            resolved = loader.resolve();
        } catch (SettingsException e) {
            LOG.error("camstream cannot start: {}", e.getMessage());
            throw e;
        }
        Settings settings = resolved.settings();
        for (CameraSettings camera : settings.cameras()) {
            LOG.info("camstream camera {}: source {}, {}x{} at {} fps", camera.name(), camera.source().id(),
                    camera.width(), camera.height(), camera.fps());
        }
        LOG.info("camstream starting with {} camera(s), data directory {}", settings.cameras().size(),
                settings.dataDir());
        app = new Camstream(loader, resolved);
        app.startRtsp(ContainerLogins.of(context, settings.viewerAuth()));
        Camstream running = app;
        context.setAttribute(ErrorPages.LOGIN_HELP_ATTRIBUTE,
                (java.util.function.Supplier<ErrorPages.LoginHelp>) () -> loginHelp(running));
        Endpoints endpoints = endpoints(app, settings.viewerAuth());
        for (Endpoints.Endpoint endpoint : endpoints.all()) {
            if (endpoint.servlet() != null && endpoint.atRoot()) {
                register(context, endpoint.name(), endpoint.servlet(), rootMappings(endpoint));
            } else if (endpoint.servlet() != null) {
                register(context, endpoint.name(), endpoint.servlet()); // served under /cam/ only, by the router
            }
        }
        register(context, "cameras-router", new CameraRouter(endpoints, app.cameras()), Route.PREFIX + "*");
        context.addFilter("guards", new GuardFilter(endpoints, app.cameras()))
                .addMappingForUrlPatterns(null, false, "/*");
        if (settings.viewerAuth()) {
            LOG.info("Viewers must log in (viewer-auth is on)");
        }
        ServerContainer websockets = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (websockets == null) {
            LOG.warn("This container offers no WebSocket support: {} is not available", VideoSocket.PATH);
        } else {
            try {
                websockets.addEndpoint(VideoSocket.config(VideoSocket.PATH, app.cameras(), app.viewers()));
                websockets.addEndpoint(VideoSocket.config(VideoSocket.CAMERA_PATH, app.cameras(), app.viewers()));
            } catch (DeploymentException e) {
                throw new IllegalStateException("cannot register " + VideoSocket.PATH, e);
            }
        }
    }

    /**
     * Every endpoint, with its guards. Anything a viewer may watch has CORS (for the pages of the
     * {@code cors-origins}) and the viewer login (when {@code viewer-auth} is on); a WebSocket also has its origin
     * checked and its place counted before the handshake; the admin's have the security headers, and their login
     * comes from web.xml's security constraint.
     */
    /** Where the logins in use come from, for the 401 page: each password's one origin, or null. */
    private static ErrorPages.LoginHelp loginHelp(Camstream app) {
        org.camstream.config.ResolvedSettings resolved = app.liveSettings().resolved();
        org.camstream.config.ResolvedSettings.Value admin = resolved.value(org.camstream.config.Setting.ADMIN_PASSWORD);
        org.camstream.config.ResolvedSettings.Value viewer = resolved.value(org.camstream.config.Setting.VIEWER_PASSWORD);
        Settings settings = resolved.settings();
        boolean viewerLogin = settings.viewerAuth() && !settings.viewerUser().isEmpty()
                && !settings.viewerPassword().isEmpty();
        return new ErrorPages.LoginHelp(admin.isDefault() ? null : admin.origin(),
                viewerLogin && !viewer.isDefault() ? viewer.origin() : null);
    }

    static Endpoints endpoints(Camstream app, boolean viewerAuth) {
        Cameras cameras = app.cameras();
        Viewers viewers = app.viewers();
        Guard cors = new CorsGuard(() -> app.settings().corsOrigins());
        Guard secure = new SecurityHeadersGuard();
        List<Guard> login = viewerAuth ? List.of(new ViewerLoginGuard()) : List.of();
        List<Guard> watch = join(List.of(cors), login);
        List<Guard> socket = join(login, List.of(new OriginGuard(() -> app.settings().allowedOrigins()),
                new ViewerPlaceGuard(viewers)));
        ConfigServlet config = new ConfigServlet(app.liveSettings());
        Endpoints.Builder table = new Endpoints.Builder()
                // /snapshot and /stream are µStreamer's names; the root also answers mjpg-streamer's ?action=.
                .add("root", Endpoints.Scope.SERVER, new CompatibleUrls(cameras), watch, "")
                .add("camera-page", Endpoints.Scope.CAMERA_ONLY, new CameraPageServlet(), watch, "")
                .add("snapshot", Endpoints.Scope.CAMERA, new SnapshotServlet(cameras, viewers, app.executor()), watch,
                        "snapshot.jpg", "snapshot")
                .add("stills", Endpoints.Scope.CAMERA, MultipartStreamServlet.stills(cameras, viewers), watch,
                        "stream.jpg")
                .add("mjpeg", Endpoints.Scope.CAMERA, MultipartStreamServlet.everyFrame(cameras, viewers), watch,
                        "stream.mjpeg", "stream")
                .add("h264", Endpoints.Scope.CAMERA, VideoStreamServlet.h264(cameras, viewers), watch, "stream.h264")
                .add("mp4", Endpoints.Scope.CAMERA, VideoStreamServlet.mp4(cameras, viewers), watch, "stream.mp4")
                .add("hls", Endpoints.Scope.CAMERA, new HlsServlet(cameras, viewers), watch, "hls/*")
                .add("websocket", Endpoints.Scope.CAMERA, null, socket, "ws/video")
                .add("status", Endpoints.Scope.SERVER, StatusServlet.server(app), login, "api/status")
                .add("camera-status", Endpoints.Scope.CAMERA_ONLY, StatusServlet.camera(app), login, "api/status")
                .add("status-history", Endpoints.Scope.CAMERA, new StatusHistoryServlet(cameras), login,
                        "api/status/history")
                .add("cameras", Endpoints.Scope.SERVER, new CamerasServlet(cameras), login, "api/cameras")
                // The metrics-token, or the viewer login when viewer-auth is on (docs/metrics.md).
                .add("metrics", Endpoints.Scope.SERVER, new MetricsServlet(org.camstream.metrics.CamstreamMetrics.of(
                        cameras, app.recordings(), app::rtsp, viewers.hls()::count)),
                        List.of(new MetricsGuard(() -> app.settings().metricsToken(), viewerAuth)), "metrics")
                .add("recordings", Endpoints.Scope.SERVER,
                        new RecordingsServlet(cameras, app.recordings().catalog()), login, "api/recordings")
                .add("clip", Endpoints.Scope.CAMERA, new ClipServlet(cameras, app.recordings().catalog()), watch,
                        "recordings/get")
                // Reading behind the viewer login, like the streams; changing behind the admin login.
                .add("timelapse", Endpoints.Scope.SERVER, new TimelapseServlet(cameras, app.timelapses()),
                        join(login, List.of(new AdminWriteGuard())), "api/timelapse", "api/timelapse/*")
                .add("timelapse-files", Endpoints.Scope.CAMERA_ONLY,
                        new TimelapseFilesServlet(cameras, app.timelapses()), watch, "timelapse/*")
                .add("config-check", Endpoints.Scope.SERVER, new ConfigCheckServlet(app.liveSettings()),
                        List.of(secure), "api/config/check")
                .add("config-cameras", Endpoints.Scope.SERVER, new CameraConfigServlet(app.liveSettings(), config),
                        List.of(secure), "api/config/cameras", "api/config/cameras/*")
                .add("config", Endpoints.Scope.SERVER, config, List.of(secure), "api/config")
                .add("admin", Endpoints.Scope.SERVER, new AdminPageServlet(), List.of(secure), "admin")
                .add("admin-files", Endpoints.Scope.SERVER, null, List.of(secure), "admin/*");
        return table.build(login);
    }

    private static List<Guard> join(List<Guard> first, List<Guard> second) {
        List<Guard> all = new ArrayList<>(first);
        all.addAll(second);
        return List.copyOf(all);
    }

    /** The servlet mappings of an endpoint at the root: {@code ""} is the root itself, {@code hls/*} a prefix. */
    private static String[] rootMappings(Endpoints.Endpoint endpoint) {
        return endpoint.paths().stream().map(path -> path.isEmpty() ? "" : "/" + path).toArray(String[]::new);
    }

    private static Map<String, String> parameters(ServletContext context) {
        Map<String, String> parameters = new LinkedHashMap<>();
        for (String name : Collections.list(context.getInitParameterNames())) {
            parameters.put(name, context.getInitParameter(name));
        }
        return parameters;
    }

    private static void register(ServletContext context, String name, HttpServlet servlet, String... paths) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        registration.setAsyncSupported(true);
        if (paths.length > 0) {
            registration.addMapping(paths);
        }
        registration.setLoadOnStartup(1);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        if (app != null) {
            LOG.info("camstream stopping");
            app.close();
            app = null;
        }
    }
}
