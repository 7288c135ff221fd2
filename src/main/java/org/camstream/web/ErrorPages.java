package org.camstream.web;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * camstream's error responses, the same whoever produces them: the web application's error page
 * ({@link ErrorPageServlet}) and, in the embedded server, the Host's error report valve for requests that
 * never reach the application. JSON for programs, a small page of camstream's own for browsers.
 *
 * <p>Nothing in a body comes from the request or from an exception: no path, no header, no message, no stack
 * trace, no server version. The sentence depends only on the status code.
 */
public final class ErrorPages {

    /**
     * Context parameter the embedded launcher sets, so that a 401 can say where its password comes from: the
     * launcher's settings rather than a Tomcat's tomcat-users.xml.
     */
    public static final String EMBEDDED_PARAMETER = "camstream.embedded";

    /**
     * Context parameter the embedded launcher sets to the file that holds the generated admin password, when
     * it generated one, so that a 401 names the file really used (the data directory can be moved).
     */
    public static final String PASSWORD_FILE_PARAMETER = "camstream.adminPasswordFile";

    /**
     * Context attribute holding a {@code Supplier<LoginHelp>}: where the logins in use come from, so that a 401
     * names the one way its password was set, not all of them.
     */
    public static final String LOGIN_HELP_ATTRIBUTE = "org.camstream.login-help";

    /** A rendered error: what to send after the status line. */
    public record Page(String contentType, byte[] body) {
    }

    /**
     * Where the embedded server's logins come from.
     *
     * @param adminPassword where admin-password was set ("command-line flag --admin-password", a file's key...),
     *     or null when it was not
     * @param viewerLogin where viewer-password was set, or null when viewers need no login
     */
    public record LoginHelp(String adminPassword, String viewerLogin) {
    }

    private static final Map<Integer, String> TITLES = Map.ofEntries(
            Map.entry(400, "Bad request"),
            Map.entry(401, "Login needed"),
            Map.entry(403, "Forbidden"),
            Map.entry(404, "Not found"),
            Map.entry(405, "Method not allowed"),
            Map.entry(408, "Request timeout"),
            Map.entry(411, "Length required"),
            Map.entry(413, "Request too large"),
            Map.entry(414, "Address too long"),
            Map.entry(415, "Unsupported media type"),
            Map.entry(417, "Expectation failed"),
            Map.entry(431, "Request headers too large"),
            Map.entry(500, "Internal error"),
            Map.entry(501, "Not implemented"),
            Map.entry(503, "Unavailable"),
            Map.entry(505, "HTTP version not supported"));

    private static final Map<Integer, String> SENTENCES = Map.ofEntries(
            Map.entry(400, "The request is not one camstream can read: a malformed request line or header, or a"
                    + " request line or headers longer than the server accepts."),
            Map.entry(403, "This address may not be opened."),
            Map.entry(404, "There is nothing at this address."),
            Map.entry(405, "This address does not take that method."),
            Map.entry(408, "The request did not arrive in time."),
            Map.entry(411, "This request needs a Content-Length."),
            Map.entry(413, "The request's body is larger than this address accepts."),
            Map.entry(414, "The address is longer than the server accepts."),
            Map.entry(415, "This address does not take a body of that type."),
            Map.entry(417, "The server cannot meet the request's Expect header."),
            Map.entry(431, "The request's headers are larger than the server accepts."),
            Map.entry(500, "Something went wrong inside camstream; the server's log says what."),
            Map.entry(501, "The server does not implement that method."),
            Map.entry(503, "camstream cannot answer this just now; try again in a few seconds."),
            Map.entry(505, "The server speaks HTTP/1.1 (and HTTP/1.0) only."));

    private static final String LOGIN_GENERATED = "Log in as the admin user with the password camstream generated"
            + " at its first start and keeps, readable only by the account camstream runs as, in %s: on the server,"
            + " cat %s shows it. To choose your own, start camstream with --admin-password. A watch-only login comes"
            + " from the viewer-user and viewer-password settings.";
    private static final String LOGIN_SET = "Log in as the admin user with the password of the admin-password"
            + " setting (--admin-password on camstream's command line, CAMSTREAM_ADMIN_PASSWORD, or"
            + " camstream.properties). Without that setting, camstream generates one and keeps it in admin-password"
            + " in its data directory (~/.camstream by default). A watch-only login comes from the viewer-user and"
            + " viewer-password settings.";
    private static final String LOGIN_TOMCAT = "Log in as a user of Tomcat's tomcat-users.xml"
            + " (/etc/tomcat10/tomcat-users.xml on Debian) with the role camstream-admin, or camstream-viewer"
            + " to watch only.";

    private ErrorPages() {
    }

    /**
     * The error for {@code status}.
     *
     * @param path the request's path inside the application (without the context path), or null when the
     *     request was too broken to have one
     * @param accept the request's Accept header, or null
     * @param contextPath where the viewer page is, for the HTML page's link back ({@code ""} at the root)
     * @param embedded whether this is the embedded server, for the 401's sentence
     */
    public static Page render(int status, String path, String accept, String contextPath, boolean embedded) {
        return render(status, path, accept, contextPath, embedded, null);
    }

