package org.patchbay.media.internal.dtls;

import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/**
 * A certificate fingerprint as in SDP {@code a=fingerprint:sha-256 AB:CD:...} (RFC 8122 §5).
 *
 * @param algorithm hash function name as in SDP, lower case ({@code sha-256}, {@code sha-1}, {@code sha-384},
 *                  {@code sha-512})
 * @param digest    the hash of the DER-encoded certificate
 */
public record CertificateFingerprint(String algorithm, byte[] digest) {

    public CertificateFingerprint {
        algorithm = algorithm.toLowerCase(Locale.ROOT);
        if (digestLength(algorithm) != digest.length) {
            throw new IllegalArgumentException("fingerprint of " + algorithm + " has the wrong length");
        }
        digest = digest.clone();
    }

    /** The SHA-256 fingerprint of a DER-encoded certificate. */
    public static CertificateFingerprint sha256(byte[] der) {
        return of("sha-256", der);
    }

    /** The fingerprint of a DER-encoded certificate with the given SDP hash name. */
    public static CertificateFingerprint of(String algorithm, byte[] der) {
        String a = algorithm.toLowerCase(Locale.ROOT);
        digestLength(a);
        try {
            return new CertificateFingerprint(a, MessageDigest.getInstance(a.toUpperCase(Locale.ROOT)).digest(der));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(a + " unavailable", e);
        }
    }

    /**
     * Parses the attribute value ({@code sha-256 AB:CD:...}), with or without {@code a=fingerprint:}.
     *
     * @throws IllegalArgumentException naming what is wrong
     */
    public static CertificateFingerprint parse(String value) {
        String v = value.strip();
        if (v.startsWith("a=")) {
            v = v.substring(2);
        }
        if (v.startsWith("fingerprint:")) {
            v = v.substring(12);
        }
        String[] parts = v.split("\\s+");
        if (parts.length != 2 || !parts[1].matches("(?i)[0-9a-f]{2}(:[0-9a-f]{2})*")) {
            throw new IllegalArgumentException("fingerprint must be '<hash> XX:XX:...'");
        }
        return new CertificateFingerprint(parts[0], HexFormat.of().parseHex(parts[1].replace(":", "")));
    }

    /** Whether this fingerprint is the hash of the DER-encoded certificate. */
    public boolean matches(byte[] der) {
        return MessageDigest.isEqual(digest, of(algorithm, der).digest);
    }

    @Override
    public byte[] digest() {
        return digest.clone();
    }

    /** The SDP attribute value: {@code sha-256 AB:CD:...}, upper-case hex. */
    public String format() {
        StringBuilder sb = new StringBuilder(algorithm).append(' ');
        for (int i = 0; i < digest.length; i++) {
            if (i > 0) {
                sb.append(':');
            }
            sb.append(HexFormat.of().withUpperCase().toHexDigits(digest[i]));
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return format();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof CertificateFingerprint f && f.algorithm.equals(algorithm)
                && Arrays.equals(f.digest, digest);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(digest);
    }

    private static int digestLength(String algorithm) {
        return switch (algorithm) {
            case "sha-1" -> 20;
            case "sha-256" -> 32;
            case "sha-384" -> 48;
            case "sha-512" -> 64;
            default -> throw new IllegalArgumentException("unsupported fingerprint hash " + algorithm);
        };
    }
}
