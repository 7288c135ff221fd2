package org.camstream.web;

import jakarta.servlet.ServletContext;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.Principal;
import java.util.HexFormat;
import org.apache.catalina.Context;
import org.apache.catalina.Realm;
import org.apache.catalina.realm.CombinedRealm;
import org.apache.catalina.realm.RealmBase;
import org.camstream.rtsp.Logins;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The web pages' logins, for RTSP: Tomcat's realm of this application (the embedded server's users, or
 * tomcat-users.xml under Debian's tomcat10, behind its LockOutRealm), which RTSP checks Basic and Digest logins
 * against, with the same roles as the pages. Digest needs the realm to know the password itself, as
 * tomcat-users.xml does when it holds passwords in the clear (or as Digest's own MD5 of user:realm:password);
 * Basic works whatever the realm stores.
 *
 * <p>Tomcat checks only RFC 2617's Digest with {@code qop=auth}; most RTSP clients (ffmpeg, GStreamer, VLC's
 * live555) answer the older form without {@code qop}, as RFC 2326 shows it. For those the response is checked
 * here, from the realm's digest of the user's password, and the realm is then asked for the user by name, which
 * a LockOutRealm still refuses while the user is locked out.
 *
 * <p>The Servlet API does not hand out the realm, so it is read from Tomcat's own classes behind the
 * ServletContext. Under another container there is none: RTSP then admits no one while viewer-auth is on, and
 * says why.
 */
final class ContainerLogins implements Logins {

    private static final Logger LOG = LoggerFactory.getLogger(ContainerLogins.class);

    private final Realm realm;

    private ContainerLogins(Realm realm) {
        this.realm = realm;
    }

    /** The logins RTSP checks: none when viewer-auth is off. */
    static Logins of(ServletContext servletContext, boolean viewerAuth) {
        if (!viewerAuth) {
            return Logins.NONE;
        }
        Realm realm = realm(servletContext);
        if (realm == null) {
            LOG.warn("RTSP: viewer-auth is on, but this container's logins cannot be reached: RTSP admits no one");
        }
        return new ContainerLogins(realm);
    }

    private static Realm realm(ServletContext servletContext) {
        try {
            Object application = field(servletContext, "context"); // ApplicationContextFacade → ApplicationContext
            Object context = field(application, "context"); // ApplicationContext → StandardContext
            return context instanceof Context tomcat ? tomcat.getRealm() : null;
        } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
            return null;
        }
    }

    private static Object field(Object owner, String name) throws ReflectiveOperationException {
        Field field = owner.getClass().getDeclaredField(name);
        field.setAccessible(true);
        return field.get(owner);
    }

    @Override
    public boolean required() {
        return true;
    }

    @Override
    public boolean basic(String user, String password) {
        return realm != null && mayWatch(realm.authenticate(user, password));
    }

    @Override
    public boolean digest(Digest d) {
        if (realm == null) {
            return false;
        }
        if (d.qop() == null) {
            return digestWithoutQop(d);
        }
        return mayWatch(realm.authenticate(d.user(), d.response(), d.nonce(), d.nc(), d.cnonce(), d.qop(), d.realm(),
                d.digestA2(), "MD5"));
    }

    /** RFC 2069's Digest, without qop: MD5(HA1:nonce:HA2), HA1 from the realm. */
    private boolean digestWithoutQop(Digest d) {
        String a1 = digestA1(realm, d.user(), d.realm());
        if (a1 == null) {
            return false;
        }
        String expected = md5Hex(a1.toLowerCase(java.util.Locale.ROOT) + ":" + d.nonce() + ":" + d.digestA2());
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                d.response().toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))
                && mayWatch(realm.authenticate(d.user()));
    }

    /** The realm's MD5 of user:realm:password, from the first nested realm that knows the user. */
    private static String digestA1(Realm realm, String user, String realmName) {
        if (realm instanceof CombinedRealm combined) {
            for (Realm nested : combined.getNestedRealms()) {
                String a1 = digestA1(nested, user, realmName);
                if (a1 != null) {
                    return a1;
                }
            }
            return null;
        }
        if (!(realm instanceof RealmBase)) {
            return null;
        }
        try {
            Method digest = RealmBase.class.getDeclaredMethod("getDigest", String.class, String.class, String.class);
            digest.setAccessible(true);
            return (String) digest.invoke(realm, user, realmName, "MD5");
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null; // a realm that cannot say (hashed passwords): Basic still works
        }
    }

    private static String md5Hex(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private boolean mayWatch(Principal principal) {
        return principal != null && (realm.hasRole(null, principal, ViewerLoginGuard.VIEWER_ROLE)
                || realm.hasRole(null, principal, ViewerLoginGuard.ADMIN_ROLE));
    }
}
