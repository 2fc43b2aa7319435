package org.patchbay.media.internal.srtp;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * One SDES {@code a=crypto} attribute (RFC 4568 §9.1) with a single inline key parameter:
 * {@code a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:<base64 key||salt>[|lifetime][|MKI:length] [session-params]}.
 *
 * @param tag           the attribute's tag, 1..999999999
 * @param profile       the crypto-suite
 * @param masterKey     master key of the profile's length
 * @param masterSalt    master salt of the profile's length
 * @param lifetime      the key lifetime in packets, if given
 * @param mki           the master key identifier and its length, if given
 * @param sessionParams further session parameters verbatim (e.g. {@code UNENCRYPTED_SRTCP})
 */
public record SdesCrypto(int tag, SrtpProfile profile, byte[] masterKey, byte[] masterSalt, OptionalLong lifetime,
                         Optional<Mki> mki, List<String> sessionParams) {

    /** A master key identifier value carried in {@code length} bytes (1..128). */
    public record Mki(long value, int length) {
    }

    public SdesCrypto {
        if (tag < 0 || tag > 999_999_999) {
            throw new IllegalArgumentException("crypto tag out of range: " + tag);
        }
        if (masterKey.length != profile.keyLength() || masterSalt.length != profile.saltLength()) {
            throw new IllegalArgumentException("key||salt length does not fit " + profile.sdesName());
        }
        masterKey = masterKey.clone();
        masterSalt = masterSalt.clone();
        sessionParams = List.copyOf(sessionParams);
    }

    /** A fresh random key for an offer or answer. */
    public static SdesCrypto generate(int tag, SrtpProfile profile, SecureRandom random) {
        byte[] key = new byte[profile.keyLength()];
        byte[] salt = new byte[profile.saltLength()];
        random.nextBytes(key);
        random.nextBytes(salt);
        return new SdesCrypto(tag, profile, key, salt, OptionalLong.empty(), Optional.empty(), List.of());
    }

    @Override
    public byte[] masterKey() {
        return masterKey.clone();
    }

    @Override
    public byte[] masterSalt() {
        return masterSalt.clone();
    }

    /**
     * Parses an attribute value, with or without the leading {@code a=crypto:}.
     *
     * @throws IllegalArgumentException naming what is wrong (unknown suite, bad base64, wrong key length, ...)
     */
    public static SdesCrypto parse(String line) {
        String v = line.strip();
        if (v.startsWith("a=")) {
            v = v.substring(2);
        }
        if (v.startsWith("crypto:")) {
            v = v.substring(7);
        }
        String[] parts = v.split("\\s+");
        if (parts.length < 3) {
            throw new IllegalArgumentException("crypto attribute needs tag, suite and key params");
        }
        int tag = parseInt(parts[0], "tag");
        SrtpProfile profile = SrtpProfile.ofSdesName(parts[1])
                .orElseThrow(() -> new IllegalArgumentException("unsupported crypto-suite " + parts[1]));
        String keyParam = parts[2].split(";", 2)[0];
        if (!keyParam.startsWith("inline:")) {
            throw new IllegalArgumentException("key method is not inline");
        }
        String[] fields = keyParam.substring(7).split("\\|");
        byte[] keySalt;
        try {
            keySalt = Base64.getDecoder().decode(fields[0]);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("inline key is not base64");
        }
        if (keySalt.length != profile.keyLength() + profile.saltLength()) {
            throw new IllegalArgumentException("inline key||salt is " + keySalt.length + " bytes, "
                    + profile.sdesName() + " needs " + (profile.keyLength() + profile.saltLength()));
        }
        OptionalLong lifetime = OptionalLong.empty();
        Optional<Mki> mki = Optional.empty();
        for (int i = 1; i < fields.length; i++) {
            if (fields[i].contains(":")) {
                mki = Optional.of(parseMki(fields[i]));
            } else {
                lifetime = OptionalLong.of(parseLifetime(fields[i]));
            }
        }
        List<String> session = new ArrayList<>(Arrays.asList(parts).subList(3, parts.length));
        return new SdesCrypto(tag, profile, Arrays.copyOf(keySalt, profile.keyLength()),
                Arrays.copyOfRange(keySalt, profile.keyLength(), keySalt.length), lifetime, mki, session);
    }

    /** Formats the attribute value without {@code a=}: {@code crypto:1 AES_CM_128_HMAC_SHA1_80 inline:...}. */
    public String format() {
        byte[] keySalt = new byte[masterKey.length + masterSalt.length];
        System.arraycopy(masterKey, 0, keySalt, 0, masterKey.length);
        System.arraycopy(masterSalt, 0, keySalt, masterKey.length, masterSalt.length);
        StringBuilder sb = new StringBuilder("crypto:").append(tag).append(' ').append(profile.sdesName())
                .append(" inline:").append(Base64.getEncoder().encodeToString(keySalt));
        lifetime.ifPresent(l -> sb.append('|')
                .append(Long.bitCount(l) == 1 ? "2^" + Long.numberOfTrailingZeros(l) : String.valueOf(l)));
        mki.ifPresent(m -> sb.append('|').append(m.value()).append(':').append(m.length()));
        sessionParams.forEach(p -> sb.append(' ').append(p));
        return sb.toString();
    }

    /** The MKI as it appears in packets: its value big-endian in its length, or empty without MKI. */
    public byte[] mkiBytes() {
        if (mki.isEmpty()) {
            return new byte[0];
        }
        byte[] b = new byte[mki.get().length()];
        long v = mki.get().value();
        for (int i = b.length - 1; i >= 0 && v != 0; i--, v >>>= 8) {
            b[i] = (byte) v;
        }
        return b;
    }

    /** The context that protects or unprotects with this key (and MKI, if any). */
    public SrtpContext context() {
        return new SrtpContext(profile, masterKey, masterSalt, mkiBytes());
    }

    /** Never shows the key. */
    @Override
    public String toString() {
        return "SdesCrypto[tag=" + tag + ", " + profile.sdesName() + "]";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SdesCrypto c && c.tag == tag && c.profile == profile
                && Arrays.equals(c.masterKey, masterKey) && Arrays.equals(c.masterSalt, masterSalt)
                && c.lifetime.equals(lifetime) && c.mki.equals(mki) && c.sessionParams.equals(sessionParams);
    }

    @Override
    public int hashCode() {
        return 31 * tag + Arrays.hashCode(masterKey);
    }

    private static long parseLifetime(String s) {
        if (s.startsWith("2^")) {
            int exp = parseInt(s.substring(2), "lifetime exponent");
            if (exp > 62) {
                throw new IllegalArgumentException("lifetime exponent too large");
            }
            return 1L << exp;
        }
        try {
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad lifetime " + s);
        }
    }

    private static Mki parseMki(String s) {
        String[] p = s.split(":", 2);
        int length = parseInt(p[1], "MKI length");
        if (length < 1 || length > 128) {
            throw new IllegalArgumentException("MKI length out of range");
        }
        try {
            return new Mki(Long.parseLong(p[0]), length);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad MKI value " + p[0]);
        }
    }

    private static int parseInt(String s, String what) {
        try {
            return Integer.parseInt(s);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("bad " + what + ": " + s);
        }
    }
}
