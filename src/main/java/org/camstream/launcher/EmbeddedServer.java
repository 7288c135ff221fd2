package org.camstream.launcher;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.apache.catalina.Context;
import org.apache.catalina.Lifecycle;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.Wrapper;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.core.StandardHost;
import org.apache.catalina.startup.Constants;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.webresources.DirResourceSet;
import org.apache.catalina.webresources.StandardRoot;
import org.apache.coyote.http11.Http11NioProtocol;
import org.apache.commons.io.file.PathUtils;
import org.apache.tomcat.util.scan.StandardJarScanner;
import org.camstream.config.Setting;
import org.camstream.config.Settings;
import org.camstream.config.SettingsException;
import org.camstream.config.SettingsLoader;
import org.camstream.web.CamstreamLifecycle;
import org.camstream.web.ErrorPages;

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

    /**
     * Enough for hundreds of viewers: a stream holds no thread, and pictures are written by the thread that made
     * them; these threads work only when a full socket drains, or for requests.
     */
    static final int MAX_THREADS = 12;

    /*
     * The connector's limits come from what a connection costs in heap, measured by ConnectionCostBenchmarkIT on
     * the WAR run with -Xmx64m -XX:+UseSerialGC -Xss256k: the live heap after a full GC, as the slope over
     * 0 to 200 or 300 connections, with the buffer sizes below (the README's "Limits and errors" has the table,
     * the figures with Tomcat's defaults, and the command):
     *
     *   half-sent request (request line and a header, more header bytes trickling in)   25 KB
     *   WebSocket viewer of /ws/video (1280x720 H.264)                                    43 KB
     *   MJPEG viewer, any size and request (its connection taken over, see StreamingResponse) 10 KB
     *
     * 40 KB of every request in progress is Tomcat's own and fixed (the Request's and the Response's 8192-char
     * buffers and the Response's 8 KB byte buffer); each request header parsed costs about 310 bytes more. An
     * HTTP stream gives all that back once its headers are out. The worst case is every connection of the
     * dearest kind:
     *
     *   MAX_CONNECTIONS 360 x 43 KB                                           15.5 MB
     *   the server with one viewer, camera running: embedded 8.8 MB, in Debian's Tomcat 11.6 MB
     *   PROCESSOR_CACHE 12 x 70 KB                                              0.8 MB
     *                                                          25.1 MB (embedded), 27.9 MB (Tomcat) of 64 MB
     *
     * which leaves 36 MB or more for camstream's own caches: the GOP caches, at most 8 MB per format, and the
     * frames. tomcat-conf/server.xml has the same limits, so one number holds for both.
     */

    /**
     * Open connections, streams included. At the limit the acceptor stops accepting: new connections wait in
     * the kernel's queue (ACCEPT_COUNT) until one closes. The queue costs no heap.
     */
    static final int MAX_CONNECTIONS = 360;
    /**
     * The kernel's queue of connections waiting for a slot; beyond it the kernel drops them and clients retry,
     * after a second at the soonest. Large, so that a real client waits its turn behind connections that
     * are closed within half a second (HeadDeadlines) rather than being dropped. (Linux caps it at
     * net.core.somaxconn, 4096.)
     */
    static final int ACCEPT_COUNT = 1024;
    /**
     * How long a new connection may wait between bytes of its request before it is closed (and, with no byte
     * at all, how long it may stay silent): short, so that connections that send nothing give their slot back
     * within seconds.
     */
    static final int CONNECTION_TIMEOUT_MILLIS = 5_000;
    /**
     * How long a request line and headers may take in all, from their first byte; a request still incomplete
     * then is closed, however steadily its bytes trickle in (see CamstreamNioEndpoint).
     */
    static final int REQUEST_HEAD_DEADLINE_MILLIS = 10_000;
    /** From this many open connections the server is crowded: every connection then gets ... */
    static final int CROWDED_CONNECTIONS = MAX_CONNECTIONS * 9 / 10;
    /**
     * ... this long from its accept to send its request head, then is closed. A browser sends its request with
     * the connection; only a client that does not mean to send one needs longer.
     */
    static final int CROWDED_HEAD_DEADLINE_MILLIS = 500;
    /**
     * With every slot taken, a new connection evicts the one that has waited longest for its request head, if
     * it has waited this long; and none waits longer.
     */
    static final int EVICTABLE_HEAD_MILLIS = 250;
    /**
     * How long a response may wait on a socket that takes nothing before Tomcat closes it. camstream closes a
     * stalled viewer after 10 s itself; this only catches what that misses.
     */
    static final int WRITE_TIMEOUT_MILLIS = 20_000;
    /** An idle keep-alive connection is closed after this; the viewer page asks for its status every 2 s. */
    static final int KEEP_ALIVE_TIMEOUT_MILLIS = 5_000;
    /** After this many requests a keep-alive connection is closed, and the client opens a new one. */
    static final int MAX_KEEP_ALIVE_REQUESTS = 100;
    /**
     * Request line and headers, in bytes. camstream's requests are small GETs, WebSocket upgrades and a small
     * JSON PUT, well under 1 KB from a browser. A longer request head gets a 400.
     */
    static final int MAX_REQUEST_HEADER_BYTES = 4096;
    /** Response headers, in bytes; camstream's are under 1 KB. More would be a 500, logged. */
    static final int MAX_RESPONSE_HEADER_BYTES = 4096;
    /**
     * Request headers. A browser sends about 15, behind a reverse proxy about 30. More get a 400: each one is
     * kept for as long as the request lasts, a stream's whole life.
     */
    static final int MAX_HEADER_COUNT = 40;
    /** Trailer headers of a chunked request body, which nothing sends camstream; Tomcat allocates this up front. */
    static final int MAX_TRAILER_BYTES = 256;
    /** Query or form parameters; camstream reads at most two. Tomcat ignores those beyond the limit. */
    static final int MAX_PARAMETER_COUNT = 20;
    /** A form body (camstream takes none) larger than this is not parsed, rather than buffered whole. */
    static final int MAX_POST_BYTES = 4096;
    /**
     * Request body bytes Tomcat reads and drops when a response did not read the body (a 401 to a PUT, or a
     * GET with a body). 0: it reads once and closes the connection. Otherwise a body trickling in slowly would
     * keep a worker thread, one of MAX_THREADS, busy swallowing it for as long as the client liked.
     */
    static final int MAX_SWALLOW_BYTES = 0;
    /**
     * Tomcat's read buffer per connection; it is counted twice, once more in the request head buffer. Requests
     * are small, and a larger read only needs more calls.
     */
    static final int READ_BUFFER_BYTES = 1024;
    /**
     * Tomcat's write buffer per connection, kept at Tomcat's default: pictures do not go through it (see
     * StreamingResponse), pages and status answers do, so a bigger one would only cost memory.
     */
    static final int WRITE_BUFFER_BYTES = 8192;
    /**
     * Idle processors Tomcat keeps for reuse; each keeps its request's buffers, about 70 KB. More than the
     * threads could use at once would only hold memory after a flood of connections.
     */
    static final int PROCESSOR_CACHE = MAX_THREADS;

    private final Tomcat tomcat;
    private final Context context;
    private final Path baseDir;
    private final String bind;
    /** The HTTPS connector, and what reloads its certificate; null without https-port. */
    private Connector https;
    private CertificateWatcher certificateWatcher;
    private boolean closed;

    private EmbeddedServer(Tomcat tomcat, Context context, Path baseDir, String bind) {
        this.tomcat = tomcat;
        this.context = context;
        this.baseDir = baseDir;
        this.bind = bind;
    }

    /**
     * Called by {@link Main}: runs until the JVM is asked to stop.
     *
     * @param unpacked the temporary directory the launcher unpacked to, deleted at the end; null when the
     *     launcher runs from its kept copy
     */
    public static void run(Path war, Path unpacked, String[] args) throws Exception {
        List<String> arguments = Arrays.asList(args);
        if (arguments.contains("--help") || arguments.contains("-h")) {
            printUsage(System.out);
            deleteUnpacked(unpacked);
            return;
        }
        EmbeddedServer server;
        try {
            server = start(arguments, war, null);
        } catch (SettingsException e) {
            System.err.println("camstream: " + e.getMessage());
            System.err.println("Run with --help to list the settings.");
            deleteUnpacked(unpacked);
            System.exit(2);
            return;
        } catch (StartFailure e) {
            System.err.println("camstream: " + e.getMessage());
            deleteUnpacked(unpacked);
            System.exit(2);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            server.close();
            try {
                deleteUnpacked(unpacked);
            } catch (IOException e) {
                // temporary files left behind are not worth failing the shutdown for
            }
        }, "camstream-shutdown"));
        System.out.println("camstream is running at " + server.url()
                + (server.https != null ? " and " + server.httpsUrl() : "") + "  (Ctrl+C stops it)");
        server.tomcat.getServer().await();
    }

    private static void deleteUnpacked(Path unpacked) throws IOException {
        if (unpacked != null) {
            PathUtils.deleteDirectory(unpacked);
        }
    }

    /**
     * Starts a server.
     *
     * @param args command-line settings ({@code --port 0} picks a free port)
     * @param webapp the WAR file, or the directory holding index.html and WEB-INF/web.xml
     * @param classes compiled classes to serve as WEB-INF/classes when {@code webapp} is a source directory
     */
    public static EmbeddedServer start(List<String> args, Path webapp, Path classes) throws Exception {
        Settings settings = SettingsLoader.ofProcess(args, java.util.Map.of()).load();
        if (settings.httpsPort() != 0) {
            // Before anything is made: without files that work, camstream does not start.
            TlsConnector.check(settings.tlsCert(), settings.tlsKey());
        }
        // Before anything starts, so that a port in use is one clear line, not Tomcat's stack trace after the
        // cameras have started. The check after the start still catches a port taken in between.
        requireFree(settings.bind(), settings.port(), "--port");
        requireFree(settings.bind(), settings.httpsPort(), "--https-port");
        java.time.Duration certificateCheck = TlsConnector.checkInterval();
        QUIETER.forEach(logger -> logger.setLevel(java.util.logging.Level.WARNING));
        Path baseDir = Files.createTempDirectory("camstream-tomcat-");
        // No JMX: Tomcat's MBeans cost about a second of start-up on one slow core (parsing their descriptors,
        // the platform MBean server) and a few MB, and nothing here reads them. Must precede every Tomcat object.
        org.apache.tomcat.util.modeler.Registry.disableRegistry();
        Tomcat tomcat = new Tomcat();
        tomcat.setBaseDir(baseDir.toString());
        tomcat.getHost().setAppBase(Files.createDirectories(baseDir.resolve("webapps")).toString());
        tomcat.getHost().setAutoDeploy(false);
        // Errors Tomcat answers before the application is chosen: camstream's JSON or page, not Tomcat's.
        ((StandardHost) tomcat.getHost()).setErrorReportValveClass(CamstreamErrorReportValve.class.getName());

        Connector connector = connector(settings);
        tomcat.getService().addConnector(connector);
        tomcat.setConnector(connector);
        Connector https = null;
        if (settings.httpsPort() != 0) {
            https = TlsConnector.configure(limitedConnector(settings.bind(), settings.httpsPort()), settings);
            tomcat.getService().addConnector(https);
            connector.setRedirectPort(settings.httpsPort());
            if (settings.httpsRedirect()) {
                tomcat.getEngine().getPipeline().addValve(new HttpsRedirectValve(settings.httpsPort()));
            }
        }

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
        context.addParameter(ErrorPages.EMBEDDED_PARAMETER, "true");
        String passwordFile = AdminCredentials.generatedFile(settings);
        if (passwordFile != null) {
            context.addParameter(ErrorPages.PASSWORD_FILE_PARAMETER, passwordFile);
        }
        if (context instanceof org.apache.catalina.core.StandardContext) {
            org.apache.catalina.core.StandardContext standard = (org.apache.catalina.core.StandardContext) context;
            standard.setUnpackWAR(false);
            // Streams never finish by themselves: waiting for them would only delay every stop.
            standard.setUnloadDelay(100);
        }
        if (context instanceof org.apache.catalina.core.StandardContext) {
            // The WebSocket initializer asks for every class that has a WebSocket annotation, and with it Tomcat
            // reads each class and jar of the application at every start, although camstream registers its
            // endpoints in code. The same initializer, asked for nothing, only sets up the WebSocket container.
            ((org.apache.catalina.core.StandardContext) context).setContainerSciFilter(
                    "org\\.apache\\.tomcat\\.websocket\\.server\\.WsSci");
            context.addServletContainerInitializer(new org.apache.tomcat.websocket.server.WsSci(), null);
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
        server.https = https;
        try {
            tomcat.start();
        } catch (LifecycleException e) {
            boolean httpsFailed = https != null && !listening(https);
            server.close();
            if (!listening(connector)) {
                throw StartFailure.portInUse(settings.bind(), settings.port(), "--port");
            }
            if (httpsFailed) {
                throw httpsFailed(settings, e);
            }
            throw e;
        }
        // Tomcat logs a connector that cannot bind and starts the rest: a server that serves nothing, which a
        // service manager would take for a healthy one.
        if (!listening(connector)) {
            server.close();
            throw StartFailure.portInUse(settings.bind(), settings.port(), "--port");
        }
        if (https != null) {
            if (!listening(https)) {
                server.close();
                throw httpsFailed(settings, null);
            }
            Connector started = https;
            server.certificateWatcher = new CertificateWatcher(settings.tlsCert(), settings.tlsKey(), certificateCheck,
                    () -> TlsConnector.reload(started), "HTTPS port " + settings.httpsPort());
            server.certificateWatcher.start();
        }
        if (!context.getState().isAvailable()) {
            server.close();
            throw new SettingsException("the web application failed to start; see the log above");
        }
        return server;
    }

    private static boolean listening(Connector connector) {
        return connector.getState() == org.apache.catalina.LifecycleState.STARTED && connector.getLocalPort() > 0;
    }

    private static RuntimeException httpsFailed(Settings settings, Exception cause) {
        if (!portFree(settings.bind(), settings.httpsPort())) {
            return StartFailure.portInUse(settings.bind(), settings.httpsPort(), "--https-port"); // taken meanwhile
        }
        return new SettingsException("HTTPS on port " + settings.httpsPort() + " did not start: Tomcat could not use "
                + settings.tlsCert() + " and " + settings.tlsKey()
                + (cause == null ? "; see the log above" : ": " + cause.getMessage()));
    }

    private static void requireFree(String bind, int port, String flag) {
        if (port != 0 && !portFree(bind, port)) {
            throw StartFailure.portInUse(bind, port, flag);
        }
    }

    /** Whether the port can be bound now, as Tomcat binds it (address reuse on, so TIME_WAIT does not count). */
    private static boolean portFree(String bind, int port) {
        try (java.net.ServerSocket probe = new java.net.ServerSocket()) {
            probe.setReuseAddress(true);
            probe.bind(new java.net.InetSocketAddress(bind, port));
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static Connector connector(Settings settings) {
        return limitedConnector(settings.bind(), settings.port());
    }

    /**
     * A connector with camstream's limits and timeouts: the HTTP one, and the HTTPS one (TlsConnector) on top
     * of the same, so that both hold to the same per-connection costs.
     */
    static Connector limitedConnector(String address, int port) {
        Connector connector = new Connector(new Http11NioProtocol(
                new CamstreamNioEndpoint(WRITE_TIMEOUT_MILLIS, headDeadlines())));
        connector.setPort(port);
        set(connector, "address", address);
        set(connector, "maxThreads", MAX_THREADS);
        set(connector, "minSpareThreads", "2");
        set(connector, "compression", "off");
        // Off, so that a connection parked with a processor is always a request head still arriving (see
        // CamstreamNioEndpoint). camstream's static files are small, and those in a WAR are not on disk anyway.
        set(connector, "useSendfile", "false");
        set(connector, "maxConnections", MAX_CONNECTIONS);
        set(connector, "acceptCount", ACCEPT_COUNT);
        set(connector, "connectionTimeout", CONNECTION_TIMEOUT_MILLIS);
        set(connector, "keepAliveTimeout", KEEP_ALIVE_TIMEOUT_MILLIS);
        set(connector, "maxKeepAliveRequests", MAX_KEEP_ALIVE_REQUESTS);
        set(connector, "maxHttpRequestHeaderSize", MAX_REQUEST_HEADER_BYTES);
        set(connector, "maxHttpResponseHeaderSize", MAX_RESPONSE_HEADER_BYTES);
        set(connector, "maxHeaderCount", MAX_HEADER_COUNT);
        set(connector, "maxTrailerSize", MAX_TRAILER_BYTES);
        connector.setMaxParameterCount(MAX_PARAMETER_COUNT); // the Connector's own, not the protocol's
        connector.setMaxPostSize(MAX_POST_BYTES);
        set(connector, "maxSwallowSize", MAX_SWALLOW_BYTES);
        set(connector, "socket.appReadBufSize", READ_BUFFER_BYTES);
        set(connector, "socket.appWriteBufSize", WRITE_BUFFER_BYTES);
        // No cache of connections' buffers either (Tomcat's default for heaps under 2 GB, said here for any -Xmx).
        set(connector, "socket.bufferPool", "0");
        set(connector, "processorCache", PROCESSOR_CACHE);
        // Tomcat's default, said because StreamingResponse's vectored non-blocking writes need it.
        set(connector, "useAsyncIO", "true");
        return connector;
    }

    static HeadDeadlines headDeadlines() {
        return new HeadDeadlines(MAX_CONNECTIONS, CROWDED_CONNECTIONS,
                Duration.ofMillis(REQUEST_HEAD_DEADLINE_MILLIS),
                Duration.ofMillis(CROWDED_HEAD_DEADLINE_MILLIS),
                Duration.ofMillis(EVICTABLE_HEAD_MILLIS));
    }

    /** Sets a connector property, failing on one Tomcat does not know rather than ignoring it. */
    static void set(Connector connector, String name, Object value) {
        if (!connector.setProperty(name, String.valueOf(value))) {
            throw new IllegalStateException("Tomcat's connector has no property " + name);
        }
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
        return "http://" + host() + ":" + port() + "/";
    }

    /** The name this server is reached by, for the URLs it prints. */
    private String host() {
        String host = bind;
        if (host.equals("0.0.0.0") || host.equals("::")) {
            try {
                host = InetAddress.getLocalHost().getHostName();
            } catch (IOException e) {
                host = "localhost";
            }
        }
        return host;
    }

    /** The port of the HTTPS connector; 0 without https-port. */
    public int httpsPort() {
        return https == null ? 0 : https.getLocalPort();
    }

    public String httpsUrl() {
        return https == null ? null : "https://" + host() + ":" + httpsPort() + "/";
    }

    /** The web application, for tests that add a servlet to it. */
    public Context context() {
        return context;
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
        if (certificateWatcher != null) {
            certificateWatcher.close();
        }
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
