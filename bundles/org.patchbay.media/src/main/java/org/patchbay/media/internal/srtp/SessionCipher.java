package org.patchbay.media.internal.srtp;

import java.security.GeneralSecurityException;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The session keys and preallocated JCE objects of one SRTP or SRTCP direction: AES-CM keystream,
 * HMAC-SHA1 tag or AES-GCM. Not thread-safe.
 */
final class SessionCipher {

    private final SrtpProfile profile;
    private final SecretKeySpec key;
    private final byte[] salt;
    private final Cipher cipher;
    private final Mac mac;
    private final byte[] iv;
    private final byte[] macOut = new byte[20];
    // AES-CM: counter blocks and their keystream, grown to the largest packet seen (the ECB cipher is keyed once, so
    // a packet costs no Cipher.init, which re-checks the key and allocates)
    private byte[] counters = new byte[0];
    private byte[] keystream = new byte[0];

    SessionCipher(SrtpProfile profile, byte[] masterKey, byte[] masterSalt, boolean rtcp) {
        this(profile,
                SrtpKeyDerivation.derive(masterKey, masterSalt, rtcp ? SrtpKeyDerivation.RTCP_ENCRYPTION
                        : SrtpKeyDerivation.RTP_ENCRYPTION, profile.keyLength()),
                SrtpKeyDerivation.derive(masterKey, masterSalt, rtcp ? SrtpKeyDerivation.RTCP_SALT
                        : SrtpKeyDerivation.RTP_SALT, profile.saltLength()),
                profile.aead() ? null : SrtpKeyDerivation.derive(masterKey, masterSalt,
                        rtcp ? SrtpKeyDerivation.RTCP_AUTH : SrtpKeyDerivation.RTP_AUTH, profile.authKeyLength()));
    }

    /** Uses session keys directly (test vectors of RFC 7714 are given as session keys). */
    SessionCipher(SrtpProfile profile, byte[] sessionKey, byte[] sessionSalt, byte[] authKey) {
        this.profile = profile;
        this.key = new SecretKeySpec(sessionKey, "AES");
        this.salt = sessionSalt.clone();
        try {
            this.cipher = Cipher.getInstance(profile.aead() ? "AES/GCM/NoPadding" : "AES/ECB/NoPadding");
            if (!profile.aead()) {
                this.cipher.init(Cipher.ENCRYPT_MODE, key);
            }
            if (profile.aead()) {
                this.mac = null;
                this.iv = new byte[12];
            } else {
                this.mac = Mac.getInstance("HmacSHA1");
                this.mac.init(new SecretKeySpec(authKey, "HmacSHA1"));
                this.iv = new byte[16];
            }
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("JCE lacks " + profile, e);
        }
    }

    /** Sets the AES-CM IV: salt·2^16 XOR ssrc·2^64 XOR index·2^16 (RFC 3711 §4.1.1). */
    private void counterIv(int ssrc, long index) {
        System.arraycopy(salt, 0, iv, 0, 14);
        iv[14] = 0;
        iv[15] = 0;
        xorInt(iv, 4, ssrc);
        for (int i = 0; i < 6; i++) {
            iv[13 - i] ^= (byte) (index >>> (8 * i));
        }
    }

    /** Sets the GCM IV: (00 00 || SSRC || hi || lo16or32) XOR salt (RFC 7714 §8.1, §9.1). */
    private void gcmIv(int ssrc, int high, int low, boolean rtcp) {
        System.arraycopy(salt, 0, iv, 0, 12);
        xorInt(iv, 2, ssrc);
        if (rtcp) {
            xorInt(iv, 8, low);
        } else {
            xorInt(iv, 6, high);
            iv[10] ^= (byte) (low >>> 8);
            iv[11] ^= (byte) low;
        }
    }

