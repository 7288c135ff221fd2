package org.camstream.rtsp;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link RtspAuth}: Basic and Digest (RFC 2617) logins against {@link Logins}, with a clock the test moves. The
 * client's Digest response is computed here from the password, independently of the class under test.
 */
class RtspAuthTest {

    private static final String USER = "viewer";
    private static final String PASSWORD = "s3cret:with colon";
    private static final String URI = "rtsp://cam:8554/garden";
    private static final long T0 = 1_700_000_000_000L;

    private final AtomicLong clock = new AtomicLong(T0);
    private final StoredPasswords logins = new StoredPasswords(Map.of(USER, PASSWORD));
    private final RtspAuth auth = new RtspAuth(logins, clock::get);

    /**
     * Logins that hold the passwords in the clear, as tomcat-users.xml does, and check a Digest the way Tomcat's
     * realm does: from the password and the parts RtspAuth hands over. It keeps what it was asked.
     */
    static final class StoredPasswords implements Logins {
        final Map<String, String> passwords;
        final List<Object> asked = new ArrayList<>();

        StoredPasswords(Map<String, String> passwords) {
            this.passwords = passwords;
        }

        @Override
        public boolean required() {
            return true;
        }

        @Override
        public boolean basic(String user, String password) {
            asked.add(List.of(user, password));
            return password.equals(passwords.get(user));
        }

        @Override
        public boolean digest(Digest d) {
            asked.add(d);
            String password = passwords.get(d.user());
            if (password == null) {
                return false;
            }
            String ha1 = md5(d.user() + ":" + d.realm() + ":" + password);
            String expected = d.qop() == null ? md5(ha1 + ":" + d.nonce() + ":" + d.digestA2())
                    : md5(ha1 + ":" + d.nonce() + ":" + d.nc() + ":" + d.cnonce() + ":" + d.qop() + ":" + d.digestA2());
            return expected.equals(d.response());
        }
    }

    static String md5(String text) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    /** What an RFC 2617 client answers to a challenge, without qop as most RTSP clients do. */
    static String digestResponse(String user, String realm, String password, String method, String uri, String nonce) {
        return md5(md5(user + ":" + realm + ":" + password) + ":" + nonce + ":" + md5(method + ":" + uri));
    }

    static String digestResponseWithQop(String user, String realm, String password, String method, String uri,
            String nonce, String nc, String cnonce) {
        return md5(md5(user + ":" + realm + ":" + password) + ":" + nonce + ":" + nc + ":" + cnonce + ":auth:"
                + md5(method + ":" + uri));
    }

    private static String digestHeader(String user, String realm, String nonce, String uri, String response) {
        return "Digest username=\"" + user + "\", realm=\"" + realm + "\", nonce=\"" + nonce + "\", uri=\"" + uri
                + "\", response=\"" + response + "\"";
    }

    private String validDigest(String method, String nonce) {
        return digestHeader(USER, RtspAuth.REALM, nonce, URI,
                digestResponse(USER, RtspAuth.REALM, PASSWORD, method, URI, nonce));
    }

    private static RtspRequest request(String method, String authorization) {
        List<Map.Entry<String, String>> headers = new ArrayList<>();
        headers.add(Map.entry("cseq", "3"));
        if (authorization != null) {
            headers.add(Map.entry("authorization", authorization));
        }
        return new RtspRequest(method, URI, "RTSP/1.0", headers, new byte[0]);
    }

