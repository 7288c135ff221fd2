package org.camstream.launcher;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ErrorReportValve;
import org.apache.coyote.ActionCode;
import org.camstream.web.ErrorPages;

/**
 * The embedded server's Host error report valve: what answers an error that no web application's error page
 * took, above all the requests Tomcat rejects before it chooses an application (a malformed request line, headers
 * over the limits, a broken URI) and the time when no application is deployed. It writes
 * camstream's own JSON or small page, like the application's {@code ErrorPageServlet}; Tomcat's valve would
 * write its own page with its version and, for the malformed requests, a stack trace.
 *
 * <p>A Tomcat installation keeps its own valve (camstream's classes are not on the server's class path);
 * tomcat-conf/server.xml configures it to show neither the version nor a report.
 */
public final class CamstreamErrorReportValve extends ErrorReportValve {

    @Override
    protected void report(Request request, Response response, Throwable throwable) {
        int status = response.getStatus();
        // As ErrorReportValve: only errors, only when nothing was written, and only once per response.
        if (status < 400 || response.getContentWritten() > 0 || !response.setErrorReported()) {
            return;
        }
        AtomicBoolean ioAllowed = new AtomicBoolean(false);
        response.getCoyoteResponse().action(ActionCode.IS_IO_ALLOWED, ioAllowed);
        if (!ioAllowed.get()) {
            return;
        }
        String path = null;
        try {
            path = request.getDecodedRequestURI();
        } catch (RuntimeException e) {
            // a request line too broken to have a path: answered as for any other path
        }
        ErrorPages.Page page = ErrorPages.render(status, path, request.getHeader("Accept"), "", true);
        try {
            response.setContentType(page.contentType());
            response.setHeader("Cache-Control", "no-store");
            response.setHeader("X-Content-Type-Options", "nosniff");
            Writer writer = response.getReporter();
            if (writer != null) {
                writer.write(new String(page.body(), StandardCharsets.UTF_8));
            }
        } catch (IOException | IllegalStateException e) {
            // the client is gone, or the response was committed after all: nothing left to tell it
        }
    }
}