    /**
     * AES-CM encrypts or decrypts {@code len} bytes in place: the keystream is AES-ECB over the counter blocks IV + i
     * (RFC 3711 §4.1.1; the IV's low 16 bits are zero, so block i just sets them), XORed onto the data.
     */
    void ctr(byte[] buf, int off, int len, int ssrc, long index) throws GeneralSecurityException {
        if (len <= 0) {
            return;
        }
        counterIv(ssrc, index);
        int blocks = (len + 15) >>> 4;
        if (blocks > 0x10000) {
            throw new GeneralSecurityException("AES-CM: packet too long");
        }
        int n = blocks << 4;
        if (counters.length < n) {
            counters = new byte[n];
            keystream = new byte[n];
        }
        byte[] c = counters;
        for (int b = 0, at = 0; b < blocks; b++, at += 16) {
            System.arraycopy(iv, 0, c, at, 14);
            c[at + 14] = (byte) (b >>> 8);
            c[at + 15] = (byte) b;
        }
        byte[] k = keystream;
        cipher.doFinal(c, 0, n, k, 0);
        for (int i = 0; i < len; i++) {
            buf[off + i] ^= k[i];
        }
    }

    /** HMAC-SHA1 over {@code buf[off, off+len)} and the optional 4-byte trailer; returns the 20-byte scratch. */
    byte[] hmac(byte[] buf, int off, int len, int roc, boolean withRoc) {
        mac.update(buf, off, len);
        if (withRoc) {
            mac.update((byte) (roc >>> 24));
            mac.update((byte) (roc >>> 16));
            mac.update((byte) (roc >>> 8));
            mac.update((byte) roc);
        }
        try {
            mac.doFinal(macOut, 0);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
        return macOut;
    }

    /**
     * GCM-encrypts {@code buf[off+aadLen, off+len)} in place and appends the tag; the first {@code aadLen}
     * bytes and {@code extraAad} (may be null) are authenticated only. Returns the bytes written after the AAD.
     */
    int gcmSeal(byte[] buf, int off, int aadLen, int len, byte[] extraAad, int ssrc, int high, int low,
                boolean rtcp) throws GeneralSecurityException {
        gcmIv(ssrc, high, low, rtcp);
        cipher.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(128, iv));
        cipher.updateAAD(buf, off, aadLen);
        if (extraAad != null) {
            cipher.updateAAD(extraAad);
        }
        return cipher.doFinal(buf, off + aadLen, len - aadLen, buf, off + aadLen);
    }

    /**
     * GCM-decrypts {@code buf[cipherOff, cipherOff+cipherLen)} (ciphertext and tag) in place, authenticating
     * {@code buf[off, off+aadLen)} and {@code extraAad}. Returns the plaintext length or -1 on a bad tag.
     */
    int gcmOpen(byte[] buf, int off, int aadLen, byte[] extraAad, int cipherOff, int cipherLen, int ssrc,
                int high, int low, boolean rtcp) throws GeneralSecurityException {
        gcmIv(ssrc, high, low, rtcp);
        cipher.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(128, iv));
        cipher.updateAAD(buf, off, aadLen);
        if (extraAad != null) {
            cipher.updateAAD(extraAad);
        }
        try {
            return cipher.doFinal(buf, cipherOff, cipherLen, buf, cipherOff);
        } catch (AEADBadTagException e) {
            return -1;
        }
    }

    SrtpProfile profile() {
        return profile;
    }

    private static void xorInt(byte[] b, int at, int v) {
        b[at] ^= (byte) (v >>> 24);
        b[at + 1] ^= (byte) (v >>> 16);
        b[at + 2] ^= (byte) (v >>> 8);
        b[at + 3] ^= (byte) v;
    }

    /** Constant-time comparison of {@code n} bytes. */
    static boolean equal(byte[] a, int aOff, byte[] b, int bOff, int n) {
        int diff = 0;
        for (int i = 0; i < n; i++) {
            diff |= a[aOff + i] ^ b[bOff + i];
        }
        return diff == 0;
    }
}
