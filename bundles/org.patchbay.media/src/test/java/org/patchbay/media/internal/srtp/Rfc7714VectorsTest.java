package org.patchbay.media.internal.srtp;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** RFC 7714 §16.1 (SRTP) and §17.1/§17.3 (SRTCP) AEAD_AES_128_GCM vectors, given as session keys. */
class Rfc7714VectorsTest {

    private static final String KEY = "000102030405060708090a0b0c0d0e0f";
    private static final String SALT = "517569642070726f2071756f";
    private static final String RTP = "8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e697320646976"
            + "69736120696e207061727465732074726573";
    private static final String SRTP = "8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd5"
            + "0d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce";
    private static final String RTCP = "81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61"
            + "deadbeefdeadbeefdeadbeefdeadbeefdeadbeef";
    private static final String SRTCP = "81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32d"
            + "c676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4";
    private static final String SRTCP_UNENCRYPTED = "81c8000d4d6172734e5450314e545032525450200000042a"
            + "0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef841dd9683dd78ec92ae58790125f62b3000005d4";

    private static SrtpContext context() {
        SrtpProfile p = SrtpProfile.AEAD_AES_128_GCM;
        return new SrtpContext(p, new SessionCipher(p, Hex.bytes(KEY), Hex.bytes(SALT), null),
                new SessionCipher(p, Hex.bytes(KEY), Hex.bytes(SALT), null));
    }

    @Test
    void srtpEncryption() {
        byte[] buf = Arrays.copyOf(Hex.bytes(RTP), 100);
        int n = context().protectRtp(buf, 0, Hex.bytes(RTP).length);
        assertEquals(SRTP, Hex.string(buf, 0, n));
    }

    @Test
    void srtpDecryption() {
        byte[] buf = Hex.bytes(SRTP);
        int n = context().unprotectRtp(buf, 0, buf.length);
        assertEquals(RTP, Hex.string(buf, 0, n));
    }

    @Test
    void srtcpEncryption() {
        byte[] buf = Arrays.copyOf(Hex.bytes(RTCP), 100);
        int n = context().protectRtcp(buf, 0, Hex.bytes(RTCP).length, 0x5d4);
        assertEquals(SRTCP, Hex.string(buf, 0, n));
    }

    @Test
    void srtcpDecryption() {
        byte[] buf = Hex.bytes(SRTCP);
        int n = context().unprotectRtcp(buf, 0, buf.length);
        assertEquals(RTCP, Hex.string(buf, 0, n));
    }

    @Test
    void srtcpAuthenticatedOnlyWithEBitClear() {
        byte[] buf = Hex.bytes(SRTCP_UNENCRYPTED);
        int n = context().unprotectRtcp(buf, 0, buf.length);
        assertEquals(RTCP, Hex.string(buf, 0, n));
    }

    @Test
    void tamperedVectorsAreRejected() {
        SrtpContext ctx = context();
        byte[] srtp = Hex.bytes(SRTP);
        srtp[20] ^= 1;
        assertEquals(SrtpContext.REJECTED, ctx.unprotectRtp(srtp, 0, srtp.length));
        byte[] srtcp = Hex.bytes(SRTCP);
        srtcp[srtcp.length - 1] ^= 1;
        assertEquals(SrtpContext.REJECTED, ctx.unprotectRtcp(srtcp, 0, srtcp.length));
        assertEquals(2, ctx.authFailures());
    }
}
