package org.patchbay.http.internal.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * Checks an {@code Authorization} header against the admin token (RFC 6750 bearer scheme). Both sides
 * are hashed before the constant-time comparison, so neither the content nor the length of the token
 * leaks through timing.
 */
public final class BearerCheck {

    /** Why a header was refused, in words safe to send back and to log (never the token). */
    public enum Outcome {
        OK(""),
        MISSING("missing Authorization header: send 'Authorization: Bearer <token from data/admin.token>'"),
        NOT_BEARER("Authorization header does not use the Bearer scheme"),
        WRONG_TOKEN("invalid bearer token");

        private final String detail;

        Outcome(String detail) {
            this.detail = detail;
        }

        public String detail() {
            return detail;
        }
    }

    private static final String SCHEME = "Bearer";
    private final byte[] tokenDigest;

    public BearerCheck(String token) {
        if (token == null || token.isEmpty()) {
            throw new IllegalArgumentException("empty token");
        }
        this.tokenDigest = sha256(token);
    }

    public Outcome check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return Outcome.MISSING;
        }
        String h = authorization.strip();
        // the scheme name is case-insensitive (RFC 9110 §11.1)
        if (!h.regionMatches(true, 0, SCHEME, 0, SCHEME.length())
                || h.length() > SCHEME.length() && h.charAt(SCHEME.length()) != ' ') {
            return Outcome.NOT_BEARER;
        }
        String presented = h.substring(SCHEME.length()).strip();
        return MessageDigest.isEqual(tokenDigest, sha256(presented)) ? Outcome.OK : Outcome.WRONG_TOKEN;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is mandatory in every JDK", e);
        }
    }
}
