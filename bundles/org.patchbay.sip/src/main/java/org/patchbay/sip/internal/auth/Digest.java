package org.patchbay.sip.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import org.patchbay.api.identity.DigestAlgorithm;

/** The digest computations of RFC 7616 §3.4.1 (qop=auth) and RFC 2069 (no qop), lower-case hex. */
final class Digest {

    private Digest() {
    }

    static String hash(DigestAlgorithm algorithm, String text) {
        try {
            MessageDigest md = MessageDigest.getInstance(algorithm.jcaName());
            return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("JDK lacks " + algorithm.jcaName(), e);
        }
    }

    /** {@code H(user:realm:password)}, for tests and the dummy credential of unknown users. */
    static String ha1(DigestAlgorithm algorithm, String user, String realm, String password) {
        return hash(algorithm, user + ":" + realm + ":" + password);
    }

    /**
     * The expected {@code response}: {@code H(HA1:nonce:nc:cnonce:qop:H(method:uri))} with qop, or
     * {@code H(HA1:nonce:H(method:uri))} without (RFC 2069 clients; nc and cnonce are then ignored).
     */
    static String response(DigestAlgorithm algorithm, String ha1, String nonce, String nc, String cnonce, String qop,
                           String method, String uri) {
        String ha2 = hash(algorithm, method + ":" + uri);
        if (qop == null) {
            return hash(algorithm, ha1 + ":" + nonce + ":" + ha2);
        }
        return hash(algorithm, ha1 + ":" + nonce + ":" + nc + ":" + cnonce + ":" + qop + ":" + ha2);
    }

    /** Constant-time comparison of two hex strings, case-insensitive. */
    static boolean same(String expected, String actual) {
        if (actual == null) {
            return false;
        }
        return MessageDigest.isEqual(expected.getBytes(StandardCharsets.US_ASCII),
                actual.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII));
    }

    /** The algorithm named by a challenge or response token ({@code MD5}, {@code SHA-256}), or null. */
    static DigestAlgorithm algorithm(String token) {
        for (DigestAlgorithm a : DigestAlgorithm.values()) {
            if (a.token().equalsIgnoreCase(token)) {
                return a;
            }
        }
        return null;
    }
}