    private RtspResponse check(String method, String authorization) {
        return auth.check(request(method, authorization));
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    /** The response as the client reads it. */
    private static String text(RtspResponse response) {
        return StandardCharsets.UTF_8.decode(response.toBytes("3")).toString();
    }

    private static List<String> challenges(RtspResponse response) {
        List<String> challenges = new ArrayList<>();
        for (String line : text(response).split("\r\n")) {
            if (line.startsWith("WWW-Authenticate: ")) {
                challenges.add(line.substring("WWW-Authenticate: ".length()));
            }
        }
        return challenges;
    }

    private static final Pattern NONCE = Pattern.compile("nonce=\"([^\"]*)\"");

    /** The nonce of a 401's Digest challenge. */
    private static String nonceOf(RtspResponse response) {
        Matcher m = NONCE.matcher(challenges(response).get(0));
        assertTrue(m.find(), challenges(response)::toString);
        return m.group(1);
    }

    private static void assertRefused(RtspResponse response) {
        assertNotNull(response, "refused");
        assertEquals(RtspStatus.UNAUTHORIZED, response.status());
        assertFalse(text(response).contains(PASSWORD), "the password is never in a response");
    }

    // ---------------------------------------------------------------- no login needed

    @Test
    void loginsNoneLetsEveryoneIn() {
        RtspAuth open = new RtspAuth(Logins.NONE, clock::get);
        assertNull(open.check(request("DESCRIBE", null)));
        assertNull(open.check(request("DESCRIBE", basic("anyone", "anything"))));
        assertNull(open.check(request("DESCRIBE", "Digest garbage")));
        assertFalse(Logins.NONE.required());
        assertTrue(Logins.NONE.basic("x", "y"));
    }

    // ---------------------------------------------------------------- the challenge

    @Test
    void noLoginGets401WithDigestFirstThenBasic() {
        RtspResponse response = check("DESCRIBE", null);
        assertRefused(response);
        List<String> challenges = challenges(response);
        assertEquals(2, challenges.size(), challenges::toString);
        String nonce = nonceOf(response);
        assertEquals("Digest realm=\"camstream\", nonce=\"" + nonce + "\"", challenges.get(0));
        assertEquals("Basic realm=\"camstream\"", challenges.get(1));
        assertTrue(text(response).contains("needs a login"), "the client's user is told why");
        assertTrue(logins.asked.isEmpty(), "nothing to check");
    }

    @Test
    void aNonceIsTheTimeAndAKeyedHashOfItInCharactersThatNeedNoQuoting() {
        String nonce = auth.nonce();
        assertTrue(nonce.matches("[0-9a-f]+\\.[A-Za-z0-9_-]{22}"), nonce);
        assertEquals(Long.toHexString(T0), nonce.substring(0, nonce.indexOf('.')));
        assertEquals(nonce, auth.nonce(), "the same millisecond, the same nonce");
        assertNotEquals(nonce, new RtspAuth(logins, clock::get).nonce(), "each server has its own key");
    }

    // ---------------------------------------------------------------- Basic

    @Test
    void basicWithTheRightPasswordIsLetIn() {
        assertNull(check("DESCRIBE", basic(USER, PASSWORD)));
        assertEquals(List.of(List.of(USER, PASSWORD)), logins.asked, "the user, and the password after the first colon");
    }

    @Test
    void basicSchemeNameIsCaseInsensitive() {
        assertNull(check("DESCRIBE", basic(USER, PASSWORD).replace("Basic", "bAsIc")));
    }

    @Test
    void basicWithAWrongPasswordOrUserIs401() {
        assertRefused(check("DESCRIBE", basic(USER, "wrong")));
        assertRefused(check("DESCRIBE", basic("nobody", PASSWORD)));
        RtspResponse response = check("DESCRIBE", basic(USER, "wrong"));
        assertTrue(text(response).contains("wrong"), "says the login is wrong");
        assertEquals(2, challenges(response).size(), "and challenges again");
    }

    @Test
    void malformedBasicIs401WithoutAskingTheLogins() {
        for (String header : new String[] {"Basic", "Basic ", "Basic !!!notbase64", "Basic "
                + Base64.getEncoder().encodeToString("nocolon".getBytes(StandardCharsets.UTF_8)), "Basic "
                + Base64.getEncoder().encodeToString((":" + PASSWORD).getBytes(StandardCharsets.UTF_8))}) {
            assertRefused(check("DESCRIBE", header));
        }
        assertTrue(logins.asked.isEmpty(), logins.asked::toString);
    }

    // ---------------------------------------------------------------- Digest

    @Test
    void theTestsDigestIsRfc2617s() {
        // RFC 2617, section 3.5: the tests' own computation, checked on the RFC's example, and RtspAuth's MD5.
        assertEquals("6629fae49393a05397450978507c4ef1", digestResponseWithQop("Mufasa", "testrealm@host.com",
                "Circle Of Life", "GET", "/dir/index.html", "dcd98b7102dd2f0e8b11d0f600bfb0c093", "00000001", "0a4f113b"));
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", RtspAuth.md5Hex(""));
        assertEquals(md5("GET:/dir/index.html"), RtspAuth.md5Hex("GET:/dir/index.html"));
    }

    @Test
    void digestWithoutQopAnsweringTheChallengeIsLetIn() {
        String nonce = nonceOf(check("DESCRIBE", null));
        assertNull(check("DESCRIBE", validDigest("DESCRIBE", nonce)));
        Logins.Digest asked = (Logins.Digest) logins.asked.get(0);
        assertEquals(new Logins.Digest(USER, digestResponse(USER, "camstream", PASSWORD, "DESCRIBE", URI, nonce), nonce,
                null, null, null, "camstream", md5("DESCRIBE:" + URI)), asked);
    }

    @Test
    void digestWithQopAuthIsLetIn() {
        String nonce = auth.nonce();
        String response = digestResponseWithQop(USER, RtspAuth.REALM, PASSWORD, "SETUP", URI, nonce, "00000001", "abcdef01");
        assertNull(check("SETUP", "Digest username=\"" + USER + "\", realm=\"camstream\", nonce=\"" + nonce
                + "\", uri=\"" + URI + "\", qop=auth, nc=00000001, cnonce=\"abcdef01\", response=\"" + response
                + "\", algorithm=MD5"));
    }

    @Test
    void digestWithQopButNoNcOrCnonceOrAnotherQopIs401() {
        String nonce = auth.nonce();
        String response = digestResponseWithQop(USER, RtspAuth.REALM, PASSWORD, "SETUP", URI, nonce, "00000001", "c");
        String base = "Digest username=\"" + USER + "\", realm=\"camstream\", nonce=\"" + nonce + "\", uri=\"" + URI
                + "\", response=\"" + response + "\"";
        assertRefused(check("SETUP", base + ", qop=auth, cnonce=\"c\""));
        assertRefused(check("SETUP", base + ", qop=auth, nc=00000001"));
        assertRefused(check("SETUP", base + ", qop=auth-int, nc=00000001, cnonce=\"c\""));
    }

    @Test
    void theMethodIsPartOfTheDigest() {
        // A response computed for DESCRIBE does not let a PLAY in.
        String nonce = auth.nonce();
        assertRefused(check("PLAY", validDigest("DESCRIBE", nonce)));
        assertNull(check("PLAY", validDigest("PLAY", nonce)));
    }

    @Test
    void digestWithAWrongPasswordIs401AndNotStale() {
        String nonce = auth.nonce();
        RtspResponse response = check("DESCRIBE", digestHeader(USER, RtspAuth.REALM, nonce, URI,
                digestResponse(USER, RtspAuth.REALM, "wrong", "DESCRIBE", URI, nonce)));
        assertRefused(response);
        assertFalse(challenges(response).get(0).contains("stale"), challenges(response)::toString);
        assertTrue(text(response).contains("wrong"));
    }

    @Test
    void digestWithAnotherAlgorithmOrMissingPartsIs401WithoutAskingTheLogins() {
        String nonce = auth.nonce();
        String good = validDigest("DESCRIBE", nonce);
        for (String header : new String[] {good + ", algorithm=SHA-256", good.replace("username=\"viewer\", ", ""),
                good.replace("uri=\"" + URI + "\", ", ""), good.replaceAll(", response=\"[0-9a-f]+\"", ""),
                good.replace("realm=\"camstream\", ", ""), "Digest", "Digest ", "Digest =,=,\"", "Digest nonce"}) {
            assertRefused(check("DESCRIBE", header));
        }
        assertTrue(logins.asked.isEmpty(), logins.asked::toString);
        assertNull(check("DESCRIBE", good + ", algorithm=md5"), "MD5 in any case is MD5");
    }

    @Test
    void aLoginForAnotherRealmIs401() {
        // Computed with the right password, but for a realm that is not this server's.
        String nonce = auth.nonce();
        assertRefused(check("DESCRIBE", digestHeader(USER, "other", nonce, URI,
                digestResponse(USER, "other", PASSWORD, "DESCRIBE", URI, nonce))));
        assertTrue(logins.asked.isEmpty(), "refused before the password is looked at");
    }

    @Test
    void aNonceFromAnotherServerIs401AndNotStale() {
        // Another server (or this one before a restart) signs with another key.
        String foreign = new RtspAuth(logins, clock::get).nonce();
        RtspResponse response = check("DESCRIBE", validDigest("DESCRIBE", foreign));
        assertRefused(response);
        assertFalse(challenges(response).get(0).contains("stale"));
        assertNotEquals(foreign, nonceOf(response), "a fresh nonce of its own");
    }

    @Test
    void aTamperedNonceIs401() {
        String nonce = auth.nonce();
        int dot = nonce.indexOf('.');
        String later = Long.toHexString(T0 + 3_600_000) + nonce.substring(dot); // claims to be made an hour later
        String flipped = nonce.substring(0, nonce.length() - 1) + (nonce.endsWith("A") ? "B" : "A");
        for (String bad : new String[] {later, flipped, nonce.substring(0, dot), nonce.substring(dot), "." + nonce,
                nonce + "x", ""}) {
            RtspResponse response = check("DESCRIBE", validDigest("DESCRIBE", bad));
            assertRefused(response);
            assertFalse(challenges(response).get(0).contains("stale"), bad);
        }
    }

    @Test
    void aNonceIsGoodForFiveMinutesThenStale() {
        String nonce = auth.nonce();
        assertEquals(5 * 60_000, RtspAuth.NONCE_LIFETIME_MILLIS);
        clock.set(T0 + RtspAuth.NONCE_LIFETIME_MILLIS);
        assertNull(check("DESCRIBE", validDigest("DESCRIBE", nonce)), "at five minutes, still good");

        clock.set(T0 + RtspAuth.NONCE_LIFETIME_MILLIS + 1);
        RtspResponse stale = check("DESCRIBE", validDigest("DESCRIBE", nonce));
        assertRefused(stale);
        String newNonce = nonceOf(stale);
        assertEquals("Digest realm=\"camstream\", nonce=\"" + newNonce + "\", stale=TRUE", challenges(stale).get(0),
                "stale=TRUE: the client logs in again without asking its user");
        assertTrue(text(stale).contains("stale"));
        assertNotEquals(nonce, newNonce);

        assertNull(check("DESCRIBE", validDigest("DESCRIBE", newNonce)), "the new nonce works");
    }

    @Test
    void aNonceFromTheFutureIsRefused() {
        // The clock went back (or the nonce was made by this key at a time not yet come): not valid.
        String nonce = auth.nonce();
        clock.set(T0 - 1);
        assertRefused(check("DESCRIBE", validDigest("DESCRIBE", nonce)));
    }

    @Test
    void aUserTheLoginsDoNotKnowIs401() {
        String nonce = auth.nonce();
        assertRefused(check("DESCRIBE", digestHeader("nobody", RtspAuth.REALM, nonce, URI,
                digestResponse("nobody", RtspAuth.REALM, PASSWORD, "DESCRIBE", URI, nonce))));
    }

    @Test
    void anUnknownSchemeIs401() {
        assertRefused(check("DESCRIBE", "Bearer abc"));
        assertRefused(check("DESCRIBE", ""));
    }

    // ---------------------------------------------------------------- the password stays secret

    @Test
    void noResponseOrRecordTextHoldsThePassword() {
        String nonce = auth.nonce();
        List<RtspResponse> responses = List.of(check("DESCRIBE", basic(USER, PASSWORD + "x")),
                check("DESCRIBE", basic(USER + "x", PASSWORD)),
                check("DESCRIBE", digestHeader(USER, "other", nonce, URI, PASSWORD)),
                check("DESCRIBE", "Digest username=\"" + PASSWORD + "\""), check("DESCRIBE", "Basic " + PASSWORD));
        for (RtspResponse response : responses) {
            assertRefused(response);
        }
        for (Object asked : logins.asked) {
            if (asked instanceof Logins.Digest digest) {
                assertFalse(digest.toString().contains(PASSWORD), digest::toString);
            }
        }
    }

    // ---------------------------------------------------------------- the header's fields

    @Test
    void fieldsReadQuotedAndBareValuesFirstOneWins() {
        Map<String, String> f = RtspAuth.fields("username=\"a, b\",  Realm=camstream ,nc=00000001, username=\"x\"");
        assertEquals(Map.of("username", "a, b", "realm", "camstream", "nc", "00000001"), f);
    }

    @Test
    void fieldsStopAtAnUnclosedQuoteAndAtSixteen() {
        assertEquals(Map.of("a", "1"), RtspAuth.fields("a=1, b=\"unclosed"));
        StringBuilder many = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            many.append("f").append(i).append("=").append(i).append(", ");
        }
        assertEquals(16, RtspAuth.fields(many.toString()).size());
    }
}
