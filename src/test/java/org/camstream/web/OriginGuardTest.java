package org.camstream.web;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

class OriginGuardTest {

    @Test
    void aPageFromTheServerItselfMayConnect() {
        assertTrue(OriginGuard.isAllowed("http://pi.local:8080", "pi.local:8080", List.of()));
        assertTrue(OriginGuard.isAllowed("http://PI.local:8080", "pi.local:8080", List.of()), "host names ignore case");
        assertTrue(OriginGuard.isAllowed("http://pi.local", "pi.local:80", List.of()), "default port made explicit");
        assertTrue(OriginGuard.isAllowed("https://cam.example.org", "cam.example.org", List.of()), "behind TLS");
        assertTrue(OriginGuard.isAllowed("http://[::1]:8080", "[::1]:8080", List.of()));
    }

    @Test
    void aPageFromAnotherSiteMayNot() {
        assertFalse(OriginGuard.isAllowed("http://evil.example", "pi.local:8080", List.of()));
        assertFalse(OriginGuard.isAllowed("http://pi.local:9090", "pi.local:8080", List.of()), "another port");
        assertFalse(OriginGuard.isAllowed("null", "pi.local:8080", List.of()), "opaque origin (file:, sandbox)");
        assertFalse(OriginGuard.isAllowed("http://pi.local:8080", null, List.of()), "no Host to compare with");
        assertFalse(OriginGuard.isAllowed("not a url", "pi.local:8080", List.of()));
    }

    @Test
    void theAllowListAddsOrigins() {
        List<String> allowed = List.of("http://dashboard.lan:3000", "https://home.example");
        assertTrue(OriginGuard.isAllowed("http://dashboard.lan:3000", "pi.local:8080", allowed));
        assertTrue(OriginGuard.isAllowed("https://home.example:443", "pi.local:8080", allowed));
        assertFalse(OriginGuard.isAllowed("http://dashboard.lan:3001", "pi.local:8080", allowed));
    }
}
