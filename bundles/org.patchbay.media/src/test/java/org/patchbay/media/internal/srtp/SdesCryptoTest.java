package org.patchbay.media.internal.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.security.SecureRandom;
import java.util.List;
import org.junit.jupiter.api.Test;

class SdesCryptoTest {

    /** The key parameters of the example in RFC 4568 §9.1 (lifetime 2^20, MKI 1 of 4 bytes). */
    private static final String RFC_EXAMPLE =
            "a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:4";

    @Test
    void parsesTheRfcExample() {
        SdesCrypto c = SdesCrypto.parse(RFC_EXAMPLE);
        assertEquals(1, c.tag());
        assertEquals(SrtpProfile.AES_CM_128_HMAC_SHA1_80, c.profile());
        assertEquals(1L << 20, c.lifetime().getAsLong());
        assertEquals(new SdesCrypto.Mki(1, 4), c.mki().orElseThrow());
        assertEquals(16, c.masterKey().length);
        assertEquals(14, c.masterSalt().length);
        assertEquals(RFC_EXAMPLE.substring(2), c.format());
    }

    @Test
    void generatedKeysRoundTripAndWorkInAContext() {
        SdesCrypto offer = SdesCrypto.generate(2, SrtpProfile.AEAD_AES_128_GCM, new SecureRandom());
        SdesCrypto parsed = SdesCrypto.parse("a=" + offer.format() + " UNENCRYPTED_SRTCP");
        assertArrayEquals(offer.masterKey(), parsed.masterKey());
        assertArrayEquals(offer.masterSalt(), parsed.masterSalt());
        assertEquals(List.of("UNENCRYPTED_SRTCP"), parsed.sessionParams());
        assertFalse(parsed.toString().contains(offer.format().split("inline:")[1]));
        new SrtpContext(parsed.profile(), parsed.masterKey(), parsed.masterSalt());
    }

    @Test
    void mkiIsCarriedInPacketsAndChecked() {
        SdesCrypto c = SdesCrypto.parse(RFC_EXAMPLE);
        assertArrayEquals(new byte[] {0, 0, 0, 1}, c.mkiBytes());
        SrtpContext sender = c.context();
        SrtpContext receiver = c.context();
        assertEquals(14, sender.rtpOverhead());
        byte[] rtp = new byte[12 + 20 + sender.rtpOverhead()];
        rtp[0] = (byte) 0x80;
        int n = sender.protectRtp(rtp, 0, 32);
        assertEquals(46, n);
        assertArrayEquals(new byte[] {0, 0, 0, 1}, java.util.Arrays.copyOfRange(rtp, 32, 36));
        byte[] wrongMki = rtp.clone();
        wrongMki[35] = 2;
        assertEquals(SrtpContext.REJECTED, receiver.unprotectRtp(wrongMki, 0, n));
        assertEquals(32, receiver.unprotectRtp(rtp, 0, n));

        byte[] rtcp = new byte[8 + 8 + sender.rtcpOverhead()];
        rtcp[0] = (byte) 0x80;
        rtcp[1] = (byte) 201;
        int m = sender.protectRtcp(rtcp, 0, 16);
        assertEquals(16 + 4 + 4 + 10, m);
        assertEquals(16, receiver.unprotectRtcp(rtcp, 0, m));
        assertThrows(IllegalArgumentException.class, () -> new SrtpContext(SrtpProfile.AEAD_AES_128_GCM,
                new byte[16], new byte[12], new byte[] {1}));
    }

    @Test
    void rejectsBadLinesWithAReason() {
        assertThrows(IllegalArgumentException.class,
                () -> SdesCrypto.parse("a=crypto:1 F8_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR"));
        assertThrows(IllegalArgumentException.class,
                () -> SdesCrypto.parse("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVe"));
        assertThrows(IllegalArgumentException.class,
                () -> SdesCrypto.parse("a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:!!!"));
        assertThrows(IllegalArgumentException.class, () -> SdesCrypto.parse("a=crypto:x"));
        assertThrows(IllegalArgumentException.class,
                () -> SdesCrypto.parse(RFC_EXAMPLE.replace("|1:4", "|1:999")));
    }
}
