package org.patchbay.media.internal.stun;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The sample messages of RFC 5769 §2, parsed, verified and rebuilt byte for byte. */
class Rfc5769VectorsTest {

    private static final byte[] PASSWORD = "VOkJxbRl1RmTxUk/WvJxBt".getBytes(StandardCharsets.UTF_8);
    private static final byte[] TXID = hex("b7e7a701bc34d686fa87dfae");

    static final byte[] REQUEST = hex("000100582112a442b7e7a701bc34d686fa87dfae"
            + "80220010" + "5354554e2074657374" + "20636c69656e74"
            + "00240004" + "6e0001ff"
            + "80290008" + "932ff9b151263b36"
            + "00060009" + "6576746a3a68367659202020"
            + "00080014" + "9aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2"
            + "80280004" + "e57a3bcf");

    private static final byte[] IPV4_RESPONSE = hex("0101003c2112a442b7e7a701bc34d686fa87dfae"
            + "8022000b" + "7465737420766563746f7220"
            + "00200008" + "0001a147e112a643"
            + "00080014" + "2b91f599fd9e90c38c7489f92af9ba53f06be7d7"
            + "80280004" + "c07d4c96");

    private static final byte[] IPV6_RESPONSE = hex("010100482112a442b7e7a701bc34d686fa87dfae"
            + "8022000b" + "7465737420766563746f7220"
            + "00200014" + "0002a1470113a9faa5d3f179bc25f4b5bed2b9d9"
            + "00080014" + "a382954e4be67bf11784c97c8292c275bfe3ed41"
            + "80280004" + "c8fb0b4c");

    private static final byte[] LONG_TERM_REQUEST = hex("000100602112a44278ad3433c6ad72c029da412e"
            + "00060012" + "e3839ee38388e383aae38383e382afe382b90000"
            + "0015001c" + "662f2f3439396b39353464364f4c33346f4c394653547679363473 41".replace(" ", "")
            + "0014000b" + "6578616d706c652e6f726700"
            + "00080014" + "f67024656dd64a3e02b8e0712e85c9a28ca89666");

    static byte[] hex(String s) {
        return HexFormat.of().parseHex(s);
    }

    @Test
    void sampleRequestParsesAndVerifies() throws Exception {
        StunMessage m = StunMessage.parse(REQUEST, 0, REQUEST.length);
        assertEquals(StunMessage.BINDING_REQUEST, m.type());
        assertTrue(m.isRequest());
        assertEquals(StunMessage.BINDING, m.method());
        assertArrayEquals(TXID, m.transactionId());
        assertEquals("evtj:h6vY", m.username());
        assertEquals(0x6e0001ffL, m.priority());
        assertEquals(0x932ff9b151263b36L, m.tieBreaker(StunAttributes.ICE_CONTROLLED));
        assertNull(m.tieBreaker(StunAttributes.ICE_CONTROLLING));
        assertTrue(m.integrityValid(PASSWORD));
        assertFalse(m.integrityValid("wrong".getBytes(StandardCharsets.UTF_8)));
        assertTrue(m.fingerprintValid());
    }

    @Test
    void sampleRequestIsRebuiltByteExact() {
        byte[] built = new StunMessageBuilder(StunMessage.BINDING_REQUEST, TXID).padding(0x20)
                .software("STUN test client").priority(0x6e0001ffL).role(false, 0x932ff9b151263b36L)
                .username("evtj:h6vY").build(PASSWORD, true);
        assertArrayEquals(REQUEST, built);
    }

    @Test
    void ipv4ResponseParsesVerifiesAndIsRebuilt() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 32853);
        StunMessage m = StunMessage.parse(IPV4_RESPONSE, 0, IPV4_RESPONSE.length);
        assertEquals(StunMessage.BINDING_SUCCESS, m.type());
        assertEquals(mapped, m.xorMappedAddress());
        assertTrue(m.integrityValid(PASSWORD));
        assertTrue(m.fingerprintValid());
        assertArrayEquals(IPV4_RESPONSE, new StunMessageBuilder(StunMessage.BINDING_SUCCESS, TXID).padding(0x20)
                .software("test vector").xorMappedAddress(mapped).build(PASSWORD, true));
    }

    @Test
    void ipv6ResponseParsesVerifiesAndIsRebuilt() throws Exception {
        InetSocketAddress mapped = new InetSocketAddress(
                InetAddress.getByName("2001:db8:1234:5678:11:2233:4455:6677"), 32853);
        StunMessage m = StunMessage.parse(IPV6_RESPONSE, 0, IPV6_RESPONSE.length);
        assertEquals(mapped, m.xorMappedAddress());
        assertTrue(m.integrityValid(PASSWORD));
        assertTrue(m.fingerprintValid());
        assertArrayEquals(IPV6_RESPONSE, new StunMessageBuilder(StunMessage.BINDING_SUCCESS, TXID).padding(0x20)
                .software("test vector").xorMappedAddress(mapped).build(PASSWORD, true));
    }

    @Test
    void longTermRequestVerifiesWithMd5Key() throws Exception {
        StunMessage m = StunMessage.parse(LONG_TERM_REQUEST, 0, LONG_TERM_REQUEST.length);
        assertEquals("\u30DE\u30C8\u30EA\u30C3\u30AF\u30B9", m.username());
        byte[] key = MessageDigest.getInstance("MD5").digest(
                (m.username() + ":example.org:TheMatrIX").getBytes(StandardCharsets.UTF_8));
        assertTrue(m.integrityValid(key));
        assertFalse(m.hasFingerprint());
    }

    @Test
    void anyFlippedBitBreaksIntegrityOrFingerprintOrParsing() {
        for (int i = 0; i < REQUEST.length * 8; i++) {
            byte[] b = REQUEST.clone();
            b[i / 8] ^= (byte) (1 << (i % 8));
            try {
                StunMessage m = StunMessage.parse(b, 0, b.length);
                assertFalse(m.integrityValid(PASSWORD) && m.fingerprintValid(), "bit " + i);
            } catch (StunFormatException expected) {
                // structural damage is caught by the parser
            }
        }
    }
}