    /**
     * The error for {@code status}, for a server whose generated admin password is in {@code passwordFile}
     * (null when the password was set, or is not camstream's to tell).
     */
    public static Page render(int status, String path, String accept, String contextPath, boolean embedded,
            String passwordFile) {
        return render(status, path, accept, contextPath, embedded, passwordFile, null);
    }

    /** The same, knowing where the logins in use come from ({@code help}, null when unknown). */
    public static Page render(int status, String path, String accept, String contextPath, boolean embedded,
            String passwordFile, LoginHelp help) {
        String sentence = status == 401 && embedded && help != null ? login(path, passwordFile, help)
                : sentence(status, embedded, passwordFile);
        if (wantsHtml(path, accept)) {
            return new Page("text/html;charset=UTF-8", html(status, sentence, contextPath));
        }
        return new Page("application/json;charset=UTF-8", Responses.errorBody(status, sentence));
    }

    static String sentence(int status, boolean embedded, String passwordFile) {
        if (status == 401) {
            if (!embedded) {
                return LOGIN_TOMCAT;
            }
            // Never the password itself: this page is shown to whoever cancels the login.
            return passwordFile == null ? LOGIN_SET : String.format(LOGIN_GENERATED, passwordFile, passwordFile);
        }
        String sentence = SENTENCES.get(status);
        return sentence != null ? sentence : "The request failed with HTTP status " + status + ".";
    }

    /** The 401 of the embedded server, naming the one place each password in use comes from. */
    static String login(String path, String passwordFile, LoginHelp help) {
        String admin = passwordFile != null
                ? String.format("The admin user's password is the one camstream generated at its first start and"
                        + " keeps, readable only by the account camstream runs as, in %s: on the server, cat %s"
                        + " shows it.", passwordFile, passwordFile)
                : help.adminPassword() != null
                        ? "The admin user's password is the admin-password setting, set by " + help.adminPassword()
                                + "."
                        : null;
        boolean adminOnly = path != null && (path.startsWith("/admin") || path.startsWith("/api/config"));
        StringBuilder sentence = new StringBuilder();
        if (!adminOnly && help.viewerLogin() != null) {
            sentence.append("Watching needs a login: the viewer-user with its viewer-password, set by ")
                    .append(help.viewerLogin()).append(", or the admin user. ");
        } else {
            sentence.append("Log in as the admin user. ");
        }
        if (admin != null) {
            sentence.append(admin);
        }
        return sentence.toString().trim();
    }

    static String title(int status) {
        String title = TITLES.get(status);
        return status + " " + (title != null ? title : status < 500 ? "Request error" : "Server error");
    }

    /**
     * Browsers get the page, everything else JSON. The API and the streams answer JSON even to a browser,
     * because scripts and media elements read them and JSON is what their documentation promises.
     */
    static boolean wantsHtml(String path, String accept) {
        if (path != null && (path.startsWith("/api/") || path.startsWith("/ws/") || path.startsWith("/stream.")
                || path.startsWith("/hls/")
                || path.equals("/snapshot.jpg"))) {
            return false;
        }
        if (accept == null) {
            return false;
        }
        for (String range : accept.toLowerCase(Locale.ROOT).split(",")) {
            String[] parts = range.trim().split(";");
            if (parts[0].trim().equals("text/html")) {
                for (int i = 1; i < parts.length; i++) {
                    String parameter = parts[i].trim();
                    if (parameter.startsWith("q=") && parameter.matches("q=0(\\.0{0,3})?")) {
                        return false; // "not HTML, please"
                    }
                }
                return true;
            }
        }
        return false;
    }

    private static byte[] html(int status, String sentence, String contextPath) {
        String title = escape(title(status));
        String home = escape((contextPath == null ? "" : contextPath) + "/");
        String page = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width\">"
                + "<title>" + title + " · camstream</title>" + STYLE + "</head>\n"
                + "<body><h1>" + title + "</h1>\n<p>" + escape(sentence) + "</p>\n"
                + "<p><a href=\"" + home + "\">Back to the camera</a></p></body></html>\n";
        return page.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The pages' look, inline: the stylesheet itself may be behind the very login this page is about, and an
     * error page must not depend on another request.
     */
    private static final String STYLE = "<style>:root{color-scheme:light dark;--fg:#1d1d1f;--bg:#fff;--muted:#6e6e73;"
            + "--accent:#0a66c2}@media (prefers-color-scheme:dark){:root{--fg:#f5f5f7;--bg:#111;--muted:#a9a9ae;"
            + "--accent:#74c0fc}}body{margin:0 auto;max-width:40rem;padding:2rem 1.25rem;color:var(--fg);"
            + "background:var(--bg);font:16px/1.5 system-ui,-apple-system,\"Segoe UI\",Roboto,sans-serif}"
            + "h1{font-size:1.4rem;margin:0 0 .75rem}h1::before{content:\"camstream\";display:block;"
            + "font-size:.85rem;font-weight:600;color:var(--muted)}p{margin:.5rem 0}a{color:var(--accent)}</style>";

    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length());
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '&' -> out.append("&amp;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }
}
