package org.camstream.web;

import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.ServletRegistration;
import jakarta.servlet.http.HttpServlet;
import jakarta.websocket.DeploymentException;
import jakarta.websocket.server.ServerContainer;
import java.util.Arrays;
import java.util.List;
import org.camstream.config.ResolvedSettings;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts camstream with the web application and stops it, camera process included, when the application
 * is undeployed or the server shuts down. Declared in web.xml, so it may register the servlets.
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
        SettingsLoader loader = SettingsLoader.ofProcess(args, context::getInitParameter);
        ResolvedSettings resolved;
        try {
            resolved = loader.resolve();
        } catch (SettingsException e) {
            LOG.error("camstream cannot start: {}", e.getMessage());
            throw e;
        }
        Settings settings = resolved.settings();
        LOG.info("camstream starting: source {}, {}x{} at {} fps, data directory {}", settings.source().id(),
                settings.width(), settings.height(), settings.fps(), settings.dataDir());
        app = new Camstream(loader, resolved);
        // /snapshot and /stream are µStreamer's names; the context root also answers mjpg-streamer's ?action=.
        register(context, "snapshot", new SnapshotServlet(app), "/snapshot.jpg", "/snapshot");
        register(context, "stills", MultipartStreamServlet.stills(app), "/stream.jpg");
        register(context, "mjpeg", MultipartStreamServlet.everyFrame(app), "/stream.mjpeg", "/stream");
        register(context, "root", new CompatibleUrls(), "");
        register(context, "h264", new VideoStreamServlet<>(app, "video/h264", app.path().video().annexB(),
                app.counters().h264, Preamble::none, app.path()::acquireVideo), "/stream.h264");
        register(context, "mp4", new VideoStreamServlet<>(app, "video/mp4", app.path().video().mp4(),
                app.counters().mp4, Mp4Preamble::new, app.path()::acquireMp4), "/stream.mp4");
        register(context, "hls", new HlsServlet(app), "/hls/*");
        register(context, "status", new StatusServlet(app), "/api/status");
        register(context, "status-history", new StatusHistoryServlet(app), "/api/status/history");
        register(context, "config", new ConfigServlet(app), "/api/config");
        register(context, "config-check", new ConfigCheckServlet(app), "/api/config/check");
        register(context, "admin", new AdminPageServlet(), "/admin");
        context.addFilter("cors", new CorsFilter(() -> app.settings().corsOrigins())).addMappingForUrlPatterns(null,
                false, "", "/", "/snapshot.jpg", "/snapshot", "/stream.jpg", "/stream.mjpeg", "/stream", "/stream.h264",
                "/stream.mp4", "/hls/*");
        context.addFilter("security-headers", new SecurityHeadersFilter())
                .addMappingForUrlPatterns(null, false, "/admin", "/admin/*", "/api/config", "/api/config/*");
        if (settings.viewerAuth()) {
            // Everything but the admin pages, which have their own constraint, and the status document.
            context.addFilter("viewer-auth", new ViewerAuthFilter()).addMappingForUrlPatterns(
                    null, false, "", "/", "/index.html", "/snapshot.jpg", "/snapshot", "/stream.jpg", "/stream.mjpeg",
                    "/stream", "/stream.h264", "/stream.mp4", "/hls/*", "/ws/*", "/api/status", "/api/status/history",
                    "/player.js", "/viewstate.js", "/camstream.js", "/camstream.css", "/hls-player.js");
            LOG.info("Viewers must log in (viewer-auth is on)");
        }
        context.addFilter("websocket-origin", new OriginFilter(() -> app.settings().allowedOrigins()))
                .addMappingForUrlPatterns(null, false, "/ws/*");
        context.addFilter("viewer-limit", new ViewerLimitFilter(app.limit()))
                .addMappingForUrlPatterns(null, false, "/ws/*");
        ServerContainer websockets = (ServerContainer) context.getAttribute(ServerContainer.class.getName());
        if (websockets == null) {
            LOG.warn("This container offers no WebSocket support: {} is not available", VideoSocket.PATH);
        } else {
            try {
                websockets.addEndpoint(VideoSocket.config(app));
            } catch (DeploymentException e) {
                throw new IllegalStateException("cannot register " + VideoSocket.PATH, e);
            }
        }
    }

    private static void register(ServletContext context, String name, HttpServlet servlet, String... paths) {
        ServletRegistration.Dynamic registration = context.addServlet(name, servlet);
        registration.setAsyncSupported(true);
        registration.addMapping(paths);
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
