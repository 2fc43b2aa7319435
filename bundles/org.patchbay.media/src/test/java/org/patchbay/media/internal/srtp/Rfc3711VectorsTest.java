package org.patchbay.media.internal.srtp;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** RFC 3711 Appendix B.2 (AES-CM keystream) and B.3 (key derivation). */
class Rfc3711VectorsTest {

    @Test
    void b3KeyDerivation() {
        byte[] key = Hex.bytes("E1F97A0D3E018BE0D64FA32C06DE4139");
        byte[] salt = Hex.bytes("0EC675AD498AFEEBB6960B3AABE6");
        assertArrayEquals(Hex.bytes("C61E7A93744F39EE10734AFE3FF7A087"),
                SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_ENCRYPTION, 16));
        assertArrayEquals(Hex.bytes("30CBBC08863D8C85D49DB34A9AE1"),
                SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_SALT, 14));
        assertArrayEquals(Hex.bytes("CEBE321F6FF7716B6FD4AB49AF256A156D38BAA48F0A0ACF3C34E2359E6CDBCE"
                        + "E049646C43D9327AD175578EF72270986371C10C9A369AC2F94A8C5FBCDDDC25"
                        + "6D6E919A48B610EF17C2041E474035766B68642C59BBFC2F34DB60DBDFB2"),
                SrtpKeyDerivation.derive(key, salt, SrtpKeyDerivation.RTP_AUTH, 94));
    }

    @Test
    void b2AesCmKeystream() throws Exception {
        SessionCipher cipher = new SessionCipher(SrtpProfile.AES_CM_128_HMAC_SHA1_80,
                Hex.bytes("2B7E151628AED2A6ABF7158809CF4F3C"), Hex.bytes("F0F1F2F3F4F5F6F7F8F9FAFBFCFD"),
                new byte[20]);
        byte[] zeros = new byte[0xff02 * 16];
        cipher.ctr(zeros, 0, zeros.length, 0, 0);
        assertEquals("e03ead0935c95e80e166b16dd92b4eb4", Hex.string(zeros, 0, 16));
        assertEquals("d23513162b02d0f72a43a2fe4a5f97ab", Hex.string(zeros, 16, 16));
        assertEquals("41e95b3bb0a2e8dd477901e4fca894c0", Hex.string(zeros, 32, 16));
        assertEquals("ec8cdf7398607cb0f2d21675ea9ea1e4", Hex.string(zeros, 0xfeff * 16, 16));
        assertEquals("362b7c3c6773516318a077d7fc5073ae", Hex.string(zeros, 0xff00 * 16, 16));
        assertEquals("6a2cc3787889374fbeb4c81b17ba6c44", Hex.string(zeros, 0xff01 * 16, 16));
    }
}
