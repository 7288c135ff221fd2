package org.camstream.launcher;

import java.io.IOException;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;

/**
 * The embedded server's {@code https-redirect}: every request that came over plain HTTP is answered with a
 * redirect to the same path and query on the HTTPS port, {@code 301} for {@code GET} and {@code HEAD} and
 * {@code 308} for the other methods, which keeps the method and the body. Requests over HTTPS go on.
 *
 * <p>It sits in the Engine's pipeline, before any application is asked, so it covers every path, the
 * WebSocket and the streams included, and it needs no change to the web application: a WAR in a Tomcat is
 * not touched (there, a {@code CONFIDENTIAL} constraint or the proxy in front redirects, see docs/https.md).
 */
final class HttpsRedirectValve extends ValveBase {

    private final int httpsPort;

    HttpsRedirectValve(int httpsPort) {
        super(true);
        this.httpsPort = httpsPort;
    }

    @Override
    public void invoke(Request request, Response response) throws IOException, jakarta.servlet.ServletException {
        if (request.isSecure()) {
            getNext().invoke(request, response);
            return;
        }
        String method = request.getMethod();
        boolean safe = "GET".equals(method) || "HEAD".equals(method);
        response.setStatus(safe ? 301 : 308);
        response.setHeader("Location", location(request));
        response.setContentLength(0);
    }

    /** The same URL over HTTPS: the host the client asked for, the HTTPS port, the path and query as sent. */
    private String location(Request request) {
        String host = request.getServerName();
        if (host.indexOf(':') >= 0 && !host.startsWith("[")) {
            host = "[" + host + "]"; // an IPv6 address
        }
        StringBuilder url = new StringBuilder("https://").append(host);
        if (httpsPort != 443) {
            url.append(':').append(httpsPort);
        }
        url.append(request.getRequestURI());
        String query = request.getQueryString();
        if (query != null) {
            url.append('?').append(query);
        }
        return url.toString();
    }
}
