package org.patchbay.sip.internal.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.patchbay.api.identity.DigestAlgorithm;

/** RFC 7616 §3.9.1: the example with qop=auth, for MD5 and SHA-256. */
class DigestTest {
    private static final String USER = "Mufasa";
    private static final String REALM = "http-auth@example.org";
    private static final String PASSWORD = "Circle of Life";
    private static final String NONCE = "7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v";
    private static final String CNONCE_MD5 = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";
    private static final String CNONCE_SHA = "f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ";

    @Test
    void rfc7616Md5Example() {
        String ha1 = Digest.ha1(DigestAlgorithm.MD5, USER, REALM, PASSWORD);
        assertEquals("8ca523f5e9506fed4657c9700eebdbec",
                Digest.response(DigestAlgorithm.MD5, ha1, NONCE, "00000001", CNONCE_MD5, "auth", "GET", "/dir/index.html"));
    }

    @Test
    void rfc7616Sha256Example() {
        String ha1 = Digest.ha1(DigestAlgorithm.SHA_256, USER, REALM, PASSWORD);
        assertEquals("753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1",
                Digest.response(DigestAlgorithm.SHA_256, ha1, NONCE, "00000001", CNONCE_SHA, "auth", "GET",
                        "/dir/index.html"));
    }

    @Test
    void comparisonIgnoresCaseAndRejectsNull() {
        assertTrue(Digest.same("8ca523f5e9506fed4657c9700eebdbec", "8CA523F5E9506FED4657C9700EEBDBEC"));
        assertFalse(Digest.same("8ca523f5e9506fed4657c9700eebdbec", null));
        assertFalse(Digest.same("8ca523f5e9506fed4657c9700eebdbec", "8ca523f5e9506fed4657c9700eebdbe"));
    }

    @Test
    void algorithmTokens() {
        assertEquals(DigestAlgorithm.SHA_256, Digest.algorithm("sha-256"));
        assertEquals(DigestAlgorithm.MD5, Digest.algorithm("MD5"));
        assertEquals(null, Digest.algorithm("SHA-512-256"));
    }
}
