package org.camstream.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Constants;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.webresources.DirResourceSet;
import org.apache.catalina.webresources.StandardRoot;
import org.apache.commons.io.file.PathUtils;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.camstream.config.Setting;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.camstream.web.CamstreamLifecycle;

/**
 * camstream in an embedded Tomcat 10.1: the same web application a real Tomcat deploys, started from the
 * WAR (or, in tests, from {@code src/main/webapp} and the compiled classes).
 */
public final class EmbeddedServer implements AutoCloseable {

    /** Tomcat's start-up chatter that says nothing useful about this server. Held: JUL forgets levels otherwise. */
    private static final List<java.util.logging.Logger> QUIETER = List.of(
            java.util.logging.Logger.getLogger("org.apache.catalina.loader.WebappLoader"),
            java.util.logging.Logger.getLogger("org.apache.catalina.startup.ContextConfig"));

    static final String ADMIN_ROLE = "camstream-admin";
    static final String VIEWER_ROLE = "camstream-viewer";

    /** Enough for hundreds of viewers: streams use non-blocking I/O and hold no thread. */
    static final int MAX_THREADS = 12;

    private final Tomcat tomcat;
    private final Context context;
    private final Path baseDir;
    private final String bind;
    private boolean closed;

    private EmbeddedServer(Tomcat tomcat, Context context, Path baseDir, String bind) {
        this.tomcat = tomcat;
        this.context = context;
        this.baseDir = baseDir;
        this.bind = bind;
    }

    /** Called by {@link Main}: runs until the JVM is asked to stop. */
    public static void run(Path war, Path unpacked, String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            printUsage(System.out);
            PathUtils.deleteDirectory(unpacked);
            return;
        }
        EmbeddedServer server;
        try {
            server = start(arguments, war, null);
        } catch (SettingsException e) {
            System.err.println("camstream: " + e.getMessage());
            System.err.println("Run with --help to list the settings.");
            PathUtils.deleteDirectory(unpacked);
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                PathUtils.deleteDirectory(unpacked);
            } catch (IOException e) {
                // temporary files left behind are not worth failing the shutdown for
            }
        }, "camstream-shutdown"));
        System.out.println("camstream is running at " + server.url() + "  (Ctrl+C stops it)");
        server.tomcat.getServer().await();
    }

    /**
     * Starts a server.
     *
     * @param args command-line settings ({@code --port 0} picks a free port)
     * @param webapp the WAR file, or the directory holding index.html and WEB-INF/web.xml
     * @param classes compiled classes to serve as WEB-INF/classes when {@code webapp} is a source directory
     */
    public static EmbeddedServer start(List<String> args, Path webapp, Path classes) throws Exception {
        Settings settings = SettingsLoader.ofProcess(args, name -> null).load();
        QUIETER.forEach(logger -> logger.setLevel(java.util.logging.Level.WARNING));
        Path baseDir = Files.createTempDirectory("camstream-tomcat-");
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.getHost().setAppBase(Files.createDirectories(baseDir.resolve("webapps")).toString());
        tomcat.getHost().setAutoDeploy(false);

        Connector connector = new Connector("HTTP/1.1");
        connector.setPort(settings.port());
        connector.setProperty("address", settings.bind());
        connector.setProperty("maxThreads", Integer.toString(MAX_THREADS));
        connector.setProperty("minSpareThreads", "2");
        connector.setProperty("connectionTimeout", "20000");
        connector.setProperty("compression", "off");
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);

        // The realm the admin page's security constraint is checked against.
        tomcat.addUser(settings.adminUser(), AdminCredentials.password(settings));
        tomcat.addRole(settings.adminUser(), ADMIN_ROLE);
        tomcat.addRole(settings.adminUser(), VIEWER_ROLE);
        if (!settings.viewerUser().isEmpty() && !settings.viewerPassword().isEmpty()) {
            tomcat.addUser(settings.viewerUser(), settings.viewerPassword());
            tomcat.addRole(settings.viewerUser(), VIEWER_ROLE);
        }

        // Tomcat's defaults would add a JSP servlet, and this server ships no JSP engine.
        tomcat.setAddDefaultWebXmlToWebapp(false);
        ContextConfig config = new ContextConfig();
        config.setDefaultWebXml(Constants.NoDefaultWebXml);
        Context context = tomcat.addWebapp(tomcat.getHost(), "", webapp.toAbsolutePath().toString(), config);
        context.setParentClassLoader(EmbeddedServer.class.getClassLoader());
        context.addParameter(CamstreamLifecycle.COMMAND_LINE_PARAMETER, String.join("\n", args));
        if (context instanceof org.apache.catalina.core.StandardContext) {
            org.apache.catalina.core.StandardContext standard = (org.apache.catalina.core.StandardContext) context;
            standard.setUnpackWAR(false);
            // Streams never finish by themselves: waiting for them would only delay every stop.
            standard.setUnloadDelay(100);
        }
        StandardJarScanner scanner = new StandardJarScanner();
        scanner.setScanClassPath(false);
        scanner.setScanManifest(false);
        context.setJarScanner(scanner);
        context.addLifecycleListener(event -> {
            if (Lifecycle.BEFORE_START_EVENT.equals(event.getType())) {
                addStaticFiles(context);
            }
        });
        if (classes != null) {
            StandardRoot resources = new StandardRoot(context);
            resources.addPreResources(new DirResourceSet(resources, "/WEB-INF/classes",
                    classes.toAbsolutePath().toString(), "/"));
            context.setResources(resources);
        }
        EmbeddedServer server = new EmbeddedServer(tomcat, context, baseDir, settings.bind());
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            server.close();
            throw e;
        }
        if (!context.getState().isAvailable()) {
            server.close();
            throw new SettingsException("the web application failed to start; see the log above");
        }
        return server;
    }

    private static void addStaticFiles(Context context) {
        Wrapper files = Tomcat.addServlet(context, "default", "org.apache.catalina.servlets.DefaultServlet");
        files.setLoadOnStartup(1);
        files.setOverridable(true);
        context.addServletMappingDecoded("/", "default");
        Tomcat.addDefaultMimeTypeMappings(context);
    }

    public int port() {
        return tomcat.getConnector().getLocalPort();
    }

    public String url() {
        String host = bind;
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        }
        return "http://" + host + ":" + port() + "/";
    }

    /** Undeploys the web application, as a Tomcat manager would, leaving the server up. */
    public void undeploy() {
        tomcat.getHost().removeChild(context);
    }

    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            System.err.println("camstream: error while stopping: " + e.getMessage());
        }
        try {
            PathUtils.deleteDirectory(baseDir);
        } catch (IOException e) {
            // temporary files left behind are not worth failing the shutdown for
        }
    }

    static void printUsage(PrintStream out) {
        out.println("Usage: java -jar camstream.war [--setting value]...");
        out.println();
        out.println("Each setting can also come from the environment (CAMSTREAM_WIDTH=640), a system property");
        out.println("(-Dcamstream.width=640) or <data-dir>/camstream.properties (width=640), in that order.");
        out.println();
        for (Setting setting : Setting.values()) {
            out.printf("  %-16s %s (default %s)%n", setting.flag(), setting.description(), setting.defaultValue());
        }
    }
}
