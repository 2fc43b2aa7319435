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
