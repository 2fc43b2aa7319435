package org.patchbay.media.internal.stun;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

/**
 * ICE username fragment and password (RFC 8445 §5.3, RFC 8839 §5.4): ice-chars only, the ufrag 4..256
 * characters carrying at least 24 random bits, the password 22..256 characters carrying at least 128.
 *
 * @param ufrag the username fragment, sent in SDP as {@code a=ice-ufrag}
 * @param pwd   the password, sent in SDP as {@code a=ice-pwd}; never logged
 */
public record IceCredentials(String ufrag, String pwd) {

    private static final String ICE_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    /** Generated ufrag length: 8 ice-chars, 48 random bits. */
    public static final int UFRAG_LENGTH = 8;
    /** Generated password length: 24 ice-chars, 144 random bits. */
    public static final int PWD_LENGTH = 24;

    public IceCredentials {
        if (!isIceChars(ufrag, 4) || !isIceChars(pwd, 22)) {
            throw new IllegalArgumentException("ICE ufrag needs 4-256 and pwd 22-256 ice-chars");
        }
    }

    /** Fresh random credentials. */
    public static IceCredentials generate(SecureRandom random) {
        return new IceCredentials(randomChars(random, UFRAG_LENGTH), randomChars(random, PWD_LENGTH));
    }

    /** Whether {@code s} is {@code min}..256 ice-chars ({@code ALPHA / DIGIT / "+" / "/"}). */
    public static boolean isIceChars(String s, int min) {
        if (s == null || s.length() < min || s.length() > 256) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            if (ICE_CHARS.indexOf(s.charAt(i)) < 0) {
                return false;
            }
        }
        return true;
    }

    /** The MESSAGE-INTEGRITY key of short-term credentials: the password's bytes (RFC 8489 §9.1.1). */
    public byte[] integrityKey() {
        return pwd.getBytes(StandardCharsets.UTF_8);
    }

    /** Never shows the password. */
    @Override
    public String toString() {
        return "IceCredentials[ufrag=" + ufrag + "]";
    }

    private static String randomChars(SecureRandom random, int n) {
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n; i++) {
            sb.append(ICE_CHARS.charAt(random.nextInt(ICE_CHARS.length())));
        }
        return sb.toString();
    }
}
