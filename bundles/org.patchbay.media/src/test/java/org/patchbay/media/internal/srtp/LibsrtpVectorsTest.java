package org.patchbay.media.internal.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * Interoperability with libsrtp (the library in Chromium and Firefox): the known answers of its
 * {@code srtp_validate} and {@code srtp_validate_gcm}, from master key and salt through the KDF to the
 * packet, with SSRC 0xcafebabe, sequence number 0x1234 and SRTCP index 1 (libsrtp's first index).
 */
class LibsrtpVectorsTest {

    private static final String RTP = "800f1234decafbadcafebabe" + "ab".repeat(16);
    private static final String RTCP = "81c8000bcafebabe" + "ab".repeat(16);

    private static final String CM_KEY = "e1f97a0d3e018be0d64fa32c06de4139";
    private static final String CM_SALT = "0ec675ad498afeebb6960b3aabe6";
    private static final String CM_SRTP = "800f1234decafbadcafebabe4e55dc4ce79978d88ca4d215949d2402b78d6acc99ea179b8dbb";
    private static final String CM_SRTCP = "81c8000bcafebabe7128035be487b9bdbef89041f977a5a880000001993e08cd54d6c1230798";

    private static final String GCM_KEY = "000102030405060708090a0b0c0d0e0f";
    private static final String GCM_SALT = "a0a1a2a3a4a5a6a7a8a9aaab";
    private static final String GCM_SRTP = "800f1234decafbadcafebabec5002ede04cfdd2eb91159e0880aa06ed2976826f796b201df3131a127e8a392";
    private static final String GCM_SRTCP = "81c8000bcafebabec98b8b5df0392a55852b6c21ac8e7025c52c6fbea2b3b446ea31123ba88ce61e80000001";

    private static SrtpContext ctx(SrtpProfile p, String key, String salt) {
        return new SrtpContext(p, Hex.bytes(key), Hex.bytes(salt));
    }

    private static String protectRtp(SrtpContext c) {
        byte[] buf = Arrays.copyOf(Hex.bytes(RTP), 64);
        return Hex.string(buf, 0, c.protectRtp(buf, 0, 28));
    }

    private static String protectRtcp(SrtpContext c) {
        byte[] buf = Arrays.copyOf(Hex.bytes(RTCP), 64);
        return Hex.string(buf, 0, c.protectRtcp(buf, 0, 24, 1));
    }

    private static String unprotectRtp(SrtpContext c, String srtp) {
        byte[] buf = Hex.bytes(srtp);
        return Hex.string(buf, 0, c.unprotectRtp(buf, 0, buf.length));
    }

    private static String unprotectRtcp(SrtpContext c, String srtcp) {
        byte[] buf = Hex.bytes(srtcp);
        return Hex.string(buf, 0, c.unprotectRtcp(buf, 0, buf.length));
    }

    @Test
    void aesCm128HmacSha1_80() {
        assertEquals(CM_SRTP, protectRtp(ctx(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY, CM_SALT)));
        assertEquals(CM_SRTCP, protectRtcp(ctx(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY, CM_SALT)));
        assertEquals(RTP, unprotectRtp(ctx(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY, CM_SALT), CM_SRTP));
        assertEquals(RTCP, unprotectRtcp(ctx(SrtpProfile.AES_CM_128_HMAC_SHA1_80, CM_KEY, CM_SALT), CM_SRTCP));
    }

    @Test
    void aesCm128HmacSha1_32TruncatesTheRtpTagOnly() {
        String srtp32 = CM_SRTP.substring(0, (28 + 4) * 2);
        assertEquals(srtp32, protectRtp(ctx(SrtpProfile.AES_CM_128_HMAC_SHA1_32, CM_KEY, CM_SALT)));
        assertEquals(RTP, unprotectRtp(ctx(SrtpProfile.AES_CM_128_HMAC_SHA1_32, CM_KEY, CM_SALT), srtp32));
        assertEquals(CM_SRTCP, protectRtcp(ctx(SrtpProfile.AES_CM_128_HMAC_SHA1_32, CM_KEY, CM_SALT)));
    }

    @Test
    void aeadAes128GcmFromMasterKey() {
        assertEquals(GCM_SRTP, protectRtp(ctx(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT)));
        assertEquals(GCM_SRTCP, protectRtcp(ctx(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT)));
        assertEquals(RTP, unprotectRtp(ctx(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT), GCM_SRTP));
        assertEquals(RTCP, unprotectRtcp(ctx(SrtpProfile.AEAD_AES_128_GCM, GCM_KEY, GCM_SALT), GCM_SRTCP));
    }
}
