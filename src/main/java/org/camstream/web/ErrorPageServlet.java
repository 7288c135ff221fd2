package org.camstream.web;

import jakarta.servlet.DispatcherType;
import jakarta.servlet.RequestDispatcher;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.util.function.Supplier;

/**
 * The web application's error page ({@code <error-page>} in web.xml): every error the container or a servlet
 * raises with {@code sendError}, or by throwing, is answered here instead of with the container's own page.
 * Errors camstream's servlets write themselves (their JSON with a specific message) never come here.
 *
 * <p>It answers every method, because the error dispatch keeps the method of the request that failed, and a
 * request for {@code /error} itself gets a 404 like any other address that is not a page.
 */
public final class ErrorPageServlet extends HttpServlet {

    private boolean embedded;
    private String passwordFile;

    @Override
    public void init() {
        embedded = Boolean.parseBoolean(getServletContext().getInitParameter(ErrorPages.EMBEDDED_PARAMETER));
        passwordFile = getServletContext().getInitParameter(ErrorPages.PASSWORD_FILE_PARAMETER);
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response) throws IOException {
        int status;
        String uri;
        if (request.getDispatcherType() == DispatcherType.ERROR
                && request.getAttribute(RequestDispatcher.ERROR_STATUS_CODE) instanceof Integer code) {
            status = code;
            uri = (String) request.getAttribute(RequestDispatcher.ERROR_REQUEST_URI);
        } else {
            status = HttpServletResponse.SC_NOT_FOUND;
            uri = request.getRequestURI();
            response.setStatus(status);
        }
        String contextPath = request.getContextPath();
        String path = uri != null && uri.startsWith(contextPath) ? uri.substring(contextPath.length()) : uri;
        ErrorPages.LoginHelp help = null;
        if (getServletContext().getAttribute(ErrorPages.LOGIN_HELP_ATTRIBUTE) instanceof Supplier<?> supplier
                && supplier.get() instanceof ErrorPages.LoginHelp known) {
            help = known;
        }
        ErrorPages.Page page = ErrorPages.render(status, path, request.getHeader("Accept"), contextPath, embedded,
                passwordFile, help);
        response.setHeader("Cache-Control", "no-store");
        response.setHeader("X-Content-Type-Options", "nosniff");
        response.setContentType(page.contentType());
        response.setContentLength(page.body().length);
        if (!"HEAD".equals(request.getMethod())) {
            response.getOutputStream().write(page.body());
        }
    }
}
