package org.camstream.rtsp;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.function.LongSupplier;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The viewer login over RTSP, as Basic and as Digest (RFC 2617, which RTSP 1.0 clients use without
 * {@code qop}): a request without a right login gets a {@code 401} with both challenges, Digest first.
 *
 * <p>Nonces are not stored: each is the time it was made and a keyed hash of it, so any number of clients cost
 * nothing, and one is good for {@link #NONCE_LIFETIME_MILLIS}, after which the client is told it is stale and
 * logs in again without asking its user.
 */
final class RtspAuth {

    static final String REALM = "camstream";
    static final long NONCE_LIFETIME_MILLIS = 5 * 60_000;

    private final Logins logins;
    private final LongSupplier millis;
    private final Mac mac;

    RtspAuth(Logins logins, LongSupplier millis) {
        this.logins = logins;
        this.millis = millis;
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        try {
            mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("the JVM has no HmacSHA256", e);
        }
    }

    /** The 401 to answer, or null when the request may go on. */
    RtspResponse check(RtspRequest request) {
        if (!logins.required()) {
            return null;
        }
        String authorization = request.header("authorization");
        boolean stale = false;
        if (authorization != null) {
            String scheme = authorization.split(" ", 2)[0].toLowerCase(Locale.ROOT);
            String rest = authorization.length() > scheme.length() ? authorization.substring(scheme.length()).trim() : "";
            if (scheme.equals("basic") && basic(rest)) {
                return null;
            }
            if (scheme.equals("digest")) {
                Map<String, String> fields = fields(rest);
                String nonce = fields.get("nonce");
                if (nonce != null && nonceValid(nonce) && digest(fields, request.method())) {
                    return null;
                }
                stale = nonce != null && nonceMadeHere(nonce) && !nonceValid(nonce);
            }
        }
        return RtspResponse.error(RtspStatus.UNAUTHORIZED, authorization == null
                ? "this camera needs a login: the same as for its web page"
                : stale ? "the login's nonce is stale: log in again" : "that login is wrong, or may not watch")
                .header("WWW-Authenticate", "Digest realm=\"" + REALM + "\", nonce=\"" + nonce() + "\""
                        + (stale ? ", stale=TRUE" : ""))
                .header("WWW-Authenticate", "Basic realm=\"" + REALM + "\"");
    }

    private boolean basic(String encoded) {
        String decoded;
        try {
            decoded = new String(Base64.getDecoder().decode(encoded.trim()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return false;
        }
        int colon = decoded.indexOf(':');
        return colon > 0 && logins.basic(decoded.substring(0, colon), decoded.substring(colon + 1));
    }

    private boolean digest(Map<String, String> f, String method) {
        String user = f.get("username");
        String uri = f.get("uri");
        String response = f.get("response");
        String algorithm = f.getOrDefault("algorithm", "MD5");
        if (user == null || uri == null || response == null || !REALM.equals(f.get("realm"))
                || !algorithm.equalsIgnoreCase("MD5")) {
            return false;
        }
        String qop = f.get("qop");
        if (qop != null && (!qop.equals("auth") || f.get("nc") == null || f.get("cnonce") == null)) {
            return false;
        }
        String a2 = md5Hex(method + ":" + uri);
        return logins.digest(new Logins.Digest(user, response, f.get("nonce"), qop == null ? null : f.get("nc"),
                qop == null ? null : f.get("cnonce"), qop, REALM, a2));
    }

    String nonce() {
        String time = Long.toHexString(millis.getAsLong());
        return time + "." + sign(time);
    }

    private boolean nonceMadeHere(String nonce) {
        int dot = nonce.indexOf('.');
        return dot > 0 && MessageDigest.isEqual(sign(nonce.substring(0, dot)).getBytes(StandardCharsets.US_ASCII),
                nonce.substring(dot + 1).getBytes(StandardCharsets.US_ASCII));
    }

    private boolean nonceValid(String nonce) {
        if (!nonceMadeHere(nonce)) {
            return false;
        }
        try {
            long made = Long.parseUnsignedLong(nonce.substring(0, nonce.indexOf('.')), 16);
            long age = millis.getAsLong() - made;
            return age >= 0 && age <= NONCE_LIFETIME_MILLIS;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private synchronized String sign(String time) {
        byte[] hash = mac.doFinal(time.getBytes(StandardCharsets.US_ASCII));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(hash).substring(0, 22);
    }

    /** {@code name="value", name=value, …}; a malformed header gives what could be read, which then fails. */
    static Map<String, String> fields(String header) {
        Map<String, String> fields = new HashMap<>();
        int i = 0;
        int n = header.length();
        while (i < n && fields.size() < 16) {
            while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == ',')) {
                i++;
            }
            int eq = header.indexOf('=', i);
            if (eq < 0) {
                break;
            }
            String name = header.substring(i, eq).trim().toLowerCase(Locale.ROOT);
            i = eq + 1;
            String value;
            if (i < n && header.charAt(i) == '"') {
                int close = header.indexOf('"', i + 1);
                if (close < 0) {
                    break;
                }
                value = header.substring(i + 1, close);
                i = close + 1;
            } else {
                int comma = header.indexOf(',', i);
                int end = comma < 0 ? n : comma;
                value = header.substring(i, end).trim();
                i = end;
            }
            fields.putIfAbsent(name, value);
        }
        return fields;
    }

    static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("the JVM has no MD5", e);
        }
    }
}
