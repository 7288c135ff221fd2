package org.camstream.rtsp;

/**
 * Who may watch over RTSP: the same logins as the web pages, checked by whoever holds them (under Tomcat, its
 * realm). Both checks answer whether the login is right and may watch (role camstream-viewer or camstream-admin).
 */
public interface Logins {

    /** No login needed: the viewer-auth setting is off. */
    Logins NONE = new Logins() {
        @Override
        public boolean required() {
            return false;
        }

        @Override
        public boolean basic(String user, String password) {
            return true;
        }

        @Override
        public boolean digest(Digest digest) {
            return true;
        }
    };

    boolean required();

    /** A Basic login: the password as the client sent it. */
    boolean basic(String user, String password);

    /** A Digest login (RFC 2617): what the client computed, to be checked against the stored password. */
    boolean digest(Digest digest);

    /**
     * The parts of a Digest {@code Authorization} header that the check needs; {@code digestA2} is the hex MD5
     * of {@code method:uri}, and {@code qop}, {@code nc} and {@code cnonce} are null when the client sent none, as
     * most RTSP clients do.
     */
    record Digest(String user, String response, String nonce, String nc, String cnonce, String qop, String realm,
            String digestA2) {
    }
}
