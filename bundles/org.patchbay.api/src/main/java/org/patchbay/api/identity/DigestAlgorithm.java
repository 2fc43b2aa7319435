package org.patchbay.api.identity;

/** Digest algorithms for which credentials are kept, by their RFC 8760 / RFC 7616 names. */
public enum DigestAlgorithm {
    MD5("MD5", "MD5"),
    SHA_256("SHA-256", "SHA-256");

    private final String token;
    private final String jcaName;

    DigestAlgorithm(String token, String jcaName) {
        this.token = token;
        this.jcaName = jcaName;
    }

    /** The value of the {@code algorithm} parameter in a challenge. */
    public String token() {
        return token;
    }

    /** The {@link java.security.MessageDigest} algorithm name. */
    public String jcaName() {
        return jcaName;
    }
}
