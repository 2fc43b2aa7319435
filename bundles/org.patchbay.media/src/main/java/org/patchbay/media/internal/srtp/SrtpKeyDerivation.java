package org.patchbay.media.internal.srtp;

import java.security.GeneralSecurityException;
import java.util.Arrays;
import javax.crypto.Cipher;
import javax.crypto.spec.SecretKeySpec;

/**
 * The SRTP key derivation function (RFC 3711 §4.3) with the AES-CM PRF and a key derivation rate of
 * zero, the only rate DTLS-SRTP and WebRTC use. GCM's 12-byte master salt is padded on the right
 * with zeros to 14 bytes (RFC 7714 §11, as libsrtp does).
 */
public final class SrtpKeyDerivation {

    /** Label of the SRTP encryption key. */
    public static final int RTP_ENCRYPTION = 0;
    /** Label of the SRTP authentication key. */
    public static final int RTP_AUTH = 1;
    /** Label of the SRTP salt. */
    public static final int RTP_SALT = 2;
    /** Label of the SRTCP encryption key. */
    public static final int RTCP_ENCRYPTION = 3;
    /** Label of the SRTCP authentication key. */
    public static final int RTCP_AUTH = 4;
    /** Label of the SRTCP salt. */
    public static final int RTCP_SALT = 5;

    private SrtpKeyDerivation() {
    }

    /**
     * Derives {@code length} bytes for {@code label} from the master key and salt.
     *
     * @throws IllegalArgumentException if the master key is not an AES-128 key or the salt is longer than 14 bytes
     */
    public static byte[] derive(byte[] masterKey, byte[] masterSalt, int label, int length) {
        if (masterKey.length != 16 || masterSalt.length > 14) {
            throw new IllegalArgumentException("master key must be 16 bytes and salt at most 14 bytes");
        }
        byte[] iv = new byte[16];
        System.arraycopy(masterSalt, 0, iv, 0, masterSalt.length);
        iv[7] ^= (byte) label;
        try {
            Cipher aes = Cipher.getInstance("AES/ECB/NoPadding");
            aes.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(masterKey, "AES"));
            int blocks = (length + 15) / 16;
            byte[] out = new byte[blocks * 16];
            for (int i = 0; i < blocks; i++) {
                iv[14] = (byte) (i >>> 8);
                iv[15] = (byte) i;
                aes.doFinal(iv, 0, 16, out, i * 16);
            }
            return Arrays.copyOf(out, length);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES unavailable", e);
        }
    }
}
