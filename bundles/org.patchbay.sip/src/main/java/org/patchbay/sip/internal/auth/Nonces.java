package org.patchbay.sip.internal.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Stateless nonces: {@code base64url(issued millis | 8 random bytes | HMAC-SHA256(key, those 16 bytes | realm)[0..16])}.
 * The key is random per start, so nonces of a previous run (or another node) are simply invalid, and the server keeps no
 * state to know a nonce is its own and how old it is. Thread-safe.
 */
final class Nonces {

    enum Check { VALID, STALE, INVALID }

    private static final int BODY = 16;
    private static final int TAG = 16;
    /** Nonces "from the future" beyond this are forged or from a clock jump: invalid. */
    private static final long SKEW_MILLIS = 5_000;

    private final SecureRandom random = new SecureRandom();
    private final SecretKeySpec key;
    private final long ttlMillis;

    Nonces(long ttlMillis) {
        byte[] k = new byte[32];
        random.nextBytes(k);
        this.key = new SecretKeySpec(k, "HmacSHA256");
        this.ttlMillis = ttlMillis;
    }

    String create(String realm, long nowMillis) {
        ByteBuffer body = ByteBuffer.allocate(BODY + TAG);
        body.putLong(nowMillis);
        byte[] rnd = new byte[8];
        random.nextBytes(rnd);
        body.put(rnd);
        body.put(tag(Arrays.copyOf(body.array(), BODY), realm));
        return Base64.getUrlEncoder().withoutPadding().encodeToString(body.array());
    }

    Check check(String nonce, String realm, long nowMillis) {
        long issued = issued(nonce, realm);
        if (issued == Long.MIN_VALUE || issued > nowMillis + SKEW_MILLIS) {
            return Check.INVALID;
        }
        return nowMillis - issued > ttlMillis ? Check.STALE : Check.VALID;
    }

    /** When a well-formed nonce of ours for this realm was issued; {@link Long#MIN_VALUE} when it is not one of ours. */
    long issued(String nonce, String realm) {
        if (nonce == null || nonce.length() != 43) {
            return Long.MIN_VALUE;
        }
        byte[] raw;
        try {
            raw = Base64.getUrlDecoder().decode(nonce);
        } catch (IllegalArgumentException e) {
            return Long.MIN_VALUE;
        }
        if (raw.length != BODY + TAG) {
            return Long.MIN_VALUE;
        }
        byte[] expected = tag(Arrays.copyOf(raw, BODY), realm);
        if (!MessageDigest.isEqual(expected, Arrays.copyOfRange(raw, BODY, BODY + TAG))) {
            return Long.MIN_VALUE;
        }
        return ByteBuffer.wrap(raw).getLong();
    }

    long ttlMillis() {
        return ttlMillis;
    }

    private byte[] tag(byte[] body, String realm) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(key);
            mac.update(body);
            mac.update(realm.getBytes(StandardCharsets.UTF_8));
            return Arrays.copyOf(mac.doFinal(), TAG);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JDK lacks HmacSHA256", e);
        }
    }
}
